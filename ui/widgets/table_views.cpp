#include "ui/widgets/table_views.h"

#include <QAction>
#include <QFileDialog>
#include <QHeaderView>
#include <QMessageBox>
#include <QTableView>

#include "ui/export/csv_export.h"

namespace ql::ui {

QTableView* makeTableView(QWidget* parent, const QString& name) {
    auto* view = new QTableView(parent);
    view->setObjectName(name);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    addCsvExport(view);
    return view;
}

void addCsvExport(QTableView* view) {
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* exportCsv = new QAction(QObject::tr("Export table as CSV…"), view);
    QObject::connect(exportCsv, &QAction::triggered, view, [view] { exportTableCsv(view); });
    view->addAction(exportCsv);
}

void exportTableCsv(QTableView* view) {
    if (!view || !view->model()) return;
    const QString path = QFileDialog::getSaveFileName(
        view, QObject::tr("Export table"), view->objectName() + QStringLiteral(".csv"), QObject::tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    const Status status = writeCsv(*view->model(), path);
    if (!status)
        QMessageBox::critical(view, QObject::tr("Export table"), QString::fromStdString(status.error().message));
}

}  // namespace ql::ui
