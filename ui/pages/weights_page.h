// Weights: the per-module train-vs-eval comparison at model scale. A layer × projection heat map of
// the chosen metric (max |Δ|, SQNR or differing elements) or bars for the filtered subset, above
// the module table. The search/filter bar edits the filter shared with the Layer tab's picker;
// table rows and plot marks are linked both ways; clicking a mark (or activating a row) emits
// moduleActivated with the module's index in report->weights->modules.
#pragma once

#include <vector>

#include "ui/pages/report_page.h"
#include "ui/plots/module_bar_chart.h"
#include "ui/plots/module_metric.h"

class QCheckBox;
class QComboBox;
class QStackedWidget;
class QTableView;
class QToolButton;

namespace ql::ui {

class ModuleBarChart;
class ModuleFilterBar;
class ModuleFilterProxy;
class ModuleFilterState;
class ModuleHeatMap;
class WeightModulesModel;

class WeightsPage : public ReportPage {
    Q_OBJECT
public:
    using Metric = ModuleMetric;
    using Order = ModuleBarChart::Order;
    enum class View { HeatMap, Bars };
    static constexpr int kBarsByDefaultUpTo = 60;  // smaller reports open on bars, larger on the heat map
    static constexpr int kExportBarsUpTo = 80;     // exports add the bar chart only when it stays legible

    WeightsPage(ModuleFilterState* filter, QWidget* parent = nullptr);
    QString title() const override { return tr("Weights"); }
    void setReport(const ReportPtr& report) override;
    QList<QCustomPlot*> plots() const override;
    QList<QCustomPlot*> exportPlots() const override;
    QList<QAbstractItemModel*> tables() const override;
    QList<QAbstractItemModel*> paperTables() const override;  // key columns, worst max |Δ| first
    QString paperTableCaption(const QAbstractItemModel* table) const override;
    QString summary() const override;

    void setMetric(Metric metric);
    void setOrder(Order order);
    void setLogScale(bool logarithmic);
    void setView(View view);
    View view() const;
    void resetZoom();
    // Selects the module's table row and outlines its mark (no drill-down).
    void selectModule(int moduleIndex);
    int selectedModule() const;
    int moduleAtBar(int barIndex) const { return m_bars->moduleAtBar(barIndex); }

    QCustomPlot* barPlot() const { return m_barPlot; }
    QCustomPlot* heatPlot() const { return m_heatPlot; }
    ModuleBarChart* barChart() const { return m_bars; }
    ModuleHeatMap* heatMap() const { return m_heat; }
    QTableView* table() const { return m_table; }
    ModuleFilterBar* filterBar() const { return m_filterBar; }

Q_SIGNALS:
    void moduleActivated(int moduleIndex);

private:
    void rebuild();
    void onChartClicked(int moduleIndex);
    void onTableSelection();
    Metric metric() const;

    ReportPtr m_report;
    ModuleFilterState* m_filter;
    WeightModulesModel* m_model;
    ModuleFilterProxy* m_proxy;
    QAbstractItemModel* m_paperTable;
    QTableView* m_table;
    QCustomPlot* m_heatPlot;
    QCustomPlot* m_barPlot;
    ModuleHeatMap* m_heat;
    ModuleBarChart* m_bars;
    QStackedWidget* m_stack;
    ModuleFilterBar* m_filterBar;
    QComboBox* m_metric;
    QComboBox* m_view;
    QComboBox* m_order;
    QCheckBox* m_log;
    QToolButton* m_resetZoom;
};

}  // namespace ql::ui
