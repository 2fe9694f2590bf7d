#include "ui/pages/logits_page.h"

#include <quantlens/verify_report.h>

#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include "ui/format.h"
#include "ui/metric_help.h"
#include "ui/plots/histogram_curve.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

LogitsPage::LogitsPage(QWidget* parent)
    : ReportPage(parent),
      m_stats(new QLabel(this)),
      m_histogram(plotStyle::makePlot(this, QStringLiteral("logitHistogram"))),
      m_positions(plotStyle::makePlot(this, QStringLiteral("logitPositions"))) {
    m_stats->setWordWrap(true);
    m_stats->setToolTip(metricHelp::kTop1 + QLatin1Char('\n') + metricHelp::kKl);
    m_histogram->setToolTip(tr("Histogram of |train logit − eval logit| over every position and vocabulary entry"));
    m_positions->setToolTip(tr("Per position: max |Δlogit| (left axis) and %1 (right axis)").arg(metricHelp::kKl));
    plotStyle::placeLegendAbove(m_histogram);
    plotStyle::placeLegendAbove(m_positions);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_histogram);
    splitter->addWidget(m_positions);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({1, 1});  // equal halves: the per-position curve needs the width as much
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_stats);
    layout->addWidget(splitter, 1);
    setReport(nullptr);
}

void LogitsPage::setReport(const ReportPtr& report) {
    m_histogram->clearGraphs();
    m_positions->clearGraphs();
    m_positions->clearItems();
    plotStyle::setTitles(m_histogram, tr("|Δlogit| histogram"), tr("|Δlogit|"), tr("count"));
    plotStyle::setTitles(m_positions, tr("Per position"), tr("token position (all prompts)"), tr("max |Δlogit|"));
    const LogitsCheck* logits = report && report->logits ? &*report->logits : nullptr;
    if (!logits) {
        m_stats->setText(tr("No logits check in this report."));
        plotStyle::setEmptyMessage(m_histogram, tr("No data"));
        plotStyle::setEmptyMessage(m_positions, tr("No data"));
    } else {
        m_stats->setText(tr("%1 positions · max |Δ| %2 · mean |Δ| %3 · top-1 agreement %4 · top-5 overlap %5 · "
                            "KL mean %6, median %7, p99 %8, max %9 nats")
                             .arg(logits->tokens)
                             .arg(formatNumber(logits->diff.maxAbs), formatNumber(logits->diff.meanAbs),
                                  formatPercent(logits->top1Agreement), formatPercent(logits->top5Agreement),
                                  formatNumber(logits->klMean), formatNumber(logits->klMedian),
                                  formatNumber(logits->klP99))
                             .arg(formatNumber(logits->klMax)));
        drawAbsDiffHistogram(m_histogram, logits->absDiff, plotStyle::kPrimary, tr("train vs eval"));
        drawPositions(*logits);
    }
    m_histogram->replot(QCustomPlot::rpQueuedReplot);
    m_positions->replot(QCustomPlot::rpQueuedReplot);
}

void LogitsPage::drawPositions(const LogitsCheck& logits) {
    plotStyle::setEmptyMessage(m_positions, logits.perPositionMaxAbs.empty() ? tr("No data") : QString());
    auto* maxAbs = m_positions->addGraph(m_positions->xAxis, m_positions->yAxis);
    maxAbs->setName(tr("max |Δlogit|"));
    maxAbs->setPen(QPen(plotStyle::kPrimary, 1.5));
    for (size_t i = 0; i < logits.perPositionMaxAbs.size(); ++i) {
        maxAbs->addData(static_cast<double>(i), logits.perPositionMaxAbs[i]);
    }
    m_positions->yAxis2->setVisible(true);
    m_positions->yAxis2->setLabel(tr("KL(train ‖ eval), nats"));
    auto* kl = m_positions->addGraph(m_positions->xAxis, m_positions->yAxis2);
    kl->setName(tr("KL"));
    kl->setPen(QPen(plotStyle::kSecondary, 1.5));
    for (size_t i = 0; i < logits.perPositionKl.size(); ++i) {
        kl->addData(static_cast<double>(i), logits.perPositionKl[i]);
    }
    for (int start : logits.promptStarts) {  // prompt boundaries
        auto* line = new QCPItemStraightLine(m_positions);
        line->point1->setCoords(start - 0.5, 0);
        line->point2->setCoords(start - 0.5, 1);
        line->setPen(QPen(plotStyle::kNeutral, 1, Qt::DotLine));
    }
    m_positions->rescaleAxes();
    m_positions->yAxis->setRangeLower(0);
    m_positions->yAxis2->setRangeLower(0);
}

QList<QCustomPlot*> LogitsPage::plots() const {
    return {m_histogram, m_positions};
}

QString LogitsPage::summary() const {
    return m_stats->text();
}

}  // namespace ql::ui
