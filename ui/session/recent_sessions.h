// The most recently used session files (QSettings "recentSessions", newest first, at most 8).
#pragma once

#include <QStringList>

namespace ql::ui::recentSessions {

QStringList list();
void add(const QString& path);
void clear();

}  // namespace ql::ui::recentSessions
