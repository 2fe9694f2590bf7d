// The Weights overview at model scale: a layer × projection heat map of one metric. Columns are the
// decoder layers (plus one column for modules outside the stack, e.g. lm_head), rows the projection
// types in layer order (q, k, v, o, gate, up, down, ...). Bit-identical modules are drawn in their
// own colour, never on the log colour scale; modules the filter hides stay blank. Hovering names
// the module and its value; clicking a cell emits moduleClicked.
#pragma once

#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <vector>

#include "ui/plots/module_metric.h"

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPItemRect;

namespace ql::ui {

class FittingTextTicker;

class ModuleHeatMap : public QObject {
    Q_OBJECT
public:
    explicit ModuleHeatMap(QCustomPlot* plot);

    // `shown`: indices into `modules` the filter accepts. `modules` must outlive the next setData.
    void setData(const std::vector<WeightModuleResult>* modules, const std::vector<int>& shown, ModuleMetric metric);
    void setHighlighted(int moduleIndex);  // outlines that module's cell (-1: none)
    void resetZoom();

    int moduleAt(const QPointF& pixel) const;       // module index under a pixel of the plot, -1 if none
    QString toolTipAt(const QPointF& pixel) const;  // what hovering there shows (empty: nothing)
    QPointF cellCentre(int moduleIndex) const;      // pixel centre of a module's cell (for tests)
    // How a module's cell is drawn: on the colour scale (its value), in the identical colour, or not.
    enum class CellKind { None, Value, Identical };
    CellKind cellKind(int moduleIndex) const;
    int columnCount() const { return m_columns; }
    const QStringList& rowTypes() const { return m_rowTypes; }

Q_SIGNALS:
    void moduleClicked(int moduleIndex);

private:
    struct Cell {
        int column = -1, row = -1;
    };
    Cell cellOf(const WeightModuleResult& module) const;
    void layoutGrid();
    void fillMaps(const std::vector<int>& shown);

    QCustomPlot* m_plot;
    QCPColorMap* m_values;
    QCPColorMap* m_identical;
    QCPColorScale* m_scale;
    QCPItemRect* m_highlight;
    FittingTextTicker* m_columnTicker = nullptr;
    const std::vector<WeightModuleResult>* m_modules = nullptr;
    ModuleMetric m_metric = ModuleMetric::MaxAbs;
    QStringList m_rowTypes;
    int m_layers = 0;  // decoder layer columns; one more column when modules sit outside the stack
    int m_columns = 0;
    std::vector<int> m_cellModule;  // column * rows + row -> module index (-1: empty or filtered)
};

}  // namespace ql::ui
