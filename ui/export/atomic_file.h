// Writing an export without ever leaving a partial file: `write` fills a temporary file next to
// `path` (same folder, so the rename is atomic), which is renamed into place only on success and
// removed otherwise. Error messages name `path`, not the temporary.
#pragma once

#include <quantlens/result.h>

#include <QString>
#include <functional>

namespace ql::ui {

Status writeViaTemporary(const QString& path, const std::function<Status(const QString& temporary)>& write);

}  // namespace ql::ui
