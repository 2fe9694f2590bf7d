#include "ui/pages/weights_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/format.h"
#include "ui/models/column_subset_proxy.h"
#include "ui/models/module_filter.h"
#include "ui/models/weight_modules_model.h"
#include "ui/plots/module_heat_map.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"
#include "ui/widgets/module_filter_bar.h"
#include "ui/widgets/table_views.h"

namespace ql::ui {

WeightsPage::WeightsPage(ModuleFilterState* filter, QWidget* parent)
    : ReportPage(parent),
      m_filter(filter),
      m_model(new WeightModulesModel(this)),
      m_proxy(new ModuleFilterProxy(filter, this)),
      m_table(makeTableView(this, QStringLiteral("weights"))),
      m_heatPlot(plotStyle::makePlot(this, QStringLiteral("weightsHeatMap"))),
      m_barPlot(plotStyle::makePlot(this, QStringLiteral("weightsBars"))),
      m_heat(new ModuleHeatMap(m_heatPlot)),
      m_bars(new ModuleBarChart(m_barPlot)),
      m_stack(new QStackedWidget(this)),
      m_filterBar(new ModuleFilterBar(filter, this)),
      m_metric(new QComboBox(this)),
      m_view(new QComboBox(this)),
      m_order(new QComboBox(this)),
      m_log(new QCheckBox(tr("Log scale"), this)),
      m_resetZoom(new QToolButton(this)) {
    for (Metric metric : {Metric::MaxAbs, Metric::Sqnr, Metric::Differing}) {
        m_metric->addItem(metricName(metric), static_cast<int>(metric));
        m_metric->setItemData(m_metric->count() - 1, metricToolTip(metric), Qt::ToolTipRole);
    }
    m_view->addItem(tr("Heat map: layer × projection"), static_cast<int>(View::HeatMap));
    m_view->addItem(tr("Bars (filtered modules)"), static_cast<int>(View::Bars));
    m_order->addItem(tr("Model order"), static_cast<int>(Order::Model));
    m_order->addItem(tr("Worst first"), static_cast<int>(Order::WorstFirst));
    m_log->setChecked(true);
    m_log->setToolTip(tr("Logarithmic value axis (not for SQNR, which is already in dB)"));
    m_resetZoom->setText(tr("Reset zoom"));
    m_resetZoom->setToolTip(tr("Show the whole chart again (also: double-click the plot)"));
    m_heatPlot->setToolTip(QString());
    m_barPlot->setToolTip(QString());
    m_stack->addWidget(m_heatPlot);
    m_stack->addWidget(m_barPlot);

    using W = WeightModulesModel;
    m_paperTable = new ColumnSubsetProxy(
        m_model, {W::Module, W::Group, W::MaxAbs, W::Sqnr, W::Differing, W::LoraDelta, W::Verdict}, W::MaxAbs, this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_table->setModel(m_proxy);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);  // model order until a header is clicked
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Metric:"), this));
    controls->addWidget(m_metric);
    controls->addWidget(new QLabel(tr("View:"), this));
    controls->addWidget(m_view);
    controls->addWidget(m_order);
    controls->addWidget(m_log);
    controls->addWidget(m_resetZoom);
    controls->addStretch(1);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_stack);
    splitter->addWidget(m_table);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_filterBar);
    layout->addWidget(splitter, 1);

    connect(m_metric, &QComboBox::currentIndexChanged, this, &WeightsPage::rebuild);
    connect(m_view, &QComboBox::currentIndexChanged, this, &WeightsPage::rebuild);
    connect(m_order, &QComboBox::currentIndexChanged, this, &WeightsPage::rebuild);
    connect(m_log, &QCheckBox::toggled, this, &WeightsPage::rebuild);
    connect(m_filter, &ModuleFilterState::changed, this, &WeightsPage::rebuild);
    connect(m_resetZoom, &QToolButton::clicked, this, &WeightsPage::resetZoom);
    connect(m_heatPlot, &QCustomPlot::mouseDoubleClick, this, [this] { m_heat->resetZoom(); });
    connect(m_barPlot, &QCustomPlot::mouseDoubleClick, this, [this] { m_bars->resetZoom(); });
    connect(m_heat, &ModuleHeatMap::moduleClicked, this, &WeightsPage::onChartClicked);
    connect(m_bars, &ModuleBarChart::moduleClicked, this, &WeightsPage::onChartClicked);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &WeightsPage::onTableSelection);
    connect(m_table, &QTableView::activated, this,
            [this](const QModelIndex& index) { Q_EMIT moduleActivated(m_proxy->mapToSource(index).row()); });
    rebuild();
}

