// The drill-down's per-group error heat map of one module, in the module's own units: y is the
// output row (0 .. out features), x the quantization group along K (0 .. K / group size), whatever
// max-pooling the report applied (a pooled cell spans rowStride rows and colStride groups). The
// worst element is marked at its row and group. Hover gives the rows and groups of a cell.
#pragma once

#include <QObject>
#include <QPointF>
#include <QString>

namespace ql {
struct WeightModuleResult;
}

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPGraph;

namespace ql::ui {

class GroupErrorPlot : public QObject {
    Q_OBJECT
public:
    explicit GroupErrorPlot(QCustomPlot* plot);
    void setModule(const WeightModuleResult* module);  // nullptr clears
    QString toolTipAt(const QPointF& pixel) const;
    double rowCount() const { return m_rows; }      // y axis extent (output rows)
    double groupCount() const { return m_groups; }  // x axis extent (groups along K)
    void resetZoom();

private:
    int cellAt(const QPointF& pixel) const;  // index into groupError.maxAbs, -1 outside

    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QCPColorScale* m_scale;
    QCPGraph* m_worst;
    const WeightModuleResult* m_module = nullptr;
    double m_rows = 0, m_groups = 0;
};

}  // namespace ql::ui
