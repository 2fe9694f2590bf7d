#include "ui/pages/weights_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ui/format.h"
#include "ui/metric_help.h"
#include "ui/models/weight_modules_model.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

namespace {
constexpr double kSqnrCapDb = 200.0;  // bit-identical modules have SQNR +inf; drawn at this cap

QCPBars* makeBars(QCustomPlot* plot, const QColor& colour, const QString& name) {
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(name);
    bars->setPen(QPen(colour.darker(120)));
    bars->setBrush(colour);
    bars->setWidth(0.8);
    return bars;
}
}  // namespace

WeightsPage::WeightsPage(QWidget* parent)
    : ReportPage(parent), m_model(new WeightModulesModel(this)), m_proxy(new QSortFilterProxyModel(this)),
      m_table(new QTableView(this)), m_plot(plotStyle::makePlot(this, QStringLiteral("weightsPlot"))),
      m_metric(new QComboBox(this)), m_order(new QComboBox(this)), m_log(new QCheckBox(tr("Log scale"), this)) {
    m_passBars = makeBars(m_plot, plotStyle::kPass, tr("bit-identical"));
    m_failBars = makeBars(m_plot, plotStyle::kFail, tr("differs"));
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_plot->setToolTip(tr("Click a bar to open that module in the Layer drill-down"));
    m_metric->addItem(tr("max |Δ|"), static_cast<int>(Metric::MaxAbs));
    m_metric->setItemData(0, metricHelp::kMaxAbs, Qt::ToolTipRole);
    m_metric->addItem(tr("SQNR (dB)"), static_cast<int>(Metric::Sqnr));
    m_metric->setItemData(1, metricHelp::kSqnr, Qt::ToolTipRole);
    m_metric->addItem(tr("differing elements"), static_cast<int>(Metric::Differing));
    m_metric->setItemData(2, metricHelp::kDiffering, Qt::ToolTipRole);
    m_order->addItem(tr("Model order"), static_cast<int>(Order::Model));
    m_order->addItem(tr("Worst first"), static_cast<int>(Order::WorstFirst));
    m_log->setChecked(true);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_table->setModel(m_proxy);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);  // model order until a header is clicked
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Metric:"), this));
    controls->addWidget(m_metric);
    controls->addWidget(new QLabel(tr("Order:"), this));
    controls->addWidget(m_order);
    controls->addWidget(m_log);
    controls->addStretch(1);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_plot);
    splitter->addWidget(m_table);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(splitter, 1);

    connect(m_metric, &QComboBox::currentIndexChanged, this, &WeightsPage::rebuildPlot);
    connect(m_order, &QComboBox::currentIndexChanged, this, &WeightsPage::rebuildPlot);
    connect(m_log, &QCheckBox::toggled, this, &WeightsPage::rebuildPlot);
    connect(m_plot, &QCustomPlot::plottableClick, this, &WeightsPage::onPlottableClick);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& index) {
        Q_EMIT moduleActivated(m_proxy->mapToSource(index).row());
    });
    rebuildPlot();
}

