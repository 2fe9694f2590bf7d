// Activations: divergence of the hidden state after every decoder layer; the first layer out of
// tolerance is marked.
#pragma once

#include "ui/pages/report_page.h"

class QLabel;

namespace ql::ui {

class ActivationsPage : public ReportPage {
    Q_OBJECT
public:
    explicit ActivationsPage(QWidget* parent = nullptr);
    QString title() const override { return tr("Activations"); }
    void setReport(const ReportPtr& report) override;
    QList<QCustomPlot*> plots() const override;
    QString summary() const override;

private:
    void draw(const struct ActivationsCheck& activations);

    QLabel* m_stats;
    QCustomPlot* m_plot;
};

}  // namespace ql::ui
