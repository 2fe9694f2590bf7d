// Activations: divergence of the hidden state after every decoder layer (the first layer out of
// tolerance is marked; layers with no difference at all are marked as identical, not drawn at an
// invented value), the token × layer divergence heat map, and both sides' top-k next tokens at
// the position picked on the heat map.
#pragma once

#include "ui/pages/report_page.h"

class QLabel;
class QSpinBox;
class QTableWidget;

namespace ql::ui {

class TokenLayerHeatMap;

class ActivationsPage : public ReportPage {
    Q_OBJECT
public:
    explicit ActivationsPage(QWidget* parent = nullptr);
    QString title() const override { return tr("Activations"); }
    void setReport(const ReportPtr& report) override;
    QList<QCustomPlot*> plots() const override;
    QList<QCustomPlot*> exportPlots() const override;  // the token heat map only when the report has its data
    QString summary() const override;

    void setPosition(int position);
    int position() const;
    TokenLayerHeatMap* heatMap() const { return m_heat; }
    QTableWidget* topTokensTable() const { return m_topTokens; }
    QCustomPlot* layerPlot() const { return m_plot; }

private:
    void draw(const struct ActivationsCheck& activations);
    void showTopTokens();

    ReportPtr m_report;
    QLabel* m_stats;
    QCustomPlot* m_plot;
    QCustomPlot* m_heatPlot;
    TokenLayerHeatMap* m_heat;
    QSpinBox* m_position;
    QLabel* m_positionToken;
    QTableWidget* m_topTokens;
};

}  // namespace ql::ui
