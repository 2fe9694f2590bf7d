#include "ui/plots/module_heat_map.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ui/format.h"
#include "ui/module_names.h"
#include "ui/plots/fitting_text_ticker.h"
#include "ui/plots/plot_pointer.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QCPColorGradient identicalGradient() {
    QCPColorGradient gradient;
    gradient.setColorStopAt(0, plotStyle::kIdentical);
    gradient.setColorStopAt(1, plotStyle::kIdentical);
    gradient.setNanHandling(QCPColorGradient::nhTransparent);
    return gradient;
}
}  // namespace

ModuleHeatMap::ModuleHeatMap(QCustomPlot* plot) : QObject(plot), m_plot(plot) {
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);
    m_plot->axisRect()->setBackground(plotStyle::kMissingCell);
    m_identical = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_identical->setName(tr("bit-identical (Δ = 0)"));
    m_identical->setGradient(identicalGradient());
    m_identical->setInterpolate(false);
    m_identical->setDataRange(QCPRange(0, 1));
    m_values = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_values->setInterpolate(false);
    m_values->setTightBoundary(false);
    m_identical->setTightBoundary(false);
    m_scale = plotStyle::attachColorScale(m_plot, m_values, QString());
    for (QCPAbstractPlottable* map :
         {static_cast<QCPAbstractPlottable*>(m_identical), static_cast<QCPAbstractPlottable*>(m_values)}) {
        map->setSelectable(QCP::stNone);
        map->removeFromLegend();
    }
    plotStyle::addLegendSwatch(m_plot, plotStyle::kIdentical, tr("bit-identical (Δ = 0)"));
    plotStyle::addLegendSwatch(m_plot, plotStyle::kMissingCell, tr("no module / filtered out"));
    plotStyle::placeLegendAbove(m_plot);
    m_highlight = new QCPItemRect(m_plot);
    m_highlight->setPen(QPen(plotStyle::kHighlight, 2.5));
    m_highlight->setBrush(Qt::NoBrush);
    m_highlight->setVisible(false);
    m_highlight->setSelectable(false);
    m_columnTicker = new FittingTextTicker(m_plot->xAxis, true);
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(m_columnTicker));
    m_plot->yAxis->setRangeReversed(true);
    m_plot->yAxis->grid()->setVisible(false);
    m_plot->xAxis->grid()->setVisible(false);
    auto* pointer = new PlotPointer(
        m_plot, [this](const QPointF& p) { return moduleAt(p); }, [this](const QPointF& p) { return toolTipAt(p); });
    connect(pointer, &PlotPointer::clicked, this, &ModuleHeatMap::moduleClicked);
}

ModuleHeatMap::Cell ModuleHeatMap::cellOf(const WeightModuleResult& module) const {
    Cell cell;
    cell.row = static_cast<int>(m_rowTypes.indexOf(qs(module.layerType)));
    cell.column = module.layerIndex >= 0 ? module.layerIndex : m_layers;
    return cell;
}

void ModuleHeatMap::layoutGrid() {
    m_rowTypes.clear();
    m_layers = 0;
    bool outside = false;
    for (const WeightModuleResult& module : *m_modules) {
        if (!m_rowTypes.contains(qs(module.layerType))) m_rowTypes << qs(module.layerType);
        m_layers = std::max(m_layers, module.layerIndex + 1);
        outside = outside || module.layerIndex < 0;
    }
    std::stable_sort(m_rowTypes.begin(), m_rowTypes.end(),
                     [](const QString& a, const QString& b) { return projectionRank(a) < projectionRank(b); });
    m_columns = m_layers + (outside ? 1 : 0);
    QVector<QString> columnLabels;
    for (int layer = 0; layer < m_layers; ++layer) columnLabels << QString::number(layer);
    if (outside) columnLabels << tr("out");
    m_columnTicker->setLabels(columnLabels);
    auto rowTicker = QSharedPointer<QCPAxisTickerText>::create();
    for (int row = 0; row < m_rowTypes.size(); ++row) rowTicker->addTick(row, m_rowTypes[row]);
    m_plot->yAxis->setTicker(rowTicker);
    m_plot->xAxis->setLabel(outside ? tr("decoder layer (out: modules outside the decoder stack)")
                                    : tr("decoder layer"));
    m_plot->yAxis->setLabel(QString());
}