void WeightsPage::setReport(const ReportPtr& report) {
    m_report = report;
    m_model->setReport(report);
    m_table->resizeColumnsToContents();
    rebuildPlot();
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

int WeightsPage::moduleAtBar(int barIndex) const {
    return barIndex >= 0 && barIndex < static_cast<int>(m_barModules.size()) ? m_barModules[barIndex] : -1;
}

double WeightsPage::metricValue(int moduleIndex) const {
    const DiffMetrics& diff = m_report->weights->modules[moduleIndex].diff;
    switch (static_cast<Metric>(m_metric->currentData().toInt())) {
    case Metric::MaxAbs: return diff.maxAbs;
    case Metric::Sqnr: return std::isfinite(diff.sqnrDb) ? diff.sqnrDb : kSqnrCapDb;
    case Metric::Differing: return static_cast<double>(diff.differing);
    }
    return 0.0;
}

void WeightsPage::rebuildPlot() {
    m_passBars->data()->clear();
    m_failBars->data()->clear();
    m_barModules.clear();
    const auto metric = static_cast<Metric>(m_metric->currentData().toInt());
    const bool hasData = m_report && m_report->weights && !m_report->weights->modules.empty();
    plotStyle::setEmptyMessage(m_plot, hasData ? QString() : tr("No weight check in this report"));
    plotStyle::setTitles(m_plot, tr("Effective weight, train vs eval, per module"), tr("module"), m_metric->currentText());
    if (!hasData) {
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const auto& modules = m_report->weights->modules;
    m_barModules.resize(modules.size());
    std::iota(m_barModules.begin(), m_barModules.end(), 0);
    if (static_cast<Order>(m_order->currentData().toInt()) == Order::WorstFirst) {
        const bool lowerIsWorse = metric == Metric::Sqnr;
        std::stable_sort(m_barModules.begin(), m_barModules.end(), [&](int a, int b) {
            return lowerIsWorse ? metricValue(a) < metricValue(b) : metricValue(a) > metricValue(b);
        });
    }
    // Log scale cannot show zeros (identical modules): they are drawn at a floor below the smallest value.
    const bool logarithmic = m_log->isChecked();
    double minPositive = std::numeric_limits<double>::max(), maxValue = 0.0;
    for (int module : m_barModules) {
        const double v = metricValue(module);
        if (v > 0) minPositive = std::min(minPositive, v);
        maxValue = std::max(maxValue, v);
    }
    const double floor = minPositive == std::numeric_limits<double>::max() ? 1e-12 : minPositive / 10.0;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    const int labelStep = std::max<int>(1, static_cast<int>(m_barModules.size()) / 40);  // keep labels legible
    for (int bar = 0; bar < static_cast<int>(m_barModules.size()); ++bar) {
        const WeightModuleResult& module = modules[m_barModules[bar]];
        double value = metricValue(m_barModules[bar]);
        if (logarithmic && value <= 0) value = floor;
        (module.pass ? m_passBars : m_failBars)->addData(bar, value);
        if (bar % labelStep == 0) {
            ticker->addTick(bar, qs(module.module).section(QLatin1Char('.'), -3));
        }
    }
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setTickLabelRotation(60);
    m_plot->xAxis->setRange(-0.8, m_barModules.size() - 0.2);
    plotStyle::setLogY(m_plot, logarithmic);
    const double top = std::max(maxValue, floor * 10);
    m_plot->yAxis->setRange(logarithmic ? floor / 2 : 0.0, logarithmic ? top * 30 : top * 1.25 + 1e-30);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void WeightsPage::onPlottableClick(QCPAbstractPlottable* plottable, int dataIndex, QMouseEvent*) {
    auto* bars = qobject_cast<QCPBars*>(plottable);
    if (!bars || dataIndex < 0 || dataIndex >= bars->dataCount()) {
        return;
    }
    const int bar = static_cast<int>(std::lround((bars->data()->begin() + dataIndex)->key));
    const int module = moduleAtBar(bar);
    if (module >= 0) {
        Q_EMIT moduleActivated(module);
    }
}

QList<QCustomPlot*> WeightsPage::plots() const {
    return {m_plot};
}

QList<QAbstractItemModel*> WeightsPage::tables() const {
    return {m_model};
}

QString WeightsPage::summary() const {
    if (!m_report || !m_report->weights) {
        return tr("No weight check in this report.");
    }
    const WeightsCheck& weights = *m_report->weights;
    return tr("%1 of %2 modules differ; overall max |Δ| %3, SQNR %4, %5 differing elements of %6.")
        .arg(weights.modulesDiffering).arg(weights.modules.size()).arg(formatNumber(weights.overall.maxAbs))
        .arg(formatDb(weights.overall.sqnrDb)).arg(formatCount(weights.overall.differing)).arg(formatCount(weights.overall.total));
}

}  // namespace ql::ui
