// The inspector's table view: no row numbers, last column stretched, and a context menu that
// exports the table as displayed (filter and sort applied) to CSV.
#pragma once

#include <QString>

class QTableView;
class QWidget;

namespace ql::ui {

// `name` becomes the object name and the default CSV file name ("<name>.csv").
QTableView* makeTableView(QWidget* parent, const QString& name);
// Adds the "Export table as CSV…" context menu entry to any table view (QTableWidget included).
void addCsvExport(QTableView* view);
// Asks for a file and writes `view`'s model as CSV; shows a message on failure.
void exportTableCsv(QTableView* view);

}  // namespace ql::ui
