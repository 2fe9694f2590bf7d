#include "ui/plots/module_bar_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "ui/format.h"
#include "ui/module_names.h"
#include "ui/plots/fitting_text_ticker.h"
#include "ui/plots/plot_pointer.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

namespace {
constexpr double kBarWidth = 0.8;      // in bar positions
constexpr double kEdge = 0.6;          // x range margin so the first and last bars are whole
constexpr double kMarkerLiftPx = 5.0;  // identical markers sit this far above the axis floor

QCPBars* makeBars(QCustomPlot* plot, const QColor& colour, const QString& name) {
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(name);
    bars->setPen(QPen(colour.darker(120)));
    bars->setBrush(colour);
    bars->setWidth(kBarWidth);
    bars->setSelectable(QCP::stNone);
    return bars;
}
}  // namespace

ModuleBarChart::ModuleBarChart(QCustomPlot* plot) : QObject(plot), m_plot(plot) {
    m_passBars = makeBars(plot, plotStyle::kPass, tr("within tolerance"));
    m_failBars = makeBars(plot, plotStyle::kFail, tr("out of tolerance"));
    m_identicalMarks = plot->addGraph();
    m_identicalMarks->setName(tr("bit-identical (Δ = 0, no bar)"));
    m_identicalMarks->setLineStyle(QCPGraph::lsNone);
    m_identicalMarks->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(plotStyle::kPass.darker(130)),
                                                      QBrush(plotStyle::kIdentical), 8));
    m_identicalMarks->setSelectable(QCP::stNone);
    m_highlight = new QCPItemRect(plot);
    m_highlight->setPen(QPen(plotStyle::kHighlight, 2));
    m_highlight->setBrush(Qt::NoBrush);
    m_highlight->setVisible(false);
    m_highlight->setSelectable(false);
    m_ticker = new FittingTextTicker(plot->xAxis, false);
    plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(m_ticker));
    plot->xAxis->setTickLabelRotation(-90);
    plot->xAxis->grid()->setVisible(false);
    plot->axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    plotStyle::placeLegendAbove(plot);
    connect(plot->yAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            &ModuleBarChart::onValueRangeChanged);
    connect(plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this](const QCPRange& range) {
        // Never squeeze bars below kMinBarPx: zooming out stops at the widest range that keeps them.
        const double width = m_plot->axisRect()->width();
        const double maxSpan = width > 0 ? std::max(1.0, width / kMinBarPx) : range.size();
        if (range.size() > maxSpan + 1e-9) {
            const QSignalBlocker blocker(m_plot->xAxis);
            m_plot->xAxis->setRange(range.lower, range.lower + maxSpan);
        }
        if (!m_fittingKeys) m_keysFitted = false;  // the user zoomed or scrolled: keep their view
    });
    // The first fit may run before the tab was ever laid out (a report shown while another tab is
    // current): refit once the axis rect has its real width, unless the user moved the view since.
    connect(plot, &QCustomPlot::afterLayout, this, [this] {
        if (m_keysFitted && m_plot->axisRect()->width() != m_fittedWidth) {
            fitKeys();
            m_plot->replot(QCustomPlot::rpQueuedReplot);
        }
    });
    auto* pointer = new PlotPointer(
        m_plot, [this](const QPointF& p) { return moduleAt(p); }, [this](const QPointF& p) { return toolTipAt(p); });
    connect(pointer, &PlotPointer::clicked, this, &ModuleBarChart::moduleClicked);
}

void ModuleBarChart::setData(const std::vector<WeightModuleResult>* modules, const std::vector<int>& shown,
                             ModuleMetric metric, Order order, bool logarithmic) {
    static const std::vector<WeightModuleResult> kNone;
    m_modules = modules ? modules : &kNone;
    m_metric = metric;
    m_logarithmic = logarithmic && metricUsesLogScale(metric);
    m_barModules = shown;
    if (order == Order::WorstFirst) {
        const auto worseness = [&](int index) {
            const WeightModuleResult& m = (*m_modules)[index];
            if (isIdentical(m)) return -std::numeric_limits<double>::infinity();
            const double v = metricValue(m, metric);
            return lowerIsWorse(metric) ? -v : v;
        };
        std::stable_sort(m_barModules.begin(), m_barModules.end(),
                         [&](int a, int b) { return worseness(a) > worseness(b); });
    }
    fill();
    plotStyle::setTitles(m_plot, tr("Effective weight, train vs eval: %1 per module").arg(metricName(metric)),
                         tr("module (%1 shown)").arg(m_barModules.size()), metricName(metric));
    plotStyle::setEmptyMessage(m_plot, m_modules->empty()     ? tr("No weight check in this report")
                                       : m_barModules.empty() ? tr("No module matches the filter")
                                       : m_allIdentical
                                           ? tr("Every module shown is bit-identical (Δ = 0): a marker each, no bar")
                                           : QString());
    resetZoom();
}