void ModuleHeatMap::fillMaps(const std::vector<int>& shown) {
    const int rows = static_cast<int>(m_rowTypes.size());
    // QCPColorMapData places cell centres at the range ends; at least two cells per axis keep the
    // range non-degenerate (an extra column or row stays NaN, i.e. blank).
    const int keys = std::max(m_columns, 2), values = std::max(rows, 2);
    for (QCPColorMap* map : {m_values, m_identical}) {
        map->data()->setSize(keys, values);
        map->data()->setRange(QCPRange(0, keys - 1), QCPRange(0, values - 1));
        map->data()->fill(kNaN);
    }
    m_cellModule.assign(static_cast<std::size_t>(keys) * values, -1);
    double lowest = std::numeric_limits<double>::infinity(), highest = -lowest;
    const bool logarithmic = metricUsesLogScale(m_metric);
    for (int index : shown) {
        const WeightModuleResult& module = (*m_modules)[index];
        const Cell cell = cellOf(module);
        if (cell.row < 0 || cell.column < 0) continue;
        m_cellModule[static_cast<std::size_t>(cell.column) * values + cell.row] = index;
        if (isIdentical(module)) {
            m_identical->data()->setCell(cell.column, cell.row, 0.5);
            continue;
        }
        const double v = metricValue(module, m_metric);
        if (!std::isfinite(v) || (logarithmic && v <= 0)) continue;
        m_values->data()->setCell(cell.column, cell.row, v);
        lowest = std::min(lowest, v);
        highest = std::max(highest, v);
    }
    if (!(lowest <= highest)) {
        lowest = logarithmic ? 1e-6 : 0.0;
        highest = logarithmic ? 1.0 : 1.0;
    } else if (lowest == highest) {
        lowest = logarithmic ? lowest / 2 : lowest - 1;
        highest = logarithmic ? highest * 2 : highest + 1;
    }
    m_scale->setType(QCPAxis::atRight);
    m_scale->setDataScaleType(logarithmic ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (logarithmic) {
        plotStyle::setLogTicks(m_scale->axis(), lowest, highest);
    } else {
        m_scale->axis()->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        m_scale->axis()->setNumberFormat(QStringLiteral("g"));
        m_scale->axis()->setNumberPrecision(4);
    }
    m_scale->setLabel(metricName(m_metric));
    QCPColorGradient gradient = plotStyle::errorGradient();
    if (lowerIsWorse(m_metric)) gradient = gradient.inverted();
    m_values->setGradient(gradient);
    m_values->setDataRange(QCPRange(lowest, highest));
}

void ModuleHeatMap::setData(const std::vector<WeightModuleResult>* modules, const std::vector<int>& shown,
                            ModuleMetric metric) {
    static const std::vector<WeightModuleResult> kNone;
    m_modules = modules ? modules : &kNone;
    m_metric = metric;
    layoutGrid();
    fillMaps(shown);
    plotStyle::setTitles(m_plot, tr("%1 per module: decoder layer × projection").arg(metricName(metric)),
                         m_plot->xAxis->label(), QString());
    plotStyle::setEmptyMessage(m_plot, m_modules->empty()
                                           ? tr("No weight check in this report")
                                           : (shown.empty() ? tr("No module matches the filter") : QString()));
    m_highlight->setVisible(false);
    resetZoom();
}

void ModuleHeatMap::resetZoom() {
    m_plot->xAxis->setRange(-0.5, std::max(m_columns, 2) - 0.5);
    m_plot->yAxis->setRange(-0.5, std::max(static_cast<int>(m_rowTypes.size()), 2) - 0.5);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

ModuleHeatMap::CellKind ModuleHeatMap::cellKind(int moduleIndex) const {
    if (!m_modules || moduleIndex < 0 || moduleIndex >= static_cast<int>(m_modules->size())) return CellKind::None;
    const Cell cell = cellOf((*m_modules)[moduleIndex]);
    if (cell.row < 0 || cell.column < 0) return CellKind::None;
    if (!std::isnan(m_identical->data()->cell(cell.column, cell.row))) return CellKind::Identical;
    if (!std::isnan(m_values->data()->cell(cell.column, cell.row))) return CellKind::Value;
    return CellKind::None;
}

void ModuleHeatMap::setHighlighted(int moduleIndex) {
    const bool valid = m_modules && moduleIndex >= 0 && moduleIndex < static_cast<int>(m_modules->size());
    const Cell cell = valid ? cellOf((*m_modules)[moduleIndex]) : Cell{};
    m_highlight->setVisible(cell.row >= 0 && cell.column >= 0);
    if (m_highlight->visible()) {
        m_highlight->topLeft->setCoords(cell.column - 0.5, cell.row - 0.5);
        m_highlight->bottomRight->setCoords(cell.column + 0.5, cell.row + 0.5);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int ModuleHeatMap::moduleAt(const QPointF& pixel) const {
    if (!m_modules || !m_plot->axisRect()->rect().contains(pixel.toPoint())) return -1;
    const int column = static_cast<int>(std::lround(m_plot->xAxis->pixelToCoord(pixel.x())));
    const int row = static_cast<int>(std::lround(m_plot->yAxis->pixelToCoord(pixel.y())));
    const int values = std::max(static_cast<int>(m_rowTypes.size()), 2);
    if (column < 0 || row < 0 || column >= std::max(m_columns, 2) || row >= values) return -1;
    return m_cellModule[static_cast<std::size_t>(column) * values + row];
}

QString ModuleHeatMap::toolTipAt(const QPointF& pixel) const {
    const int index = moduleAt(pixel);
    if (index < 0) return {};
    return moduleToolTip((*m_modules)[index], m_metric);
}

QPointF ModuleHeatMap::cellCentre(int moduleIndex) const {
    if (!m_modules || moduleIndex < 0 || moduleIndex >= static_cast<int>(m_modules->size())) return {};
    const Cell cell = cellOf((*m_modules)[moduleIndex]);
    return {m_plot->xAxis->coordToPixel(cell.column), m_plot->yAxis->coordToPixel(cell.row)};
}

}  // namespace ql::ui
