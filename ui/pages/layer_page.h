// Layer drill-down of one quantized module: weight histogram with the quant grid of the worst
// element's group, the per-group error heat map in rows × groups, the worst elements, fake vs real
// dequant (from the convert rows) and the adapter-merge effect. The module picker searches every
// module (the Weights tab's filter does not narrow it).
#pragma once

#include "ui/pages/report_page.h"

class QCheckBox;
class QLabel;
class QTableView;

namespace ql::ui {

class GroupErrorPlot;
class ModulePicker;
class WeightHistogramPlot;
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

    // Shows report->weights->modules[moduleIndex] (emits moduleShown when it changes).
    void selectModule(int moduleIndex);
    int currentModule() const { return m_module; }
    WorstElementsModel* worstModel() const { return m_worst; }
    ModulePicker* picker() const { return m_picker; }
    GroupErrorPlot* groupErrorPlot() const { return m_groupError; }
    WeightHistogramPlot* histogramPlot() const { return m_histogram; }
    QCustomPlot* heatPlot() const { return m_heatPlot; }

Q_SIGNALS:
    void moduleShown(int moduleIndex);  // by the picker or selectModule

private:
    void showModule(int moduleIndex);
    QString detailsHtml(const struct WeightModuleResult& module) const;

    ReportPtr m_report;
    int m_module = -1;
    ModulePicker* m_picker;
    QCheckBox* m_fullRange;
    QLabel* m_details;
    QCustomPlot* m_histogramPlot;
    QCustomPlot* m_heatPlot;
    WeightHistogramPlot* m_histogram;
    GroupErrorPlot* m_groupError;
    WorstElementsModel* m_worst;
    QTableView* m_worstTable;
};

}  // namespace ql::ui
