// Weights: per-module bar chart of the chosen metric (max |Δ|, SQNR or differing elements), log
// scale, layer order or worst first; differing modules in red. Clicking a bar (or a table row)
// emits moduleActivated with the module's index in report->weights->modules.
#pragma once

#include <vector>

#include "ui/pages/report_page.h"

class QCheckBox;
class QComboBox;
class QCPAbstractPlottable;
class QCPBars;
class QMouseEvent;
class QSortFilterProxyModel;
class QTableView;

namespace ql::ui {

class WeightModulesModel;

class WeightsPage : public ReportPage {
    Q_OBJECT
public:
    enum class Metric { MaxAbs, Sqnr, Differing };
    enum class Order { Model, WorstFirst };

    explicit WeightsPage(QWidget* parent = nullptr);
    QString title() const override { return tr("Weights"); }
    void setReport(const ReportPtr& report) override;
    QList<QCustomPlot*> plots() const override;
    QList<QAbstractItemModel*> tables() const override;
    QString summary() const override;

    void setMetric(Metric metric);
    void setOrder(Order order);
    void setLogScale(bool logarithmic);
    // The module index drawn at bar position `barIndex` (-1 when out of range).
    int moduleAtBar(int barIndex) const;
    QCustomPlot* plot() const { return m_plot; }

Q_SIGNALS:
    void moduleActivated(int moduleIndex);

private:
    void rebuildPlot();
    void onPlottableClick(QCPAbstractPlottable* plottable, int dataIndex, QMouseEvent* event);
    double metricValue(int moduleIndex) const;

    ReportPtr m_report;
    WeightModulesModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QCustomPlot* m_plot;
    QCPBars* m_passBars;
    QCPBars* m_failBars;
    QComboBox* m_metric;
    QComboBox* m_order;
    QCheckBox* m_log;
    std::vector<int> m_barModules;  // bar position -> module index
};

}  // namespace ql::ui
