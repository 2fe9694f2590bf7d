#include "ui/plots/token_layer_heat_map.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ui/format.h"
#include "ui/plots/fitting_text_ticker.h"
#include "ui/plots/plot_pointer.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

TokenLayerHeatMap::TokenLayerHeatMap(QCustomPlot* plot) : QObject(plot), m_plot(plot) {
    plot->axisRect()->setBackground(plotStyle::kMissingCell);
    plot->axisRect()->setRangeDrag(Qt::Horizontal);
    plot->axisRect()->setRangeZoom(Qt::Horizontal);
    m_zeros = new QCPColorMap(plot->xAxis, plot->yAxis);
    QCPColorGradient identical;
    identical.setColorStopAt(0, plotStyle::kIdentical);
    identical.setColorStopAt(1, plotStyle::kIdentical);
    identical.setNanHandling(QCPColorGradient::nhTransparent);
    m_zeros->setGradient(identical);
    m_zeros->setDataRange(QCPRange(0, 1));
    m_map = new QCPColorMap(plot->xAxis, plot->yAxis);
    for (QCPColorMap* map : {m_zeros, m_map}) {
        map->setInterpolate(false);
        map->setTightBoundary(false);
        map->setSelectable(QCP::stNone);
        map->removeFromLegend();
    }
    m_scale = plotStyle::attachColorScale(plot, m_map, tr("hidden-state relative L2 ‖a−b‖ / ‖b‖"));
    m_scale->setDataScaleType(QCPAxis::stLogarithmic);
    m_selection = new QCPItemStraightLine(plot);
    m_selection->setPen(QPen(plotStyle::kHighlight, 2));
    m_selection->setVisible(false);
    m_selection->setSelectable(false);
    m_ticker = new FittingTextTicker(plot->xAxis, false);
    plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(m_ticker));
    plot->xAxis->setTickLabelRotation(-90);
    // Layer labels refit to the height drawn (window or export page), like the token labels.
    m_rowTicker = new FittingTextTicker(plot->yAxis, false);
    plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(m_rowTicker));
    plot->yAxis->setRangeReversed(true);
    plotStyle::addLegendSwatch(plot, plotStyle::kIdentical, tr("identical (Δ = 0)"));
    plotStyle::placeLegendAbove(plot);
    auto* pointer = new PlotPointer(
        plot, [this](const QPointF& p) { return positionAt(p); }, [this](const QPointF& p) { return toolTipAt(p); });
    connect(pointer, &PlotPointer::clicked, this, &TokenLayerHeatMap::positionClicked);
}

void TokenLayerHeatMap::setData(const std::vector<std::vector<double>>& values, const std::vector<int>& layers,
                                const QStringList& tokens, const std::vector<int>& promptStarts) {
    m_values = values;
    m_layers = layers;
    m_tokens = tokens;
    m_plot->clearItems();  // prompt boundaries
    m_selection = new QCPItemStraightLine(m_plot);
    m_selection->setPen(QPen(plotStyle::kHighlight, 2));
    m_selection->setVisible(false);
    m_selection->setSelectable(false);
    const int rows = static_cast<int>(values.size());
    const int positions = rows > 0 ? static_cast<int>(values.front().size()) : 0;
    plotStyle::setTitles(m_plot, tr("Hidden-state divergence per token and layer"), tr("token (all prompts)"),
                         tr("decoder layer"));
    plotStyle::setEmptyMessage(m_plot,
                               rows > 0 && positions > 0
                                   ? QString()
                                   : tr("This report has no per-token divergence (the activations check did not run)"));
    const int keys = std::max(positions, 2), valueCells = std::max(rows, 2);
    double low = std::numeric_limits<double>::infinity(), high = 0;
    for (QCPColorMap* map : {m_map, m_zeros}) {
        map->data()->setSize(keys, valueCells);
        map->data()->setRange(QCPRange(0, keys - 1), QCPRange(0, valueCells - 1));
        map->data()->fill(std::numeric_limits<double>::quiet_NaN());
    }
    for (int r = 0; r < rows; ++r) {
        for (int p = 0; p < positions && p < static_cast<int>(values[r].size()); ++p) {
            const double v = values[r][p];
            if (v == 0.0) {
                m_zeros->data()->setCell(p, r, 0.5);
            } else if (v > 0 && std::isfinite(v)) {
                m_map->data()->setCell(p, r, v);
                low = std::min(low, v);
                high = std::max(high, v);
            }
        }
    }
    if (!(low <= high)) {
        low = 1e-6;
        high = 1;
    } else if (low == high) {
        low /= 2;
        high *= 2;
    }
    m_map->setDataRange(QCPRange(low, high));
    plotStyle::setLogTicks(m_scale->axis(), low, high);
    QVector<QString> labels;
    if (hasData()) labels = QVector<QString>(tokens.begin(), tokens.end());
    m_ticker->setLabels(labels);
    QVector<QString> rowLabels;
    for (int r = 0; r < rows && r < static_cast<int>(layers.size()); ++r) rowLabels << QString::number(layers[r]);
    m_rowTicker->setLabels(rowLabels);
    for (int start : promptStarts) {
        if (start <= 0) continue;
        auto* line = new QCPItemStraightLine(m_plot);
        line->point1->setCoords(start - 0.5, 0);
        line->point2->setCoords(start - 0.5, 1);
        line->setPen(QPen(plotStyle::kNeutral, 1, Qt::DashLine));
        line->setSelectable(false);
    }
    m_plot->xAxis->setRange(-0.5, keys - 0.5);
    m_plot->yAxis->setRange(-0.5, valueCells - 0.5);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TokenLayerHeatMap::setSelectedPosition(int position) {
    m_selection->setVisible(position >= 0 && hasData());
    m_selection->point1->setCoords(position, 0);
    m_selection->point2->setCoords(position, 1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int TokenLayerHeatMap::positionAt(const QPointF& pixel) const {
    if (!hasData() || !m_plot->axisRect()->rect().contains(pixel.toPoint())) return -1;
    const int p = static_cast<int>(std::lround(m_plot->xAxis->pixelToCoord(pixel.x())));
    return p >= 0 && p < static_cast<int>(m_values.front().size()) ? p : -1;
}

int TokenLayerHeatMap::rowAt(const QPointF& pixel) const {
    const int r = static_cast<int>(std::lround(m_plot->yAxis->pixelToCoord(pixel.y())));
    return r >= 0 && r < static_cast<int>(m_values.size()) ? r : -1;
}

QString TokenLayerHeatMap::toolTipAt(const QPointF& pixel) const {
    const int p = positionAt(pixel), r = rowAt(pixel);
    if (p < 0 || r < 0 || p >= static_cast<int>(m_values[r].size())) return {};
    const QString token = p < m_tokens.size() ? m_tokens[p] : QString();
    return tr("layer %1, position %2: “%3”\nrelative L2 %4\nclick for both sides' top tokens here")
        .arg(m_layers[r])
        .arg(p)
        .arg(token, formatNumber(m_values[r][p]));
}

}  // namespace ql::ui
