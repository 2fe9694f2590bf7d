// Tables as CSV (RFC 4180: comma separated, CRLF, fields with a comma, quote or line break quoted).
// Numeric columns are written at full precision from the model's sort role (kSortRole), text as
// displayed; rows in the order the model presents them (a proxy's filter and sort apply).
#pragma once

#include <quantlens/result.h>

#include <QString>

class QAbstractItemModel;

namespace ql::ui {

QString modelToCsv(const QAbstractItemModel& model);
// Atomic (temporary file + rename): never a partial file.
Status writeCsv(const QAbstractItemModel& model, const QString& path);

}  // namespace ql::ui