void ModuleBarChart::fill() {
    m_values.clear();
    QVector<QString> labels;
    m_dataLow = std::numeric_limits<double>::infinity();
    m_dataHigh = -m_dataLow;
    for (int index : m_barModules) {
        const WeightModuleResult& module = (*m_modules)[index];
        labels << shortModuleLabel(module);
        const double v = isIdentical(module) ? std::numeric_limits<double>::quiet_NaN() : metricValue(module, m_metric);
        m_values.push_back(v);
        if (std::isfinite(v) && (!m_logarithmic || v > 0)) {
            m_dataLow = std::min(m_dataLow, v);
            m_dataHigh = std::max(m_dataHigh, v);
        }
    }
    m_allIdentical =
        !m_values.empty() && std::all_of(m_values.begin(), m_values.end(), [](double v) { return std::isnan(v); });
    if (!(m_dataLow <= m_dataHigh)) {  // nothing to scale by (all identical, or no bar at all)
        m_dataLow = m_logarithmic && !m_allIdentical ? 1e-6 : 0.0;
        m_dataHigh = 1.0;
    }
    m_ticker->setLabels(labels);
    plotStyle::setLogY(m_plot, m_logarithmic && !m_allIdentical);
    if (m_allIdentical) {  // markers on the zero line of an axis that says only "0", no invented scale
        auto zero = QSharedPointer<QCPAxisTickerText>::create();
        zero->addTick(0, QStringLiteral("0"));
        m_plot->yAxis->setTicker(zero);
    }
}

// QCPBars draws a bar from its base value to base + value, not to value: with the base at the
// visible floor, each bar's data is its height above that floor (its value clamped to the view,
// so exports without clipping draw nothing outside the axis rect).
void ModuleBarChart::onValueRangeChanged() {
    const QCPRange range = m_plot->yAxis->range();
    const double floor = m_logarithmic ? range.lower : std::clamp(0.0, range.lower, range.upper);
    m_passBars->setBaseValue(floor);
    m_failBars->setBaseValue(floor);
    QSharedPointer<QCPBarsDataContainer> pass(new QCPBarsDataContainer), fail(new QCPBarsDataContainer);
    for (int bar = 0; bar < static_cast<int>(m_values.size()); ++bar) {
        if (!std::isfinite(m_values[bar])) continue;
        const double top = std::clamp(m_values[bar], range.lower, range.upper);
        ((*m_modules)[m_barModules[bar]].pass ? pass : fail)->add(QCPBarsData(bar, top - floor));
    }
    m_passBars->setData(pass);
    m_failBars->setData(fail);
    const double markerValue =
        m_allIdentical ? 0.0 : m_plot->yAxis->pixelToCoord(m_plot->yAxis->coordToPixel(range.lower) - kMarkerLiftPx);
    QVector<double> keys, values;
    for (int bar = 0; bar < static_cast<int>(m_values.size()); ++bar) {
        if (std::isnan(m_values[bar])) {
            keys << bar;
            values << markerValue;
        }
    }
    m_identicalMarks->setData(keys, values, true);
}

void ModuleBarChart::fitKeys() {
    m_fittedWidth = m_plot->axisRect()->width();
    const double width = m_fittedWidth > 50 ? m_fittedWidth : std::max(200, m_plot->width() - 120);
    const int fit = std::max(1, static_cast<int>(width / kMinBarPx + 1 - 2 * kEdge));  // (fit - 1 + 2·edge) bars wide
    const int visible = std::min(std::max(1, barCount()), fit);
    m_fittingKeys = true;
    m_plot->xAxis->setRange(-kEdge, visible - 1 + kEdge);
    m_fittingKeys = false;
    m_keysFitted = true;
}

void ModuleBarChart::resetZoom() {
    fitKeys();
    if (m_allIdentical) {
        m_plot->yAxis->setRange(-0.25, 1);
    } else if (m_logarithmic) {
        m_plot->yAxis->setRange(m_dataLow / 4, m_dataHigh * 4);
        plotStyle::setLogTicks(m_plot->yAxis, m_dataLow / 4, m_dataHigh * 4);
    } else {
        const double low = std::min(0.0, m_dataLow), high = std::max(m_dataHigh, low + 1e-12);
        m_plot->yAxis->setRange(low, high + 0.1 * (high - low));
    }
    onValueRangeChanged();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ModuleBarChart::setHighlighted(int moduleIndex) {
    const int bar = barOfModule(moduleIndex);
    m_highlight->setVisible(bar >= 0);
    if (bar >= 0) {
        m_highlight->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
        m_highlight->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
        m_highlight->topLeft->setCoords(bar - 0.5, 0.0);
        m_highlight->bottomRight->setCoords(bar + 0.5, 1.0);
        const QCPRange x = m_plot->xAxis->range();
        if (bar < x.lower || bar > x.upper) {  // scroll the linked bar into view
            m_plot->xAxis->setRange(bar - x.size() / 2, bar + x.size() / 2);
        }
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int ModuleBarChart::moduleAtBar(int bar) const {
    return bar >= 0 && bar < barCount() ? m_barModules[bar] : -1;
}

int ModuleBarChart::barOfModule(int moduleIndex) const {
    const auto it = std::find(m_barModules.begin(), m_barModules.end(), moduleIndex);
    return it == m_barModules.end() ? -1 : static_cast<int>(it - m_barModules.begin());
}

int ModuleBarChart::moduleAt(const QPointF& pixel) const {
    if (!m_plot->axisRect()->rect().contains(pixel.toPoint())) return -1;
    const double key = m_plot->xAxis->pixelToCoord(pixel.x());
    const int bar = static_cast<int>(std::lround(key));
    return std::fabs(key - bar) <= 0.5 ? moduleAtBar(bar) : -1;
}

QString ModuleBarChart::toolTipAt(const QPointF& pixel) const {
    const int index = moduleAt(pixel);
    if (index < 0) return {};
    return moduleToolTip((*m_modules)[index], m_metric);
}

}  // namespace ql::ui
