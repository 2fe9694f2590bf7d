#include "ui/session/recent_sessions.h"

#include <QFileInfo>
#include <QSettings>

namespace ql::ui::recentSessions {

namespace {
const QString kKey = QStringLiteral("recentSessions");
constexpr int kMaxEntries = 8;
}  // namespace

QStringList list() {
    return QSettings().value(kKey).toStringList();
}

void add(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList entries = list();
    entries.removeAll(absolute);
    entries.prepend(absolute);
    while (entries.size() > kMaxEntries) {
        entries.removeLast();
    }
    QSettings().setValue(kKey, entries);
}

void clear() {
    QSettings().remove(kKey);
}

}  // namespace ql::ui::recentSessions
