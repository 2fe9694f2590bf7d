#include "ui/export/atomic_file.h"

#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cstdio>

namespace ql::ui {

Status writeViaTemporary(const QString& path, const std::function<Status(const QString& temporary)>& write) {
    const QFileInfo info(path);
    const QString temporary = info.dir().filePath(
        QStringLiteral(".%1.partial-%2.%3").arg(info.completeBaseName()).arg(::getpid()).arg(info.suffix()));
    Status written = write(temporary);
    if (written && std::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0) {
        written = makeError(ErrorCode::Io, QStringLiteral("%1: cannot write the file").arg(path).toStdString());
    }
    if (!written) {
        QFile::remove(temporary);
        return makeError(written.error().code,
                         QString::fromStdString(written.error().message).replace(temporary, path).toStdString());
    }
    return written;
}

}  // namespace ql::ui
