#include "ui/pages/layer_page.h"

#include <quantlens/verify_report.h>

#include <QCheckBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/format.h"
#include "ui/models/worst_elements_model.h"
#include "ui/module_names.h"
#include "ui/plots/group_error_plot.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"
#include "ui/plots/weight_histogram_plot.h"
#include "ui/report_views.h"
#include "ui/widgets/module_picker.h"
#include "ui/widgets/table_views.h"

namespace ql::ui {

namespace {
const AdapterMergeModule* mergeRowFor(const VerifyReport& report, const std::string& module) {
    if (!report.adapterMerge) return nullptr;
    for (const AdapterMergeModule& row : report.adapterMerge->modules) {
        if (row.module == module) return &row;
    }
    return nullptr;
}

}  // namespace

LayerPage::LayerPage(QWidget* parent)
    : ReportPage(parent),
      m_picker(new ModulePicker(this)),
      m_fullRange(new QCheckBox(tr("Full weight range"), this)),
      m_details(new QLabel(this)),
      m_histogramPlot(plotStyle::makePlot(this, QStringLiteral("weightHistogram"))),
      m_heatPlot(plotStyle::makePlot(this, QStringLiteral("groupErrorMap"))),
      m_histogram(new WeightHistogramPlot(m_histogramPlot)),
      m_groupError(new GroupErrorPlot(m_heatPlot)),
      m_worst(new WorstElementsModel(this)),
      m_worstTable(makeTableView(this, QStringLiteral("worst_elements"))) {
    m_fullRange->setToolTip(tr(
        "Show every bin of the histogram, outlier columns included (default: the bins holding 99.8 % of the weights)"));
    m_details->setTextFormat(Qt::RichText);
    m_details->setWordWrap(true);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_worstTable->setModel(m_worst);

    auto* grid = new QGridLayout;
    grid->addWidget(m_histogramPlot, 0, 0);
    grid->addWidget(m_heatPlot, 0, 1);
    grid->addWidget(m_details, 1, 0);
    grid->addWidget(m_worstTable, 1, 1);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Module:"), this));
    top->addWidget(m_picker, 1);
    top->addWidget(m_fullRange);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(grid, 1);
    connect(m_picker, &ModulePicker::modulePicked, this, &LayerPage::selectModule);
    connect(m_fullRange, &QCheckBox::toggled, this, [this] { showModule(m_module); });
    showModule(-1);
}

void LayerPage::setReport(const ReportPtr& report) {
    m_report = report;
    m_picker->setModules(report && report->weights ? &report->weights->modules : nullptr);
    int first = -1;
    if (report && report->weights) {  // open on the worst module: that is what the user looks for
        double worst = -1;
        for (int i = 0; i < static_cast<int>(report->weights->modules.size()); ++i) {
            if (report->weights->modules[i].diff.maxAbs > worst) {
                worst = report->weights->modules[i].diff.maxAbs;
                first = i;
            }
        }
    }
    m_module = -2;  // force a redraw
    showModule(first);
}

void LayerPage::selectModule(int moduleIndex) {
    if (moduleIndex == m_module) return;
    showModule(moduleIndex);
    Q_EMIT moduleShown(m_module);
}

void LayerPage::showModule(int moduleIndex) {
    const bool valid = m_report && m_report->weights && moduleIndex >= 0 &&
                       moduleIndex < static_cast<int>(m_report->weights->modules.size());
    m_module = valid ? moduleIndex : -1;
    m_picker->showModule(m_module);
    m_worst->setModule(m_report, m_module);
    m_worstTable->resizeColumnsToContents();
    const WeightModuleResult* module = valid ? &m_report->weights->modules[m_module] : nullptr;
    m_histogram->setModule(module, m_fullRange->isChecked());
    m_groupError->setModule(module);
    m_details->setText(module ? detailsHtml(*module)
                              : tr("No module selected. Click a cell or bar on the Weights tab, or search one above."));
}

QString LayerPage::detailsHtml(const WeightModuleResult& module) const {
    QString html = QStringLiteral("<h3>%1</h3>").arg(qs(module.module).toHtmlEscaped());
    html += tr("layer %1 · shape %2×%3 · group size %4 · <b>%5</b><br>")
                .arg(layerText(module.layerIndex))
                .arg(module.shape.size() > 0 ? module.shape[0] : 0)
                .arg(module.shape.size() > 1 ? module.shape[1] : 0)
                .arg(groupSizesText(module, GroupSizesForm::Long),
                     module.pass ? tr("within tolerance") : tr("out of tolerance"));
    html += tr("max |Δ| %1 · mean |Δ| %2 · SQNR %3 · cosine %4 · %5 of %6 elements differ<br>")
                .arg(formatNumber(module.diff.maxAbs), formatNumber(module.diff.meanAbs), formatDb(module.diff.sqnrDb))
                .arg(module.diff.cosine, 0, 'f', 6)
                .arg(formatCount(module.diff.differing), formatCount(module.diff.total));
    html += tr("LoRA ΔW = s·B·A: max |ΔW| %1, RMS %2<br>")
                .arg(formatNumber(module.loraDeltaMaxAbs), formatNumber(module.loraDeltaRms));
    if (!m_report->drilldownProblem.empty()) {  // the report opened without its sidecar file
        html += tr("<b>Drill-down missing:</b> %1; the group-error map, worst elements and weight histogram are not "
                   "shown.<br>")
                    .arg(qs(m_report->drilldownProblem).toHtmlEscaped());
    }
    for (const ConvertRowRef& row : convertRowsFor(*m_report, module.module)) {
        html +=
            tr("<b>Fake vs real dequant</b> (%1): %2 → %3; codes %4; %5 scales changed by bf16 rounding; dequant max "
               "|Δ| %6, SQNR %7<br>")
                .arg(row.deployment.toHtmlEscaped(), qs(row.row->typeBefore).toHtmlEscaped(),
                     qs(row.row->typeAfter).toHtmlEscaped(),
                     !row.row->codesIdentical ? tr("n/a") : (*row.row->codesIdentical ? tr("identical") : tr("DIFFER")),
                     formatCount(row.row->scalesRoundedInBf16), formatNumber(row.row->dequant.maxAbs),
                     formatDb(row.row->dequant.sqnrDb));
    }
    if (const AdapterMergeModule* merge = mergeRowFor(*m_report, module.module)) {
        html +=
            tr("<b>Merge</b> FQ(W+ΔW) vs FQ(W)+ΔW: weight max |Δ| %1, output max |Δ| %2; %3 of %4 groups changed scale")
                .arg(formatNumber(merge->weight.maxAbs), formatNumber(merge->output.maxAbs))
                .arg(merge->groupsScaleChanged)
                .arg(merge->groupsTotal);
    }
    return html;
}

QList<QCustomPlot*> LayerPage::plots() const {
    return {m_histogramPlot, m_heatPlot};
}

QList<QAbstractItemModel*> LayerPage::tables() const {
    return {m_worst};
}

QString LayerPage::summary() const {
    if (m_module < 0) return tr("No module selected.");
    QString text = m_details->text();
    text.replace(QStringLiteral("<br>"), QStringLiteral("\n")).replace(QStringLiteral("</h3>"), QStringLiteral("\n"));
    return text.remove(QRegularExpression(QStringLiteral("<[^>]*>")));
}

}  // namespace ql::ui
