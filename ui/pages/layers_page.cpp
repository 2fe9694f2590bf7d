#include "ui/pages/layers_page.h"

#include <quantlens/verify_report.h>

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/format.h"
#include "ui/metric_help.h"
#include "ui/models/convert_rows_model.h"

namespace ql::ui {

LayersPage::LayersPage(QWidget* parent)
    : ReportPage(parent), m_model(new ConvertRowsModel(this)), m_proxy(new QSortFilterProxyModel(this)),
      m_table(new QTableView(this)), m_totals(new QLabel(this)) {
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_table->setModel(m_proxy);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);  // model order until a header is clicked
    m_table->setSortingEnabled(true);
    m_table->verticalHeader()->hide();
    m_totals->setWordWrap(true);
    m_totals->setToolTip(metricHelp::kCompression);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_totals);
    layout->addWidget(m_table, 1);
    setReport(nullptr);
}

void LayersPage::setReport(const ReportPtr& report) {
    m_model->setReport(report);
    m_table->resizeColumnsToContents();
    const ConvertDeployment* convert =
        report && report->convert && !report->convert->deployments.empty() ? &report->convert->deployments.front() : nullptr;
    if (!convert) {
        m_totals->setText(tr("No convert check in this report."));
        return;
    }
    const double ratio = convert->bytesAfter ? static_cast<double>(convert->bytesBefore) / convert->bytesAfter : 0.0;
    m_totals->setText(tr("Quantized modules: %1 before convert → %2 after (%3× smaller). "
                         "Fake-quant vs real low-bit logits: max |Δ| %4, argmax agreement %5.")
                          .arg(formatBytes(convert->bytesBefore), formatBytes(convert->bytesAfter))
                          .arg(ratio, 0, 'f', 2)
                          .arg(formatNumber(convert->logits.maxAbs), formatPercent(convert->argmaxAgreement)));
}

QList<QAbstractItemModel*> LayersPage::tables() const {
    return {m_model};
}

QString LayersPage::summary() const {
    return m_totals->text();
}

}  // namespace ql::ui
