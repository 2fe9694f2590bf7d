#include "ui/report_view.h"

#include <QSignalBlocker>

#include "ui/models/module_filter.h"
#include "ui/pages/activations_page.h"
#include "ui/pages/config_page.h"
#include "ui/pages/layer_page.h"
#include "ui/pages/layers_page.h"
#include "ui/pages/logits_page.h"
#include "ui/pages/overview_page.h"
#include "ui/pages/training_page.h"
#include "ui/pages/weights_page.h"

namespace ql::ui {

template <typename Page>
Page* ReportView::addPage(Page* page) {
    m_pages.append(page);
    addTab(page, page->title());
    return page;
}

ReportView::ReportView(QWidget* parent) : QTabWidget(parent), m_filter(new ModuleFilterState(this)) {
    setDocumentMode(true);
    m_overview = addPage(new OverviewPage(this));
    m_config = addPage(new ConfigPage(this));
    m_weights = addPage(new WeightsPage(m_filter, this));
    m_layer = addPage(new LayerPage(this));
    m_logits = addPage(new LogitsPage(this));
    m_activations = addPage(new ActivationsPage(this));
    m_layers = addPage(new LayersPage(this));
    m_training = addPage(new TrainingPage(this));
    setTabToolTip(indexOf(m_layer), tr("Drill-down of one module: click a cell or bar on the Weights tab"));
    setTabToolTip(indexOf(m_layers), tr("Module types, dtypes and bytes before vs after convert"));
    connect(m_overview, &OverviewPage::checkActivated, this, &ReportView::showCheck);
    connect(m_weights, &WeightsPage::moduleActivated, this, &ReportView::showModule);
    connect(m_layer, &LayerPage::moduleShown, this, [this](int module) {
        m_weights->selectModule(module);  // keep the table's row linked to the drill-down
        visitHere();
    });
    connect(this, &QTabWidget::currentChanged, this, &ReportView::visitHere);
}

void ReportView::setReport(const ReportPtr& report) {
    m_report = report;
    for (ReportPage* page : m_pages) {
        page->setReport(report);
    }
    m_history.reset(here());
    Q_EMIT historyChanged();
}

ReportPage* ReportView::currentPage() const {
    return qobject_cast<ReportPage*>(currentWidget());
}

void ReportView::showCheck(CheckKind kind) {
    QWidget* target = m_overview;
    switch (kind) {
        case CheckKind::Config:
            target = m_config;
            break;
        case CheckKind::Weights:
            target = m_weights;
            break;
        case CheckKind::Logits:
            target = m_logits;
            break;
        case CheckKind::Activations:
            target = m_activations;
            break;
        case CheckKind::Convert:
            target = m_layers;
            break;
        case CheckKind::AdapterMerge:
            target = m_layer;
            break;
    }
    setCurrentWidget(target);
}

void ReportView::showModule(int moduleIndex) {
    {
        const QSignalBlocker blocker(this);  // one history entry for "drill down", not two
        setCurrentWidget(m_layer);
    }
    m_layer->selectModule(moduleIndex);
    visitHere();
}

NavigationPlace ReportView::here() const {
    return {currentIndex(), m_layer->currentModule()};
}

void ReportView::visitHere() {
    if (m_restoring) return;
    m_history.visit(here());
    Q_EMIT historyChanged();
}

void ReportView::restore(const NavigationPlace& place) {
    m_restoring = true;
    m_layer->selectModule(place.module);
    setCurrentIndex(place.tab);
    m_restoring = false;
    Q_EMIT historyChanged();
}

void ReportView::goBack() {
    if (auto place = m_history.back()) restore(*place);
}

void ReportView::goForward() {
    if (auto place = m_history.forward()) restore(*place);
}

}  // namespace ql::ui
