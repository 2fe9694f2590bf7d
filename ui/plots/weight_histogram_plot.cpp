#include "ui/plots/weight_histogram_plot.h"

#include <quantlens/verify_report.h>

#include <algorithm>
#include <numeric>

#include "ui/format.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

namespace {
constexpr double kTail = 0.001;  // mass left out on each side of the default view

QString gridText(const WeightModuleResult& m, const std::pair<double, double>& view) {
    if (m.quantGrid.empty()) return {};
    const auto [lo, hi] = std::minmax_element(m.quantGrid.begin(), m.quantGrid.end());
    QString text = QObject::tr("int4 grid of the worst element's group");
    if (!m.worst.empty() && m.groupSize > 0) {
        const WorstElement& w = m.worst.front();
        const std::int64_t group = w.col / m.groupSize;
        text = QObject::tr("int4 grid of group %1 (row %2, cols %3–%4),\nstep %5")
                   .arg(group)
                   .arg(w.row)
                   .arg(group * m.groupSize)
                   .arg((group + 1) * m.groupSize - 1)
                   .arg(formatNumber(m.quantGrid.size() > 1 ? m.quantGrid[1] - m.quantGrid[0] : 0.0));
    }
    if (*lo < view.first || *hi > view.second) {
        text += QObject::tr("; spans %1 … %2,\npast this view").arg(formatNumber(*lo), formatNumber(*hi));
    }
    return text;
}
}  // namespace

std::pair<double, double> bulkRange(const Histogram& histogram, double tail) {
    const double total = std::accumulate(histogram.counts.begin(), histogram.counts.end(), 0.0);
    if (histogram.counts.empty() || total <= 0) return {histogram.edges.front(), histogram.edges.back()};
    std::size_t first = 0, last = histogram.counts.size() - 1;
    for (double below = 0; first < last && below + histogram.counts[first] <= tail * total; ++first)
        below += histogram.counts[first];
    for (double above = 0; last > first && above + histogram.counts[last] <= tail * total; --last)
        above += histogram.counts[last];
    return {histogram.edges[first], histogram.edges[last + 1]};
}

WeightHistogramPlot::WeightHistogramPlot(QCustomPlot* plot) : QObject(plot), m_plot(plot) {
    plotStyle::placeLegendAbove(plot);
}

void WeightHistogramPlot::setModule(const WeightModuleResult* module, bool fullRange) {
    m_plot->clearPlottables();
    m_plot->clearItems();
    m_gridLegend.clear();
    plotStyle::setTitles(m_plot, tr("Weight values and quant grid"), tr("weight value"), tr("count"));
    const Histogram* histogram = module ? &module->originalHistogram : nullptr;
    const bool ok = histogram && !histogram->counts.empty() && histogram->edges.size() == histogram->counts.size() + 1;
    plotStyle::setEmptyMessage(
        m_plot, ok ? QString() : (module ? tr("No histogram in this report") : tr("No module selected")));
    if (!ok) {
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    auto* bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    bars->setName(tr("weights (%1 bins)").arg(histogram->counts.size()));
    bars->setWidth(histogram->edges[1] - histogram->edges[0]);
    bars->setPen(Qt::NoPen);
    bars->setBrush(plotStyle::kPrimary.lighter(130));
    bars->setSelectable(QCP::stNone);
    double maxCount = 1;
    for (size_t i = 0; i < histogram->counts.size(); ++i) {
        bars->addData(0.5 * (histogram->edges[i] + histogram->edges[i + 1]), static_cast<double>(histogram->counts[i]));
        maxCount = std::max(maxCount, static_cast<double>(histogram->counts[i]));
    }
    const std::pair<double, double> view =
        fullRange ? std::pair<double, double>{histogram->edges.front(), histogram->edges.back()}
                  : bulkRange(*histogram, kTail);
    m_gridLegend = gridText(*module, view);
    if (!m_gridLegend.isEmpty()) {
        auto* grid = m_plot->addGraph();  // the legend entry of the grid lines below
        grid->setName(m_gridLegend);
        grid->setPen(QPen(plotStyle::kSecondary, 1, Qt::DashLine));
        grid->setSelectable(QCP::stNone);
    }
    for (double value : module->quantGrid) {
        auto* line = new QCPItemStraightLine(m_plot);
        line->point1->setCoords(value, 0);
        line->point2->setCoords(value, 1);
        line->setPen(QPen(plotStyle::kSecondary, 1, Qt::DashLine));
        line->setSelectable(false);
    }
    const double pad = 0.02 * (view.second - view.first);
    m_plot->xAxis->setRange(view.first - pad, view.second + pad);
    m_plot->yAxis->setRange(0, maxCount * 1.05);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace ql::ui
