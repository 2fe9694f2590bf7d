#include "ui/pages/layer_page.h"

#include <quantlens/verify_report.h>

#include <QComboBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QRegularExpression>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/format.h"
#include "ui/metric_help.h"
#include "ui/models/worst_elements_model.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

namespace {
const ConvertModuleRow* convertRowFor(const VerifyReport& report, const std::string& module) {
    if (!report.convert || report.convert->deployments.empty()) return nullptr;
    for (const ConvertModuleRow& row : report.convert->deployments.front().modules) {
        if (row.module == module) return &row;
    }
    return nullptr;
}

const AdapterMergeModule* mergeRowFor(const VerifyReport& report, const std::string& module) {
    if (!report.adapterMerge) return nullptr;
    for (const AdapterMergeModule& row : report.adapterMerge->modules) {
        if (row.module == module) return &row;
    }
    return nullptr;
}
}  // namespace

LayerPage::LayerPage(QWidget* parent)
    : ReportPage(parent), m_selector(new QComboBox(this)), m_details(new QLabel(this)),
      m_histogram(plotStyle::makePlot(this, QStringLiteral("weightHistogram"))),
      m_heatPlot(plotStyle::makePlot(this, QStringLiteral("groupErrorMap"))), m_worst(new WorstElementsModel(this)),
      m_worstTable(new QTableView(this)) {
    m_heatMap = new QCPColorMap(m_heatPlot->xAxis, m_heatPlot->yAxis);
    m_colorScale = new QCPColorScale(m_heatPlot);
    m_heatPlot->plotLayout()->addElement(0, 1, m_colorScale);
    m_colorScale->setLabel(tr("max |Δ| in cell"));
    m_heatMap->setColorScale(m_colorScale);
    m_heatMap->setGradient(QCPColorGradient(QCPColorGradient::gpHot).inverted());
    m_heatMap->setInterpolate(false);
    m_heatPlot->yAxis->setRangeReversed(true);
    m_heatPlot->setToolTip(tr("Per-group error: each cell is the max |train − eval| over the rows and groups it covers"));
    m_histogram->setToolTip(tr("Distribution of the unquantized weights; dashed lines: the dequantized grid of the worst group"));
    m_details->setTextFormat(Qt::RichText);
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_worstTable->setModel(m_worst);
    m_worstTable->verticalHeader()->hide();
    m_selector->setSizeAdjustPolicy(QComboBox::AdjustToContents);

    auto* grid = new QGridLayout;
    grid->addWidget(m_histogram, 0, 0);
    grid->addWidget(m_heatPlot, 0, 1);
    grid->addWidget(m_details, 1, 0);
    grid->addWidget(m_worstTable, 1, 1);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Module:"), this));
    top->addWidget(m_selector);
    top->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(grid, 1);
    connect(m_selector, &QComboBox::currentIndexChanged, this, &LayerPage::showModule);
    showModule(-1);
}

void LayerPage::setReport(const ReportPtr& report) {
    m_report = report;
    QSignalBlocker blocker(m_selector);
    m_selector->clear();
    if (report && report->weights) {
        for (const WeightModuleResult& module : report->weights->modules) {
            m_selector->addItem((module.pass ? QStringLiteral("✓ ") : QStringLiteral("✗ ")) + qs(module.module));
        }
    }
    int first = m_selector->count() > 0 ? 0 : -1;
    if (report && report->weights) {  // open on the worst module: that is what the user looks for
        double worst = -1;
        for (int i = 0; i < m_selector->count(); ++i) {
            if (report->weights->modules[i].diff.maxAbs > worst) {
                worst = report->weights->modules[i].diff.maxAbs;
                first = i;
            }
        }
    }
    m_selector->setCurrentIndex(first);
    showModule(first);
}

void LayerPage::selectModule(int moduleIndex) {
    m_selector->setCurrentIndex(moduleIndex);  // emits currentIndexChanged -> showModule
    if (m_module != moduleIndex) {
        showModule(moduleIndex);
    }
}

