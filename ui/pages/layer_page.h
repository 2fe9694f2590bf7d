// Layer drill-down of one quantized module: weight histogram with the quant grid, per-group error
// heat map, the worst elements, fake vs real dequant (from the convert rows), LoRA ΔW magnitude.
#pragma once

#include "ui/pages/report_page.h"

class QComboBox;
class QCPColorMap;
class QCPColorScale;
class QLabel;
class QTableView;

namespace ql::ui {

class WorstElementsModel;

class LayerPage : public ReportPage {
    Q_OBJECT
public:
    explicit LayerPage(QWidget* parent = nullptr);
    QString title() const override { return tr("Layer"); }
    void setReport(const ReportPtr& report) override;
    QList<QCustomPlot*> plots() const override;
    QList<QAbstractItemModel*> tables() const override;
    QString summary() const override;

    // Shows report->weights->modules[moduleIndex].
    void selectModule(int moduleIndex);
    int currentModule() const { return m_module; }
    WorstElementsModel* worstModel() const { return m_worst; }

private:
    void showModule(int moduleIndex);
    void drawHistogram(const struct WeightModuleResult& module);
    void drawHeatMap(const struct WeightModuleResult& module);
    QString detailsHtml(const struct WeightModuleResult& module) const;

    ReportPtr m_report;
    int m_module = -1;
    QComboBox* m_selector;
    QLabel* m_details;
    QCustomPlot* m_histogram;
    QCustomPlot* m_heatPlot;
    QCPColorMap* m_heatMap;
    QCPColorScale* m_colorScale;
    WorstElementsModel* m_worst;
    QTableView* m_worstTable;
};

}  // namespace ql::ui
