// The tabs of one report. Hands the snapshot to every page and wires the cross-page navigation
// (Overview row -> that check's tab; Weights bar -> Layer drill-down of that module).
#pragma once

#include <quantlens/verify_report.h>

#include <QTabWidget>

#include "ui/job_runner.h"

namespace ql::ui {

class ReportPage;
class OverviewPage;
class ConfigPage;
class WeightsPage;
class LayerPage;
class LogitsPage;
class ActivationsPage;
class LayersPage;
class TrainingPage;

class ReportView : public QTabWidget {
    Q_OBJECT
public:
    explicit ReportView(QWidget* parent = nullptr);

    void setReport(const ReportPtr& report);
    const ReportPtr& report() const { return m_report; }
    QList<ReportPage*> pages() const { return m_pages; }
    ReportPage* currentPage() const;
    void showCheck(CheckKind kind);
    void showModule(int moduleIndex);  // opens the Layer tab on weights->modules[moduleIndex]

    OverviewPage* overview() const { return m_overview; }
    ConfigPage* config() const { return m_config; }
    WeightsPage* weights() const { return m_weights; }
    LayerPage* layer() const { return m_layer; }

private:
    template <typename Page>
    Page* addPage(Page* page);

    ReportPtr m_report;
    QList<ReportPage*> m_pages;
    OverviewPage* m_overview;
    ConfigPage* m_config;
    WeightsPage* m_weights;
    LayerPage* m_layer;
    LogitsPage* m_logits;
    ActivationsPage* m_activations;
    LayersPage* m_layers;
    TrainingPage* m_training;
};

}  // namespace ql::ui
