#include "ui/pages/activations_page.h"

#include <quantlens/verify_report.h>

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/format.h"
#include "ui/metric_help.h"
#include "ui/module_names.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"
#include "ui/plots/token_layer_heat_map.h"
#include "ui/report_views.h"
#include "ui/widgets/table_views.h"

namespace ql::ui {

ActivationsPage::ActivationsPage(QWidget* parent)
    : ReportPage(parent),
      m_stats(new QLabel(this)),
      m_plot(plotStyle::makePlot(this, QStringLiteral("activationsPlot"))),
      m_heatPlot(plotStyle::makePlot(this, QStringLiteral("tokenLayerMap"))),
      m_heat(new TokenLayerHeatMap(m_heatPlot)),
      m_position(new QSpinBox(this)),
      m_positionToken(new QLabel(this)),
      m_topTokens(new QTableWidget(this)) {
    m_stats->setWordWrap(true);
    m_plot->setToolTip(metricHelp::kMaxAbs + QLatin1Char('\n') + metricHelp::kRelL2);
    m_position->setToolTip(tr("Token position (all prompts, concatenated); or click the heat map"));
    m_topTokens->setObjectName(QStringLiteral("top_tokens"));
    addCsvExport(m_topTokens);
    m_topTokens->setColumnCount(5);
    m_topTokens->setHorizontalHeaderLabels(
        {tr("rank"), tr("train token"), tr("train logit"), tr("eval token"), tr("eval logit")});
    m_topTokens->verticalHeader()->hide();
    m_topTokens->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_topTokens->horizontalHeader()->setStretchLastSection(true);
    auto* positionRow = new QHBoxLayout;
    positionRow->addWidget(new QLabel(tr("Top tokens at position"), this));
    positionRow->addWidget(m_position);
    positionRow->addWidget(m_positionToken, 1);
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_heatPlot, 3);
    rightLayout->addLayout(positionRow);
    rightLayout->addWidget(m_topTokens, 1);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_plot);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_stats);
    layout->addWidget(splitter, 1);
    plotStyle::placeLegendAbove(m_plot);
    connect(m_heat, &TokenLayerHeatMap::positionClicked, this, &ActivationsPage::setPosition);
    connect(m_position, &QSpinBox::valueChanged, this, &ActivationsPage::showTopTokens);
    setReport(nullptr);
}

