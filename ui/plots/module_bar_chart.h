// The Weights bars for a filtered subset: one bar per module of the chosen metric, red when out of
// tolerance, green when within. Every bar keeps at least kMinBarPx on screen (the view scrolls
// instead of squeezing), labels are rotated -90° so each one ends under its own bar and refit on
// zoom, bit-identical modules are a marker at the axis floor (never a bar of invented height), and
// bars start at the visible axis floor so exports without clipping (SVG) draw nothing outside the
// axis rect. Hover names the module; a click emits moduleClicked.
#pragma once

#include <QObject>
#include <QPointF>
#include <QString>
#include <vector>

#include "ui/plots/module_metric.h"

class QCustomPlot;
class QCPBars;
class QCPGraph;
class QCPItemRect;

namespace ql::ui {

class FittingTextTicker;

class ModuleBarChart : public QObject {
    Q_OBJECT
public:
    static constexpr double kMinBarPx = 8.0;
    enum class Order { Model, WorstFirst };

    explicit ModuleBarChart(QCustomPlot* plot);

    void setData(const std::vector<WeightModuleResult>* modules, const std::vector<int>& shown, ModuleMetric metric,
                 Order order, bool logarithmic);
    void setHighlighted(int moduleIndex);
    void resetZoom();  // first bars at kMinBarPx or wider, y over the data

    int moduleAtBar(int bar) const;          // module index drawn at bar position `bar`, -1 if none
    int barOfModule(int moduleIndex) const;  // -1 when not drawn
    int barCount() const { return static_cast<int>(m_barModules.size()); }
    int moduleAt(const QPointF& pixel) const;  // the bar (or identical marker) under a pixel
    QString toolTipAt(const QPointF& pixel) const;
    bool logarithmic() const { return m_logarithmic; }

Q_SIGNALS:
    void moduleClicked(int moduleIndex);

private:
    void fill();
    void fitKeys();  // as many bars as fit at kMinBarPx, from the first
    void onValueRangeChanged();

    QCustomPlot* m_plot;
    QCPBars* m_passBars;
    QCPBars* m_failBars;
    QCPGraph* m_identicalMarks;
    QCPItemRect* m_highlight;
    FittingTextTicker* m_ticker;
    const std::vector<WeightModuleResult>* m_modules = nullptr;
    std::vector<int> m_barModules;  // bar position -> module index
    std::vector<double> m_values;   // bar position -> metric value (NaN for identical marks)
    ModuleMetric m_metric = ModuleMetric::MaxAbs;
    bool m_logarithmic = true;
    double m_dataLow = 0, m_dataHigh = 1;
    bool m_allIdentical = false;  // every bar shown is bit-identical: no value to scale an axis by
    bool m_keysFitted = false;    // the x range is fitKeys()' (no zoom or scroll since)
    bool m_fittingKeys = false;
    int m_fittedWidth = 0;  // axis rect width the last fit used
};

}  // namespace ql::ui
