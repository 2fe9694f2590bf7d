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
#include <algorithm>

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
QString verdictHtml(bool pass) {
    return QStringLiteral("<b style='color:%1'>%2</b>")
        .arg(pass ? QStringLiteral("#2e7d32") : QStringLiteral("#c62828"),
             pass ? QObject::tr("✓ pass") : QObject::tr("✗ fail"));
}

QString mark(bool ok) {
    return ok ? QStringLiteral("✓") : QStringLiteral("✗");
}

// One deployment as the check's rule sees it: codes, argmax agreement vs the threshold, the logit
// gap vs the convert tolerance, then what it costs in bytes.
// The first `limit` argmax flips: position, the two tokens, the fake-quant margin against the tolerance.
QString flipsLine(const DeploymentView& d, std::size_t limit) {
    if (!d.flips || d.flips->empty()) return {};
    QStringList items;
    for (std::size_t i = 0; i < std::min(limit, d.flips->size()); ++i) {
        const ArgmaxFlip& f = (*d.flips)[i];
        const auto token = [](const std::string& text, std::int32_t id) {
            return text.empty() ? QStringLiteral("#%1").arg(id) : QStringLiteral("'%1'").arg(qs(text).toHtmlEscaped());
        };
        items << QObject::tr("prompt %1 pos %2: %3 → %4, margin %5 (allowed %6, %7)")
                     .arg(f.prompt)
                     .arg(f.position)
                     .arg(token(f.fakeTopText, f.fakeTop), token(f.deployedTopText, f.deployedTop),
                          formatNumber(f.margin), formatNumber(f.allowed),
                          f.nearTie ? QObject::tr("near tie") : QObject::tr("<b>beyond</b>"));
    }
    const std::size_t more = d.flips->size() > limit ? d.flips->size() - limit : 0;
    return QObject::tr("Argmax flips: %1%2")
        .arg(items.join(QStringLiteral("; ")), more ? QObject::tr("; and %1 more").arg(more) : QString());
}

QString deploymentLine(const DeploymentView& d) {
    const double ratio = d.bytesAfter ? static_cast<double>(d.bytesBefore) / static_cast<double>(d.bytesAfter) : 0.0;
    const std::uint64_t outside = d.logits ? d.logits->outOfTolerance : 0;
    const QString codes = d.modulesCodesDiffer == 0
                              ? QObject::tr("%1 codes identical in every module").arg(mark(true))
                              : QObject::tr("%1 %2 modules change codes").arg(mark(false)).arg(d.modulesCodesDiffer);
    const bool argmaxOk =
        d.flipsBeyondTolerance == 0 && (!d.argmaxThreshold || d.argmaxAgreement >= *d.argmaxThreshold);
    const QString threshold =
        d.argmaxThreshold ? QObject::tr(", threshold ≥ %1").arg(formatPercent(*d.argmaxThreshold)) : QString();
    const QString argmax = QObject::tr("%1 argmax agreement %2 (flips: %3 near tie, %4 beyond the tolerance%5)")
                               .arg(mark(argmaxOk), formatPercent(d.argmaxAgreement))
                               .arg(d.flipsNearTie)
                               .arg(d.flipsBeyondTolerance)
                               .arg(threshold);
    const QString gap = QObject::tr("%1 logits max |Δ| %2, %3 outside the convert tolerance (atol %4, rtol %5)")
                            .arg(mark(outside == 0), formatNumber(d.logits ? d.logits->maxAbs : 0.0),
                                 formatCount(outside), formatNumber(d.tolerance.atol), formatNumber(d.tolerance.rtol));
    return QObject::tr("<b>%1</b> — %2 <i>(%3)</i><br>%4 · %5 · %6 · quantized modules %7 → %8 (%9× smaller)")
        .arg(d.title.toHtmlEscaped(), verdictHtml(d.pass), d.compares.toHtmlEscaped(), codes, argmax, gap,
             formatBytes(d.bytesBefore), formatBytes(d.bytesAfter))
        .arg(ratio, 0, 'f', 2);
}
}  // namespace

