// Pages populated from a report; navigation Overview -> tab and Weights bar -> Layer drill-down.
#include <gtest/gtest.h>

#include <QTableView>
#include <QTest>

#include "sample_report.h"
#include "ui/models/worst_elements_model.h"
#include "ui/pages/config_page.h"
#include "ui/pages/layer_page.h"
#include "ui/pages/overview_page.h"
#include "ui/pages/weights_page.h"
#include "ui/plots/module_bar_chart.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"

namespace ql::ui {
namespace {

// Pixel position of bar `barIndex`'s top half (so a click hits it).
QPoint barCentre(QCustomPlot* plot, int barIndex, double value) {
    const double x = plot->xAxis->coordToPixel(barIndex);
    const double y = plot->yAxis->coordToPixel(value) + 3;
    return QPoint(static_cast<int>(x), static_cast<int>(y));
}

class ReportViewTest : public ::testing::Test {
protected:
    void SetUp() override {
        view.resize(1200, 800);
        view.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
        view.setReport(test::sampleReportPtr());
    }
    ReportView view;
};

TEST_F(ReportViewTest, EveryPageHasContent) {
    for (ReportPage* page : view.pages()) {
        EXPECT_FALSE(page->summary().isEmpty()) << page->title().toStdString();
        for (QCustomPlot* plot : page->plots()) {
            EXPECT_GT(plot->plottableCount() + plot->itemCount(), 0)
                << page->title().toStdString() << " " << plot->objectName().toStdString();
        }
    }
    EXPECT_EQ(view.weights()->view(), WeightsPage::View::Bars);  // 6 modules: bars by default
    EXPECT_EQ(view.weights()->barChart()->barCount(), test::kSampleModules);
}

TEST_F(ReportViewTest, OverviewRowOpensThatTab) {
    auto* table = view.overview()->findChild<QTableView*>();
    ASSERT_TRUE(table);
    const QModelIndex row = table->model()->index(1, 0);  // Weights
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(row).center());
    EXPECT_EQ(view.currentWidget(), view.weights());
}

TEST_F(ReportViewTest, ClickingABarSelectsThatModuleInTheDrillDown) {
    view.setCurrentWidget(view.weights());
    WeightsPage* weights = view.weights();
    weights->setOrder(WeightsPage::Order::WorstFirst);
    weights->setLogScale(false);
    QCustomPlot* plot = weights->barPlot();
    plot->replot();
    ASSERT_EQ(weights->moduleAtBar(0), test::kSampleFailingModule);
    const double value = view.report()->weights->modules[test::kSampleFailingModule].diff.maxAbs;
    QTest::mouseClick(plot, Qt::LeftButton, {}, barCentre(plot, 0, value / 2));
    EXPECT_EQ(view.currentWidget(), view.layer());
    EXPECT_EQ(view.layer()->currentModule(), test::kSampleFailingModule);
    EXPECT_EQ(view.layer()->worstModel()->rowCount(), 2);
}

TEST_F(ReportViewTest, WeightsMetricAndOrderReorderBars) {
    WeightsPage* weights = view.weights();
    weights->setMetric(WeightsPage::Metric::Sqnr);
    weights->setOrder(WeightsPage::Order::WorstFirst);
    EXPECT_EQ(weights->moduleAtBar(0), test::kSampleFailingModule);  // lowest SQNR first
    weights->setOrder(WeightsPage::Order::Model);
    EXPECT_EQ(weights->moduleAtBar(0), 0);
}

TEST_F(ReportViewTest, ConfigDifferencesOnlyFilter) {
    view.config()->setDifferencesOnly(true);
    EXPECT_EQ(view.config()->proxy()->rowCount(), 2);
    view.config()->setDifferencesOnly(false);
    EXPECT_EQ(view.config()->proxy()->rowCount(), 3);
}

TEST_F(ReportViewTest, ClearingTheReportEmptiesThePages) {
    view.setReport(nullptr);
    EXPECT_EQ(view.weights()->barChart()->barCount(), 0);
    EXPECT_EQ(view.layer()->currentModule(), -1);
}

}  // namespace
}  // namespace ql::ui
