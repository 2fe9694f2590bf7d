// Smaller truths of the tabs: a top token the engine could not decode shows its id, the Training
// tab does not keep the previous report's axes, and a plot's empty-state text is wrapped to the
// plot's width instead of clipped.
#include <gtest/gtest.h>

#include <QFontMetricsF>

#include "sample_report.h"
#include "ui/pages/report_page.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"
#include "ui/report_views.h"

namespace ql::ui {
namespace {

TEST(TopTokens, AnUndecodableTokenShowsItsId) {
    VerifyReport report = test::sampleReport();
    ASSERT_TRUE(report.logits && !report.logits->topTokens.empty());
    PositionTopTokens& at = report.logits->topTokens[0];
    at.trainTexts.assign(at.trainIds.size(), "x");
    at.trainTexts[0] = "";  // a partial UTF-8 byte decodes to nothing
    const auto tokens = topTokens(report, true, 0);
    ASSERT_FALSE(tokens.empty());
    EXPECT_EQ(tokens[0].text, QStringLiteral("#%1").arg(at.trainIds[0]));
    EXPECT_EQ(tokens[1].text, QStringLiteral("x"));
}

QCustomPlot* trainingPlot(const ReportView& view) {
    for (ReportPage* page : view.pages()) {
        if (page->title() == QLatin1String("Training")) return page->plots().value(0);
    }
    return nullptr;
}

TEST(TrainingTab, AReportWithoutATrainingLogDoesNotKeepThePreviousAxes) {
    ReportView view;
    view.setReport(test::sampleReportPtr());
    QCustomPlot* plot = trainingPlot(view);
    ASSERT_NE(plot, nullptr);
    ASSERT_GT(plot->graphCount(), 0);
    const QCPRange withLog = plot->xAxis->range();
    VerifyReport without = test::sampleReport();
    without.trainerState.reset();
    view.setReport(std::make_shared<const VerifyReport>(without));
    EXPECT_NE(plot->xAxis->range(), withLog);
    EXPECT_EQ(plot->xAxis->range(), QCPRange(0, 1));
    EXPECT_EQ(plot->yAxis->range(), QCPRange(0, 1));
}

TEST(EmptyMessage, WrapsToANarrowPlotInsteadOfBeingClipped) {
    QCustomPlot plot;
    plot.resize(260, 240);
    plot.setViewport(QRect(0, 0, 260, 240));  // what the resize event of a shown plot sets
    const QString message =
        QStringLiteral("This report has no per-token divergence (the activations check did not run)");
    plotStyle::setEmptyMessage(&plot, message);
    plot.replot();
    QCPItemText* item = nullptr;
    for (int i = 0; i < plot.itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(plot.item(i))) item = text;
    }
    ASSERT_NE(item, nullptr);
    EXPECT_GT(item->text().count(QLatin1Char('\n')), 0);
    EXPECT_EQ(item->text().simplified(), message);
    const QFontMetricsF metrics(item->font());
    for (const QString& line : item->text().split(QLatin1Char('\n'))) {
        EXPECT_LE(metrics.horizontalAdvance(line), plot.axisRect()->width()) << line.toStdString();
    }
}

}  // namespace
}  // namespace ql::ui
