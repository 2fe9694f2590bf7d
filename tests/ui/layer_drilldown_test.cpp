// The Layer drill-down in a module's own units: the per-group heat map spans the output rows and
// the groups along K (not pooled cells, not 0–1 with one group), marks the worst element, and
// tells the rows and groups of a cell on hover; the histogram's view is the bulk of the weights
// and names the group whose grid it draws; train and eval group sizes are both shown.
#include <gtest/gtest.h>

#include <QTest>

#include "sample_report.h"
#include "ui/models/weight_modules_model.h"
#include "ui/pages/layer_page.h"
#include "ui/plots/group_error_plot.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"
#include "ui/plots/weight_histogram_plot.h"
#include "ui/report_view.h"

namespace ql::ui {
namespace {

class DrillDownTest : public ::testing::Test {
protected:
    void SetUp() override {
        view.resize(1280, 800);
        view.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
        view.setReport(test::scaleReportPtr(4));
        view.setCurrentWidget(view.layer());
        QTest::qWait(20);
    }
    int lmHead() const { return static_cast<int>(view.report()->weights->modules.size()) - 1; }
    ReportView view;
};

TEST_F(DrillDownTest, HeatMapAxesAreRowsAndGroupsNotPooledCells) {
    view.layer()->selectModule(lmHead());
    QCustomPlot* plot = view.layer()->heatPlot();
    plot->replot();
    EXPECT_DOUBLE_EQ(plot->yAxis->range().lower, 0);
    EXPECT_DOUBLE_EQ(plot->yAxis->range().upper, test::kLmHeadRows);  // 512 rows, pooled 2:1 into 256 cells
    EXPECT_DOUBLE_EQ(plot->xAxis->range().upper, 4);                  // 512 / 128 groups
    EXPECT_TRUE(plot->yAxis->label().contains(QStringLiteral("row")));
}

TEST_F(DrillDownTest, WorstElementIsMarkedAtItsRowAndGroup) {
    view.layer()->selectModule(lmHead());
    QCustomPlot* plot = view.layer()->heatPlot();
    plot->replot();
    QCPGraph* worst = nullptr;
    for (int i = 0; i < plot->graphCount(); ++i) {
        if (plot->graph(i)->dataCount() == 1) worst = plot->graph(i);
    }
    ASSERT_TRUE(worst);
    const QCPGraphData point = *worst->data()->begin();
    EXPECT_DOUBLE_EQ(point.value, test::kLmHeadWorstRow + 0.5);
    EXPECT_DOUBLE_EQ(point.key, (2 * 128 + 5) / 128.0);
    EXPECT_TRUE(worst->name().contains(QStringLiteral("row 343"))) << worst->name().toStdString();
    const QPointF pixel(plot->xAxis->coordToPixel(point.key), plot->yAxis->coordToPixel(point.value));
    const QString tip = view.layer()->groupErrorPlot()->toolTipAt(pixel);
    EXPECT_TRUE(tip.contains(QStringLiteral("rows 342–343"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("groups 2–2"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("0.0625"))) << tip.toStdString();
}

TEST(GroupErrorPlot, OneGroupSpansZeroToOneGroupNotAnInventedRange) {
    QCustomPlot plot;
    plot.resize(400, 300);
    GroupErrorPlot heat(&plot);
    WeightModuleResult module;
    module.shape = {64, 128};
    module.groupSize = 128;
    module.groupError = GroupErrorMap{64, 1, 1, 1, std::vector<float>(64, 0.5f)};
    heat.setModule(&module);
    EXPECT_DOUBLE_EQ(heat.groupCount(), 1);
    EXPECT_DOUBLE_EQ(plot.xAxis->range().lower, 0);
    EXPECT_DOUBLE_EQ(plot.xAxis->range().upper, 1);
    EXPECT_DOUBLE_EQ(plot.yAxis->range().upper, 64);
}

TEST(WeightHistogramPlot, ViewIsTheBulkAndTheGridNamesItsGroup) {
    WeightModuleResult module;
    module.shape = {512, 512};
    module.groupSize = 128;
    for (int i = 0; i <= 64; ++i) module.originalHistogram.edges.push_back(-6.4 + 0.2 * i);
    module.originalHistogram.counts.assign(64, 0);
    module.originalHistogram.counts[0] = 2;  // outlier columns far out on both sides
    module.originalHistogram.counts[63] = 2;
    for (int i = 28; i < 36; ++i) module.originalHistogram.counts[i] = 100000;
    module.worst = {{343, 261, 0.5, 0.5625, 0.5}};
    for (int q = -8; q < 8; ++q) module.quantGrid.push_back(q * 0.8);  // an outlier group: a wide grid
    QCustomPlot plot;
    WeightHistogramPlot histogram(&plot);
    histogram.setModule(&module, false);
    EXPECT_GT(plot.xAxis->range().lower, -1.0);
    EXPECT_LT(plot.xAxis->range().upper, 1.0);
    EXPECT_TRUE(histogram.gridLegend().contains(QStringLiteral("group 2 (row 343, cols 256–383)")))
        << histogram.gridLegend().toStdString();
    EXPECT_TRUE(histogram.gridLegend().contains(QStringLiteral("step 0.8")));
    EXPECT_TRUE(histogram.gridLegend().contains(QStringLiteral("past this view")));
    histogram.setModule(&module, true);
    EXPECT_LT(plot.xAxis->range().lower, -6.3);
    const auto [lo, hi] = bulkRange(module.originalHistogram, 0.001);
    EXPECT_NEAR(lo, -0.8, 1e-12);
    EXPECT_NEAR(hi, 0.8, 1e-12);
}

TEST_F(DrillDownTest, DetailsShowBothGroupSizesAndNoMinusOneLayer) {
    view.layer()->selectModule(lmHead());
    const QString details = view.layer()->summary();
    EXPECT_TRUE(details.contains(QStringLiteral("layer —"))) << details.toStdString();
    EXPECT_FALSE(details.contains(QStringLiteral("-1")));
    EXPECT_TRUE(details.contains(QStringLiteral("train 32, eval 128"))) << details.toStdString();
    WeightModulesModel model;
    model.setReport(view.report());
    EXPECT_EQ(model.data(model.index(0, WeightModulesModel::Group), Qt::DisplayRole).toString(),
              QStringLiteral("32 / 128"));
    EXPECT_EQ(model.data(model.index(lmHead(), WeightModulesModel::Layer), Qt::DisplayRole).toString(),
              QStringLiteral("—"));
}

}  // namespace
}  // namespace ql::ui

namespace ql::ui {
namespace {

// A legend never cuts an entry ("bit-i", "train vs eva"): in a narrow plot it puts fewer entries
// on a row.
TEST(Legends, NarrowPlotsStackEntriesInsteadOfCuttingThem) {
    WeightModuleResult module = test::scaleReport(2).weights->modules[3];
    for (double& v : module.quantGrid) v *= 100;  // a grid past the view: the longest legend text
    QCustomPlot plot;
    plot.resize(360, 320);
    WeightHistogramPlot histogram(&plot);
    histogram.setModule(&module, false);
    plot.replot();
    plot.replot();
    const QList<QCPAbstractLegendItem*> entries = plotStyle::legendEntries(plot.legend);
    ASSERT_GE(entries.size(), 2);
    for (const QCPAbstractLegendItem* item : entries) {
        EXPECT_LE(item->outerRect().right(), plot.viewport().right()) << item->objectName().toStdString();
        EXPECT_GE(item->outerRect().width(), item->minimumOuterSizeHint().width());
    }
}

// A plot whose legend has no entry (a training tab without trainer_state.json) keeps its full
// width: the empty legend row must not cap the column.
TEST(Legends, AnEmptyLegendDoesNotSqueezeThePlot) {
    QCustomPlot plot;
    plot.resize(800, 400);
    plotStyle::setTitles(&plot, QStringLiteral("Training log"), QStringLiteral("step"), QStringLiteral("loss"));
    plotStyle::placeLegendAbove(&plot);
    plot.replot();
    plot.replot();
    EXPECT_EQ(plot.legend->itemCount(), 0);
    EXPECT_GT(plot.axisRect()->width(), 500);  // of 800 (it was 50 with the empty legend row)
}

}  // namespace
}  // namespace ql::ui
