#include "ui/pages/activations_page.h"

#include <quantlens/verify_report.h>

#include <QLabel>
#include <QVBoxLayout>

#include "ui/format.h"
#include "ui/metric_help.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

ActivationsPage::ActivationsPage(QWidget* parent)
    : ReportPage(parent), m_stats(new QLabel(this)), m_plot(plotStyle::makePlot(this, QStringLiteral("activationsPlot"))) {
    m_stats->setWordWrap(true);
    m_plot->setToolTip(metricHelp::kMaxAbs + QLatin1Char('\n') + metricHelp::kRelL2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_stats);
    layout->addWidget(m_plot, 1);
    setReport(nullptr);
}

void ActivationsPage::setReport(const ReportPtr& report) {
    m_plot->clearGraphs();
    m_plot->clearItems();
    plotStyle::setTitles(m_plot, tr("Hidden-state divergence per decoder layer"), tr("decoder layer"), tr("max |Δ| / relative L2"));
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
    double lowest = std::numeric_limits<double>::max(), highest = 0;
    for (const LayerDivergence& layer : activations.layers) {
        for (double v : {layer.diff.maxAbs, layer.relativeL2}) {
            if (v > 0) lowest = std::min(lowest, v);
            highest = std::max(highest, v);
        }
    }
    const double floor = lowest == std::numeric_limits<double>::max() ? 1e-12 : lowest / 10;
    for (const LayerDivergence& layer : activations.layers) {  // zeros drawn at the floor (log axis)
        maxAbs->addData(layer.layer, layer.diff.maxAbs > 0 ? layer.diff.maxAbs : floor);
        relL2->addData(layer.layer, layer.relativeL2 > 0 ? layer.relativeL2 : floor);
    }
    if (activations.firstDivergingLayer >= 0) {
        auto* line = new QCPItemStraightLine(m_plot);
        line->point1->setCoords(activations.firstDivergingLayer, 0);
        line->point2->setCoords(activations.firstDivergingLayer, 1);
        line->setPen(QPen(plotStyle::kFail, 1.5, Qt::DashLine));
        auto* label = new QCPItemText(m_plot);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setAxes(m_plot->xAxis, m_plot->yAxis);
        label->position->setCoords(activations.firstDivergingLayer, highest * 2);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->setText(tr(" first diverging layer %1").arg(activations.firstDivergingLayer));
        label->setColor(plotStyle::kFail);
    }
    plotStyle::setLogY(m_plot, true);
    m_plot->xAxis->setRange(activations.layers.front().layer - 0.5, activations.layers.back().layer + 0.5);
    m_plot->yAxis->setRange(floor / 2, std::max(highest, floor) * 10);
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(ticker);
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
}

QList<QCustomPlot*> ActivationsPage::plots() const {
    return {m_plot};
}

QString ActivationsPage::summary() const {
    return m_stats->text();
}

}  // namespace ql::ui
