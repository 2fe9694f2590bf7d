// The drill-down's weight histogram (the unquantized weights of one module, linear bins) with the
// int4 grid of the group that holds the worst element. The x range covers the bulk of the weights
// (the bins holding 99.8 % of them) unless "full range" is asked for, so a few outlier columns do
// not squash the distribution into one bin; the legend names the grid's group and says when the
// grid reaches past the view.
#pragma once

#include <QObject>
#include <QString>
#include <utility>

namespace ql {
struct Histogram;
struct WeightModuleResult;
}  // namespace ql

class QCustomPlot;

namespace ql::ui {

class WeightHistogramPlot : public QObject {
    Q_OBJECT
public:
    explicit WeightHistogramPlot(QCustomPlot* plot);
    void setModule(const WeightModuleResult* module, bool fullRange);  // nullptr clears
    QString gridLegend() const { return m_gridLegend; }

private:
    QCustomPlot* m_plot;
    QString m_gridLegend;
};

// [lo, hi] of the histogram bins that hold all but `tail` of the mass on each side (edges).
std::pair<double, double> bulkRange(const Histogram& histogram, double tail);

}  // namespace ql::ui
