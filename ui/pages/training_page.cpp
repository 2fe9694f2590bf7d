#include "ui/pages/training_page.h"

#include <quantlens/verify_report.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "ui/format.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

TrainingPage::TrainingPage(QWidget* parent)
    : ReportPage(parent),
      m_metric(new QComboBox(this)),
      m_stats(new QLabel(this)),
      m_plot(plotStyle::makePlot(this, QStringLiteral("trainingPlot"))) {
    m_metric->setToolTip(tr("Any numeric key of trainer_state.json's log_history"));
    plotStyle::placeLegendAbove(m_plot);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Metric:"), this));
    top->addWidget(m_metric);
    top->addWidget(m_stats, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_plot, 1);
    connect(m_metric, &QComboBox::currentIndexChanged, this, &TrainingPage::draw);
    setReport(nullptr);
}

void TrainingPage::setReport(const ReportPtr& report) {
    m_report = report;
    QSignalBlocker blocker(m_metric);
    m_metric->clear();
    if (report && report->trainerState) {
        for (const std::string& name : report->trainerState->metricNames()) {
            if (name != "step" && name != "epoch") {
                m_metric->addItem(qs(name));
            }
        }
        const int loss = m_metric->findText(QStringLiteral("loss"));
        m_metric->setCurrentIndex(loss >= 0 ? loss : 0);
    }
    draw();
}

void TrainingPage::draw() {
    m_plot->clearGraphs();
    const QString metric = m_metric->currentText();
    plotStyle::setTitles(m_plot, tr("Training log"), tr("step"), metric);
    const TrainerState* state = m_report && m_report->trainerState ? &*m_report->trainerState : nullptr;
    if (!state || metric.isEmpty()) {
        m_stats->setText(tr("No trainer_state.json found next to the adapter."));
        plotStyle::setEmptyMessage(m_plot, tr("No training log"));
        m_plot->xAxis->setRange(0, 1);  // not the previous report's steps and values
        m_plot->yAxis->setRange(0, 1);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    plotStyle::setEmptyMessage(m_plot, {});
    const QList<QPair<QString, QColor>> series{{metric, plotStyle::kPrimary},
                                               {QStringLiteral("eval_") + metric, plotStyle::kSecondary}};
    for (const auto& [key, colour] : series) {
        const auto points = state->series(key.toStdString());
        if (points.empty()) continue;
        auto* graph = m_plot->addGraph();
        graph->setName(key);
        graph->setPen(QPen(colour, 2));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
        graph->setSelectable(QCP::stNone);
        for (const auto& [step, value] : points) {
            graph->addData(static_cast<double>(step), value);
        }
    }
    m_stats->setText(
        tr("global step %1 of %2 · epoch %3").arg(state->globalStep).arg(state->maxSteps).arg(state->epoch, 0, 'f', 2));
    m_plot->rescaleAxes();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QList<QCustomPlot*> TrainingPage::plots() const {
    return {m_plot};
}

QList<QCustomPlot*> TrainingPage::exportPlots() const {
    if (!m_report || !m_report->trainerState) return {};
    return {m_plot};
}

QString TrainingPage::summary() const {
    return m_stats->text();
}

}  // namespace ql::ui
