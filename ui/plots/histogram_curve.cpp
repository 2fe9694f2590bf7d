#include "ui/plots/histogram_curve.h"

#include <quantlens/verify_report.h>

#include "ui/format.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

void drawAbsDiffHistogram(QCustomPlot* plot, const Histogram& histogram, const QColor& colour, const QString& name) {
    if (histogram.counts.empty() || histogram.edges.size() != histogram.counts.size() + 1) {
        plotStyle::setEmptyMessage(
            plot, histogram.zeros > 0
                      ? QObject::tr("All %1 differences are exactly 0").arg(formatCount(histogram.zeros))
                      : QObject::tr("No data"));
        return;
    }
    plotStyle::setEmptyMessage(plot, {});
    auto* graph = plot->addGraph();
    graph->setSelectable(QCP::stNone);
    graph->setName(QObject::tr("%1 (%2 exact zeros)").arg(name, formatCount(histogram.zeros)));
    graph->setLineStyle(QCPGraph::lsStepLeft);
    graph->setPen(QPen(colour, 1.5));
    QColor fill = colour;
    fill.setAlpha(60);
    graph->setBrush(fill);
    double maxCount = 1;
    for (size_t i = 0; i < histogram.counts.size(); ++i) {
        graph->addData(histogram.edges[i], histogram.counts[i] > 0 ? static_cast<double>(histogram.counts[i]) : 0.5);
        maxCount = std::max(maxCount, static_cast<double>(histogram.counts[i]));
    }
    graph->addData(histogram.edges.back(), 0.5);
    plotStyle::setLogAxis(plot->xAxis);
    // The view: from a little below the first non-empty bin to a little above the last one.
    std::size_t first = 0, last = histogram.counts.size() - 1;
    while (first < last && histogram.counts[first] == 0) ++first;
    while (last > first && histogram.counts[last] == 0) --last;
    const double low = std::max(histogram.edges[first] / 10, 1e-30), high = histogram.edges[last + 1] * 10;
    const QCPRange current = plot->xAxis->range();
    const bool widen = plot->graphCount() > 1;  // a second histogram on the same plot keeps the first in view
    plot->xAxis->setRange(widen ? std::min(low, current.lower) : low, widen ? std::max(high, current.upper) : high);
    plotStyle::setLogY(plot, true);
    plot->yAxis->setRange(0.5, maxCount * 3);
}

}  // namespace ql::ui
