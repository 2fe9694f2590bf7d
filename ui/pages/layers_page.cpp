#include "ui/pages/layers_page.h"

#include <quantlens/verify_report.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/export/report_layout.h"
#include "ui/format.h"
#include "ui/metric_help.h"
#include "ui/models/column_subset_proxy.h"
#include "ui/models/convert_rows_model.h"
#include "ui/plots/convert_charts.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"
#include "ui/widgets/table_views.h"

namespace ql::ui {

namespace {
QString deploymentLine(const DeploymentView& d) {
    const double ratio = d.bytesAfter ? static_cast<double>(d.bytesBefore) / static_cast<double>(d.bytesAfter) : 0.0;
    return QObject::tr("<b>%1</b> — <b style='color:%2'>%3</b>: %4. Quantized modules %5 → %6 (%7× smaller); "
                       "logits max |Δ| %8, argmax agreement %9.")
        .arg(d.title.toHtmlEscaped(), d.pass ? QStringLiteral("#2e7d32") : QStringLiteral("#c62828"),
             d.pass ? QObject::tr("✓ pass") : QObject::tr("✗ fail"), d.compares.toHtmlEscaped(), formatBytes(d.bytesBefore),
             formatBytes(d.bytesAfter))
        .arg(ratio, 0, 'f', 2)
        .arg(formatNumber(d.logits ? d.logits->maxAbs : 0.0), formatPercent(d.argmaxAgreement));
}
}  // namespace

LayersPage::LayersPage(QWidget* parent)
    : ReportPage(parent), m_model(new ConvertRowsModel(this)), m_proxy(new QSortFilterProxyModel(this)),
      m_table(makeTableView(this, QStringLiteral("convert_modules"))), m_deployment(new QComboBox(this)), m_totals(new QLabel(this)),
      m_bytesPlot(plotStyle::makePlot(this, QStringLiteral("convertBytes"))),
      m_transitionsPlot(plotStyle::makePlot(this, QStringLiteral("convertTransitions"))) {
    using C = ConvertRowsModel;
    m_paperTable = new ColumnSubsetProxy(m_model, {C::Module, C::TypeAfter, C::BytesBefore, C::BytesAfter, C::Compression, C::Codes,
                                                   C::DequantMaxAbs}, C::DequantMaxAbs, this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_table->setModel(m_proxy);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);  // model order until a header is clicked
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_totals->setWordWrap(true);
    m_totals->setTextFormat(Qt::RichText);
    m_totals->setToolTip(metricHelp::kCompression);
    m_deployment->setToolTip(tr("Which deployment the pictures and the table show"));
    // Stacked at full width: eight module types of bars and a three-box transition each need it.
    auto* body = new QSplitter(Qt::Vertical, this);
    body->addWidget(m_bytesPlot);
    body->addWidget(m_transitionsPlot);
    body->addWidget(m_table);
    body->setStretchFactor(0, 4);
    body->setStretchFactor(1, 1);
    body->setStretchFactor(2, 3);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Deployment:"), this));
    top->addWidget(m_deployment);
    top->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_totals);
    layout->addLayout(top);
    layout->addWidget(body, 1);
    connect(m_deployment, &QComboBox::currentIndexChanged, this, &LayersPage::showDeployment);
    setReport(nullptr);
}

void LayersPage::setReport(const ReportPtr& report) {
    m_report = report;
    m_deployments = report ? deployments(*report) : std::vector<DeploymentView>{};
    {
        const QSignalBlocker blocker(m_deployment);
        m_deployment->clear();
        for (const DeploymentView& d : m_deployments) m_deployment->addItem(d.title, d.id);
        m_deployment->setEnabled(m_deployments.size() > 1);
    }
    QStringList lines;
    for (const DeploymentView& d : m_deployments) lines << deploymentLine(d);
    m_totals->setText(lines.isEmpty() ? tr("No convert check in this report.") : lines.join(QStringLiteral("<br>")));
    showDeployment();
}

void LayersPage::setDeployment(int index) {
    m_deployment->setCurrentIndex(index);
}

void LayersPage::showDeployment() {
    const int index = m_deployment->currentIndex();
    static const std::vector<ConvertModuleRow> kNone;
    const std::vector<ConvertModuleRow>* rows = index >= 0 && index < deploymentCount() ? m_deployments[index].modules : nullptr;
    m_model->setDeploymentRows(m_report, rows);
    m_table->resizeColumnsToContents();
    drawBytesByType(m_bytesPlot, rows ? *rows : kNone);
    drawTypeTransitions(m_transitionsPlot, rows ? *rows : kNone);
    const int groups = static_cast<int>(typeTransitions(rows ? *rows : kNone).size());
    m_transitionsPlot->setMinimumHeight(50 * std::max(groups, 1) + 50);
    m_transitionsPlot->setMaximumHeight(70 * std::max(groups, 1) + 70);
    m_transitionsPlot->setProperty(ReportLayout::kExportHeightProperty, 70.0 * std::max(groups, 1) + 60);
}

QList<QCustomPlot*> LayersPage::plots() const {
    return {m_bytesPlot, m_transitionsPlot};
}

QList<QAbstractItemModel*> LayersPage::tables() const {
    return {m_proxy};
}

QList<QAbstractItemModel*> LayersPage::paperTables() const {
    return {m_paperTable};
}

QString LayersPage::paperTableCaption(const QAbstractItemModel*) const {
    return tr("Modules by fake-vs-real dequant max |Δ|, largest first.");
}

QString LayersPage::summary() const {
    if (m_deployments.empty()) return tr("No convert check in this report.");
    return tr("What convert does to the quantized modules, per deployment (%1): bytes by module type, the type "
              "transition of each module group, then every module.").arg(m_deployments.size());
}

QString LayersPage::explanationHtml() const {
    if (m_deployments.empty()) return {};
    QString html;
    for (const DeploymentView& d : m_deployments) html += QStringLiteral("<p>%1</p>").arg(deploymentLine(d));
    return html;
}

}  // namespace ql::ui