void WeightsPage::setReport(const ReportPtr& report) {
    m_report = report;
    const std::vector<WeightModuleResult>* modules = report && report->weights ? &report->weights->modules : nullptr;
    m_model->setReport(report);
    m_proxy->setModules(modules);
    {
        const QSignalBlocker blocker(m_view);
        const bool large = modules && static_cast<int>(modules->size()) > kBarsByDefaultUpTo;
        m_view->setCurrentIndex(m_view->findData(static_cast<int>(large ? View::HeatMap : View::Bars)));
    }
    m_filterBar->setModules(modules);  // resets the shared filter -> rebuild()
    rebuild();
    m_table->resizeColumnsToContents();
}

WeightsPage::Metric WeightsPage::metric() const {
    return static_cast<Metric>(m_metric->currentData().toInt());
}

WeightsPage::View WeightsPage::view() const {
    return static_cast<View>(m_view->currentData().toInt());
}

void WeightsPage::setMetric(Metric metric) {
    m_metric->setCurrentIndex(m_metric->findData(static_cast<int>(metric)));
}

void WeightsPage::setOrder(Order order) {
    m_order->setCurrentIndex(m_order->findData(static_cast<int>(order)));
}

void WeightsPage::setLogScale(bool logarithmic) {
    m_log->setChecked(logarithmic);
}

void WeightsPage::setView(View view) {
    m_view->setCurrentIndex(m_view->findData(static_cast<int>(view)));
}

void WeightsPage::resetZoom() {
    m_heat->resetZoom();
    m_bars->resetZoom();
}

void WeightsPage::rebuild() {
    const std::vector<WeightModuleResult>* modules =
        m_report && m_report->weights ? &m_report->weights->modules : nullptr;
    const std::vector<int> shown = modules ? m_filter->acceptedIndices(*modules) : std::vector<int>{};
    const bool bars = view() == View::Bars;
    m_stack->setCurrentWidget(bars ? m_barPlot : m_heatPlot);
    m_order->setEnabled(bars);
    m_log->setEnabled(bars && metricUsesLogScale(metric()));
    m_heat->setData(modules, shown, metric());
    m_bars->setData(modules, shown, metric(), static_cast<Order>(m_order->currentData().toInt()), m_log->isChecked());
    const int selected = selectedModule();
    m_heat->setHighlighted(selected);
    m_bars->setHighlighted(selected);
}

void WeightsPage::selectModule(int moduleIndex) {
    const QModelIndex row = m_proxy->mapFromSource(m_model->index(moduleIndex, 0));
    if (!row.isValid()) {
        m_table->clearSelection();
        return;
    }
    m_table->selectionModel()->select(row, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->setCurrentIndex(row);
    m_table->scrollTo(row);
}

int WeightsPage::selectedModule() const {
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : m_proxy->mapToSource(rows.first()).row();
}

void WeightsPage::onChartClicked(int moduleIndex) {
    selectModule(moduleIndex);
    Q_EMIT moduleActivated(moduleIndex);
}

void WeightsPage::onTableSelection() {
    const int selected = selectedModule();
    m_heat->setHighlighted(selected);
    m_bars->setHighlighted(selected);
}

QList<QCustomPlot*> WeightsPage::plots() const {
    return {m_heatPlot, m_barPlot};
}

QList<QCustomPlot*> WeightsPage::exportPlots() const {
    if (m_bars->barCount() > 0 && m_bars->barCount() <= kExportBarsUpTo) return {m_heatPlot, m_barPlot};
    return {m_heatPlot};
}

QList<QAbstractItemModel*> WeightsPage::tables() const {
    return {m_model};
}

QList<QAbstractItemModel*> WeightsPage::paperTables() const {
    return {m_paperTable};
}

QString WeightsPage::paperTableCaption(const QAbstractItemModel*) const {
    return tr("Modules by max |Δ|, largest first.");
}

QString WeightsPage::summary() const {
    if (!m_report || !m_report->weights) {
        return tr("No weight check in this report.");
    }
    const WeightsCheck& weights = *m_report->weights;
    return tr("%1 of %2 modules differ; overall max |Δ| %3, SQNR %4, %5 differing elements of %6.")
        .arg(weights.modulesDiffering)
        .arg(weights.modules.size())
        .arg(formatNumber(weights.overall.maxAbs))
        .arg(formatDb(weights.overall.sqnrDb))
        .arg(formatCount(weights.overall.differing))
        .arg(formatCount(weights.overall.total));
}

}  // namespace ql::ui