LayersPage::LayersPage(QWidget* parent)
    : ReportPage(parent),
      m_model(new ConvertRowsModel(this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_table(makeTableView(this, QStringLiteral("convert_modules"))),
      m_deployment(new QComboBox(this)),
      m_totals(new QLabel(this)),
      m_bytesPlot(plotStyle::makePlot(this, QStringLiteral("convertBytes"))),
      m_transitionsPlot(plotStyle::makePlot(this, QStringLiteral("convertTransitions"))) {
    using C = ConvertRowsModel;
    m_paperTable = new ColumnSubsetProxy(
        m_model, {C::Module, C::TypeAfter, C::BytesBefore, C::BytesAfter, C::Compression, C::Codes, C::DequantMaxAbs},
        C::DequantMaxAbs, this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_table->setModel(m_proxy);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);  // model order until a header is clicked
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_bytesPlot->setMinimumHeight(180);  // with two deployments' transitions the tab still fits 1280x800
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
    for (const DeploymentView& d : m_deployments) {
        lines << deploymentLine(d);
        if (const QString flips = flipsLine(d, 3); !flips.isEmpty()) lines << flips;
    }
    m_totals->setText(lines.isEmpty() ? tr("No convert check in this report.") : lines.join(QStringLiteral("<br>")));
    showDeployment();
}

void LayersPage::setDeployment(int index) {
    m_deployment->setCurrentIndex(index);
}

void LayersPage::showDeployment() {
    const int index = m_deployment->currentIndex();
    static const std::vector<ConvertModuleRow> kNone;
    const std::vector<ConvertModuleRow>* shown =
        index >= 0 && index < deploymentCount() ? m_deployments[index].modules : nullptr;
    m_model->setDeploymentRows(m_report, shown);
    m_table->resizeColumnsToContents();
    drawBytesByType(m_bytesPlot, shown ? *shown : kNone);
    // The shown deployment's transitions, and the other deployment's where they differ (e.g.
    // "+ LoRA (unmerged)" after convert), each under its title.
    std::vector<DeploymentRows> pictured{{shown ? m_deployments[index].title : QString(), shown ? shown : &kNone}};
    const int other = otherDeployment();
    if (other >= 0) pictured.push_back({m_deployments[other].title, m_deployments[other].modules});
    drawTypeTransitions(m_transitionsPlot, pictured);
    // A row of boxes holds three text lines (about 47 px, or the boxes of neighbouring rows overlap), a
    // caption one: sized so two deployments with three transitions still fit 1280x800.
    const TransitionLines lines = transitionLines(pictured);
    const int boxRows = std::max(lines.boxRows, 1);
    m_transitionsPlot->setMinimumHeight(47 * boxRows + 18 * lines.captions + 45);
    m_transitionsPlot->setMaximumHeight(70 * boxRows + 24 * lines.captions + 70);
    m_transitionsPlot->setProperty(ReportLayout::kExportHeightProperty, 70.0 * boxRows + 24.0 * lines.captions + 60);
}

int LayersPage::otherDeployment() const {
    const int current = m_deployment->currentIndex();
    if (current < 0 || current >= deploymentCount()) return -1;
    for (int i = 0; i < deploymentCount(); ++i) {
        if (i != current && !sameTransitions(*m_deployments[i].modules, *m_deployments[current].modules)) return i;
    }
    return -1;
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
              "transition of each module group, then every module.")
        .arg(m_deployments.size());
}

QString LayersPage::explanationHtml() const {
    if (m_deployments.empty()) return {};
    QString html;
    for (const DeploymentView& d : m_deployments) {
        html += QStringLiteral("<p>%1</p>").arg(deploymentLine(d));
        if (const QString flips = flipsLine(d, 40); !flips.isEmpty()) html += QStringLiteral("<p>%1</p>").arg(flips);
    }
    return html;
}

}  // namespace ql::ui
