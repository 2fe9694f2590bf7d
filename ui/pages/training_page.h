// Training: loss (and any other logged metric) over steps, from the adapter's trainer_state.json.
#pragma once

#include "ui/pages/report_page.h"

class QComboBox;
class QLabel;

namespace ql::ui {

class TrainingPage : public ReportPage {
    Q_OBJECT
public:
    explicit TrainingPage(QWidget* parent = nullptr);
    QString title() const override { return tr("Training"); }
    void setReport(const ReportPtr& report) override;
    QList<QCustomPlot*> plots() const override;
    QList<QCustomPlot*> exportPlots() const override;  // none without a training log
    QString summary() const override;

private:
    void draw();

    ReportPtr m_report;
    QComboBox* m_metric;
    QLabel* m_stats;
    QCustomPlot* m_plot;
};

}  // namespace ql::ui