void LayerPage::showModule(int moduleIndex) {
    const bool valid = m_report && m_report->weights && moduleIndex >= 0 &&
                       moduleIndex < static_cast<int>(m_report->weights->modules.size());
    m_module = valid ? moduleIndex : -1;
    m_worst->setModule(m_report, m_module);
    m_worstTable->resizeColumnsToContents();
    m_histogram->clearPlottables();
    m_histogram->clearItems();
    m_heatMap->data()->clear();
    if (!valid) {
        m_details->setText(tr("No module selected. Click a bar on the Weights tab."));
        plotStyle::setEmptyMessage(m_histogram, tr("No module selected"));
        m_histogram->replot(QCustomPlot::rpQueuedReplot);
        m_heatPlot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const WeightModuleResult& module = m_report->weights->modules[m_module];
    drawHistogram(module);
    drawHeatMap(module);
    m_details->setText(detailsHtml(module));
}

void LayerPage::drawHistogram(const WeightModuleResult& module) {
    const Histogram& histogram = module.originalHistogram;
    plotStyle::setTitles(m_histogram, tr("Weight values and quant grid"), tr("weight value"), tr("count"));
    plotStyle::setEmptyMessage(m_histogram, histogram.counts.empty() ? tr("No histogram in this report") : QString());
    if (histogram.counts.empty() || histogram.edges.size() != histogram.counts.size() + 1) {
        m_histogram->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    auto* bars = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
    bars->setName(tr("weights"));
    bars->setWidth(histogram.edges[1] - histogram.edges[0]);
    bars->setPen(Qt::NoPen);
    bars->setBrush(plotStyle::kPrimary.lighter(130));
    double maxCount = 1;
    for (size_t i = 0; i < histogram.counts.size(); ++i) {
        bars->addData(0.5 * (histogram.edges[i] + histogram.edges[i + 1]), histogram.counts[i]);
        maxCount = std::max(maxCount, static_cast<double>(histogram.counts[i]));
    }
    for (double value : module.quantGrid) {
        auto* line = new QCPItemStraightLine(m_histogram);
        line->point1->setCoords(value, 0);
        line->point2->setCoords(value, 1);
        line->setPen(QPen(plotStyle::kSecondary, 1, Qt::DashLine));
    }
    m_histogram->xAxis->setRange(histogram.edges.front(), histogram.edges.back());
    m_histogram->yAxis->setRange(0, maxCount * 1.05);
    m_histogram->replot(QCustomPlot::rpQueuedReplot);
}

void LayerPage::drawHeatMap(const WeightModuleResult& module) {
    const GroupErrorMap& map = module.groupError;
    plotStyle::setTitles(m_heatPlot, tr("Per-group error (rows × groups)"),
                         tr("group along K (×%1)").arg(map.colStride), tr("output row (×%1)").arg(map.rowStride));
    const bool ok = map.rows > 0 && map.cols > 0 && static_cast<std::int64_t>(map.maxAbs.size()) == map.rows * map.cols;
    plotStyle::setEmptyMessage(m_heatPlot, ok ? QString() : tr("No group error map"));
    if (ok) {
        // QCPColorMapData ranges are cell centres; a single row/column is drawn as two equal cells so the
        // range is not degenerate (e.g. lm_head with one group along K).
        const int keys = static_cast<int>(std::max<std::int64_t>(map.cols, 2));
        const int values = static_cast<int>(std::max<std::int64_t>(map.rows, 2));
        m_heatMap->data()->setSize(keys, values);
        m_heatMap->data()->setRange(QCPRange(0, std::max<double>(map.cols - 1, 1)), QCPRange(0, std::max<double>(map.rows - 1, 1)));
        for (int r = 0; r < values; ++r) {
            for (int c = 0; c < keys; ++c) {
                const std::int64_t sr = std::min<std::int64_t>(r, map.rows - 1), sc = std::min<std::int64_t>(c, map.cols - 1);
                m_heatMap->data()->setCell(c, r, map.maxAbs[sr * map.cols + sc]);
            }
        }
        m_heatMap->rescaleDataRange(true);
        m_heatPlot->rescaleAxes();
    }
    m_heatPlot->replot(QCustomPlot::rpQueuedReplot);
}

QString LayerPage::detailsHtml(const WeightModuleResult& module) const {
    QString html = QStringLiteral("<h3>%1</h3>").arg(qs(module.module).toHtmlEscaped());
    html += tr("shape %1×%2, group size %3 · <b>%4</b><br>")
                .arg(module.shape.size() > 0 ? module.shape[0] : 0).arg(module.shape.size() > 1 ? module.shape[1] : 0)
                .arg(module.groupSize).arg(module.pass ? tr("bit-identical") : tr("differs"));
    html += tr("max |Δ| %1 · mean |Δ| %2 · SQNR %3 · cosine %4 · %5 of %6 elements differ<br>")
                .arg(formatNumber(module.diff.maxAbs), formatNumber(module.diff.meanAbs), formatDb(module.diff.sqnrDb))
                .arg(module.diff.cosine, 0, 'f', 6).arg(formatCount(module.diff.differing), formatCount(module.diff.total));
    html += tr("LoRA ΔW = s·B·A: max |ΔW| %1, RMS %2<br>").arg(formatNumber(module.loraDeltaMaxAbs), formatNumber(module.loraDeltaRms));
    if (const ConvertModuleRow* row = convertRowFor(*m_report, module.module)) {
        html += tr("<b>Fake vs real dequant</b>: %1 → %2; codes %3; %4 scales changed by bf16 rounding; dequant max |Δ| %5, SQNR %6<br>")
                    .arg(qs(row->typeBefore).toHtmlEscaped(), qs(row->typeAfter).toHtmlEscaped(),
                         !row->codesIdentical ? tr("n/a") : (*row->codesIdentical ? tr("identical") : tr("DIFFER")),
                         formatCount(row->scalesRoundedInBf16), formatNumber(row->dequant.maxAbs), formatDb(row->dequant.sqnrDb));
    }
    if (const AdapterMergeModule* merge = mergeRowFor(*m_report, module.module)) {
        html += tr("<b>Merge</b> FQ(W+ΔW) vs FQ(W)+ΔW: weight max |Δ| %1, output max |Δ| %2; %3 of %4 groups changed scale")
                    .arg(formatNumber(merge->weight.maxAbs), formatNumber(merge->output.maxAbs))
                    .arg(merge->groupsScaleChanged).arg(merge->groupsTotal);
    }
    return html;
}

QList<QCustomPlot*> LayerPage::plots() const {
    return {m_histogram, m_heatPlot};
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
