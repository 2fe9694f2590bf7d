// Logits: |Δlogit| histogram (log y), per-position max |Δ| and KL curves, top-1/top-5 agreement.
#pragma once

#include "ui/pages/report_page.h"

class QLabel;

namespace ql::ui {

class LogitsPage : public ReportPage {
    Q_OBJECT
public:
    explicit LogitsPage(QWidget* parent = nullptr);
    QString title() const override { return tr("Logits"); }
    void setReport(const ReportPtr& report) override;
    QList<QCustomPlot*> plots() const override;
    QString summary() const override;

private:
    void drawPositions(const struct LogitsCheck& logits);

    QLabel* m_stats;
    QCustomPlot* m_histogram;
    QCustomPlot* m_positions;
};

}  // namespace ql::ui
