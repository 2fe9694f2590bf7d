// The tabs of one report. Hands the snapshot to every page and wires the cross-page navigation
// (Overview row -> that check's tab; a Weights mark or row -> Layer drill-down of that module,
// with the module linked back into the Weights table), the module filter shared by the Weights
// table and its plots, and back/forward over the places visited.
#pragma once

#include <quantlens/verify_report.h>

#include <QTabWidget>

#include "ui/job_runner.h"
#include "ui/navigation_history.h"

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
class ModuleFilterState;

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

    bool canGoBack() const { return m_history.canGoBack(); }
    bool canGoForward() const { return m_history.canGoForward(); }
    void goBack();
    void goForward();

    OverviewPage* overview() const { return m_overview; }
    ConfigPage* config() const { return m_config; }
    WeightsPage* weights() const { return m_weights; }
    LayerPage* layer() const { return m_layer; }
    ActivationsPage* activations() const { return m_activations; }
    LayersPage* layers() const { return m_layers; }
    LogitsPage* logits() const { return m_logits; }
    ModuleFilterState* moduleFilter() const { return m_filter; }

Q_SIGNALS:
    void historyChanged();

private:
    template <typename Page>
    Page* addPage(Page* page);
    NavigationPlace here() const;
    void visitHere();
    void restore(const NavigationPlace& place);

    ReportPtr m_report;
    QList<ReportPage*> m_pages;
    ModuleFilterState* m_filter;
    OverviewPage* m_overview;
    ConfigPage* m_config;
    WeightsPage* m_weights;
    LayerPage* m_layer;
    LogitsPage* m_logits;
    ActivationsPage* m_activations;
    LayersPage* m_layers;
    TrainingPage* m_training;
    NavigationHistory m_history;
    bool m_restoring = false;
};

}  // namespace ql::ui
