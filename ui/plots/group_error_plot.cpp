#include "ui/plots/group_error_plot.h"

#include <quantlens/verify_report.h>

#include <algorithm>
#include <cmath>

#include "ui/format.h"
#include "ui/plots/plot_pointer.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

namespace {
// Groups along K of the module: K / group size (the map's own extent when the group is unknown).
double groupsAlongK(const WeightModuleResult& m) {
    const GroupErrorMap& map = m.groupError;
    if (m.groupSize > 0 && m.shape.size() == 2) return std::ceil(static_cast<double>(m.shape[1]) / m.groupSize);
    return static_cast<double>(map.cols * map.colStride);
}

double outputRows(const WeightModuleResult& m) {
    return m.shape.empty() ? static_cast<double>(m.groupError.rows * m.groupError.rowStride)
                           : static_cast<double>(m.shape[0]);
}
}  // namespace

GroupErrorPlot::GroupErrorPlot(QCustomPlot* plot) : QObject(plot), m_plot(plot) {
    m_map = new QCPColorMap(plot->xAxis, plot->yAxis);
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_map->setSelectable(QCP::stNone);
    m_map->removeFromLegend();
    m_scale = plotStyle::attachColorScale(plot, m_map, tr("max |Δ| in cell"));
    m_worst = plot->addGraph();
    m_worst->setLineStyle(QCPGraph::lsNone);
    m_worst->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(plotStyle::kPrimary, 2), Qt::NoBrush, 11));
    m_worst->setSelectable(QCP::stNone);
    plot->yAxis->setRangeReversed(true);
    auto groups = QSharedPointer<QCPAxisTickerFixed>::create();  // group boundaries are whole numbers
    groups->setTickStep(1);
    groups->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot->xAxis->setTicker(groups);
    plot->axisRect()->setBackground(plotStyle::kMissingCell);
    plotStyle::placeLegendAbove(plot);
    new PlotPointer(
        plot, [this](const QPointF& p) { return cellAt(p); }, [this](const QPointF& p) { return toolTipAt(p); });
}

void GroupErrorPlot::setModule(const WeightModuleResult* module) {
    m_module = module;
    m_map->data()->clear();
    m_worst->data()->clear();
    const GroupErrorMap* map = module ? &module->groupError : nullptr;
    const bool ok =
        map && map->rows > 0 && map->cols > 0 && static_cast<std::int64_t>(map->maxAbs.size()) == map->rows * map->cols;
    plotStyle::setEmptyMessage(m_plot, ok ? QString() : tr("No group error map"));
    m_rows = ok ? outputRows(*module) : 1;
    m_groups = ok ? groupsAlongK(*module) : 1;
    const QString groupText =
        module && module->groupSize > 0 ? tr("group of %1 along K").arg(module->groupSize) : tr("group along K");
    plotStyle::setTitles(m_plot, tr("Per-group error (max |Δ| per cell)"), groupText, tr("output row"));
    m_worst->setName(QString());
    bool identical = false;
    if (ok) {
        // Cells are uniform: cell c covers groups [c·colStride, (c+1)·colStride), cell r rows
        // [r·rowStride, (r+1)·rowStride). A single cell along an axis is split in two equal halves
        // so QCPColorMapData's range (cell centres) is not degenerate.
        const int keys = static_cast<int>(std::max<std::int64_t>(map->cols, 2));
        const int values = static_cast<int>(std::max<std::int64_t>(map->rows, 2));
        const double cellGroups = static_cast<double>(map->cols * map->colStride) / keys;
        const double cellRows = static_cast<double>(map->rows * map->rowStride) / values;
        m_map->data()->setSize(keys, values);
        m_map->data()->setRange(QCPRange(0.5 * cellGroups, (keys - 0.5) * cellGroups),
                                QCPRange(0.5 * cellRows, (values - 0.5) * cellRows));
        for (int r = 0; r < values; ++r) {
            for (int c = 0; c < keys; ++c) {
                const std::int64_t sr = r * map->rows / values, sc = c * map->cols / keys;
                m_map->data()->setCell(c, r, map->maxAbs[sr * map->cols + sc]);
            }
        }
        // The colour bar spans this module's values, never the previous module's: QCPColorMap
        // keeps its old range when the new one is empty (every cell equal), so that case is set
        // here: 0 up to the common value, or no scale at all when every group is bit-identical.
        const auto [low, high] = std::minmax_element(map->maxAbs.begin(), map->maxAbs.end());
        if (*low < *high)
            m_map->rescaleDataRange(true);
        else if (*high > 0)
            m_map->setDataRange(QCPRange(0, *high));
        identical = *high == 0;
        if (!module->worst.empty() && module->groupSize > 0) {
            const WorstElement& w = module->worst.front();
            m_worst->addData(static_cast<double>(w.col) / module->groupSize, static_cast<double>(w.row) + 0.5);
            m_worst->setName(
                tr("worst element: row %1, col %2 (group %3)").arg(w.row).arg(w.col).arg(w.col / module->groupSize));
        }
    }
    m_worst->removeFromLegend();
    if (!m_worst->name().isEmpty()) m_worst->addToLegend();
    m_map->setVisible(!identical);
    m_scale->setVisible(!identical);
    m_plot->axisRect()->setBackground(identical ? plotStyle::kIdentical : plotStyle::kMissingCell);
    if (identical) plotStyle::setEmptyMessage(m_plot, tr("Bit-identical (Δ = 0)"));
    resetZoom();
}

void GroupErrorPlot::resetZoom() {
    m_plot->xAxis->setRange(0, m_groups);
    m_plot->yAxis->setRange(0, m_rows);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int GroupErrorPlot::cellAt(const QPointF& pixel) const {
    if (!m_module || m_module->groupError.maxAbs.empty() || !m_plot->axisRect()->rect().contains(pixel.toPoint()))
        return -1;
    const GroupErrorMap& map = m_module->groupError;
    const double group = m_plot->xAxis->pixelToCoord(pixel.x()), row = m_plot->yAxis->pixelToCoord(pixel.y());
    const auto c = static_cast<std::int64_t>(std::floor(group / map.colStride));
    const auto r = static_cast<std::int64_t>(std::floor(row / map.rowStride));
    if (c < 0 || r < 0 || c >= map.cols || r >= map.rows || row >= m_rows || group >= m_groups) return -1;
    return static_cast<int>(r * map.cols + c);
}

QString GroupErrorPlot::toolTipAt(const QPointF& pixel) const {
    const int cell = cellAt(pixel);
    if (cell < 0) return {};
    const GroupErrorMap& map = m_module->groupError;
    const std::int64_t r = cell / map.cols, c = cell % map.cols;
    const auto lastRow = std::min<std::int64_t>((r + 1) * map.rowStride, static_cast<std::int64_t>(m_rows)) - 1;
    const auto lastGroup = std::min<std::int64_t>((c + 1) * map.colStride, static_cast<std::int64_t>(m_groups)) - 1;
    return tr("rows %1–%2, groups %3–%4\nmax |Δ| %5")
        .arg(r * map.rowStride)
        .arg(lastRow)
        .arg(c * map.colStride)
        .arg(lastGroup)
        .arg(formatNumber(map.maxAbs[cell]));
}

}  // namespace ql::ui