void ActivationsPage::setReport(const ReportPtr& report) {
    m_report = report;
    m_plot->clearGraphs();
    m_plot->clearItems();
    plotStyle::setTitles(m_plot, tr("Hidden-state divergence per decoder layer"), tr("decoder layer"),
                         tr("max |Δ| / relative L2"));
    const ActivationsCheck* activations = report && report->activations ? &*report->activations : nullptr;
    if (!activations || activations->layers.empty()) {
        m_stats->setText(tr("No activations check in this report."));
        plotStyle::setEmptyMessage(m_plot, tr("No data"));
    } else {
        plotStyle::setEmptyMessage(m_plot, {});
        m_stats->setText(activations->firstDivergingLayer >= 0
                             ? tr("First diverging layer: %1 (its hidden state is the first out of tolerance).")
                                   .arg(activations->firstDivergingLayer)
                             : tr("No layer diverges: every hidden state is within tolerance."));
        draw(*activations);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    std::vector<int> layers;
    if (activations) {
        for (const LayerDivergence& l : activations->layers) layers.push_back(l.layer);
    }
    const auto values = report ? positionDivergence(*report) : std::vector<std::vector<double>>{};
    m_heat->setData(values, layers, report ? positionTokens(*report) : QStringList{},
                    report && report->logits ? report->logits->promptStarts : std::vector<int>{});
    const QSignalBlocker blocker(m_position);
    m_position->setRange(0, values.empty() || values.front().empty() ? 0 : static_cast<int>(values.front().size()) - 1);
    m_position->setEnabled(!values.empty());
    showTopTokens();
}

void ActivationsPage::draw(const ActivationsCheck& activations) {
    auto* maxAbs = m_plot->addGraph();
    maxAbs->setName(tr("max |Δ|"));
    maxAbs->setPen(QPen(plotStyle::kPrimary, 2));
    maxAbs->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    auto* relL2 = m_plot->addGraph();
    relL2->setName(tr("relative L2"));
    relL2->setPen(QPen(plotStyle::kSecondary, 2));
    relL2->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, 5));
    auto* identical = m_plot->addGraph();
    identical->setName(tr("identical layer (Δ = 0)"));
    identical->setLineStyle(QCPGraph::lsNone);
    identical->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(plotStyle::kPass.darker(130)),
                                               QBrush(plotStyle::kIdentical), 9));
    double lowest = std::numeric_limits<double>::max(), highest = 0;
    for (const LayerDivergence& layer : activations.layers) {
        for (double v : {layer.diff.maxAbs, layer.relativeL2}) {
            if (v > 0) lowest = std::min(lowest, v);
            highest = std::max(highest, v);
        }
    }
    // Every layer bit-identical: markers on the zero line of a linear axis that says so, not a log
    // scale over an invented range (it spanned 10⁻¹²–10⁻¹¹).
    const bool allIdentical = highest == 0;
    const double floor = allIdentical ? 0.0 : lowest / 10;
    for (const LayerDivergence& layer : activations.layers) {
        // A log axis has no place for 0: an identical layer is a marker at the floor, and the
        // curves skip it (a gap) instead of plotting an invented value.
        if (layer.diff.maxAbs > 0)
            maxAbs->addData(layer.layer, layer.diff.maxAbs);
        else
            maxAbs->addData(layer.layer, std::numeric_limits<double>::quiet_NaN());
        if (layer.relativeL2 > 0)
            relL2->addData(layer.layer, layer.relativeL2);
        else
            relL2->addData(layer.layer, std::numeric_limits<double>::quiet_NaN());
        if (layer.diff.maxAbs == 0) identical->addData(layer.layer, floor);
    }
    if (identical->dataCount() == 0) identical->removeFromLegend();
    if (activations.firstDivergingLayer >= 0) {
        auto* line = new QCPItemStraightLine(m_plot);
        line->point1->setCoords(activations.firstDivergingLayer, 0);
        line->point2->setCoords(activations.firstDivergingLayer, 1);
        line->setPen(QPen(plotStyle::kFail, 1.5, Qt::DashLine));
        auto* label = new QCPItemText(m_plot);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setAxes(m_plot->xAxis, m_plot->yAxis);
        label->position->setCoords(activations.firstDivergingLayer, highest * 4);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->setText(tr(" first diverging layer %1").arg(activations.firstDivergingLayer));
        label->setColor(plotStyle::kFail);
    }
    m_plot->xAxis->setRange(activations.layers.front().layer - 0.5, activations.layers.back().layer + 0.5);
    if (allIdentical) {
        maxAbs->removeFromLegend();
        relL2->removeFromLegend();
        plotStyle::setLogY(m_plot, false);
        auto zero = QSharedPointer<QCPAxisTickerText>::create();
        zero->addTick(0, QStringLiteral("0"));
        m_plot->yAxis->setTicker(zero);
        m_plot->yAxis->setRange(-0.25, 1);
        plotStyle::setEmptyMessage(m_plot, tr("Every layer bit-identical (Δ = 0)"));
    } else {
        plotStyle::setLogY(m_plot, true);
        m_plot->yAxis->setRange(floor / 2, std::max(highest, floor) * 10);
    }
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(ticker);
}

void ActivationsPage::setPosition(int position) {
    m_position->setValue(position);
    showTopTokens();
}

int ActivationsPage::position() const {
    return m_position->value();
}

void ActivationsPage::showTopTokens() {
    const int position = m_position->value();
    m_heat->setSelectedPosition(m_heat->hasData() ? position : -1);
    const QStringList tokens = m_report ? positionTokens(*m_report) : QStringList{};
    m_positionToken->setText(position < tokens.size() ? tr("“%1”").arg(tokens[position]) : QString());
    const auto train = m_report ? topTokens(*m_report, true, position) : std::vector<TopToken>{};
    const auto eval = m_report ? topTokens(*m_report, false, position) : std::vector<TopToken>{};
    const int rows = static_cast<int>(std::max(train.size(), eval.size()));
    m_topTokens->setRowCount(rows);
    for (int r = 0; r < rows; ++r) {
        const auto cell = [&](int column, const QString& text) {
            m_topTokens->setItem(r, column, new QTableWidgetItem(text));
        };
        cell(0, QString::number(r + 1));
        if (r < static_cast<int>(train.size())) {
            cell(1, train[r].text);
            cell(2, formatNumber(train[r].logit));
        }
        if (r < static_cast<int>(eval.size())) {
            cell(3, eval[r].text);
            cell(4, formatNumber(eval[r].logit));
        }
    }
}

QList<QCustomPlot*> ActivationsPage::plots() const {
    return {m_plot, m_heatPlot};
}

QList<QCustomPlot*> ActivationsPage::exportPlots() const {
    if (m_heat->hasData()) return {m_plot, m_heatPlot};
    return {m_plot};
}

QString ActivationsPage::summary() const {
    return m_stats->text();
}

}  // namespace ql::ui
