// The Weights tab and the drill-down at model scale (253 and 561 modules): the layer × projection
// heat map, bars for a filtered subset, the shared search/filter, links between table and plots,
// the searchable module picker, and the defects of issue 12 (labels, tooltips, bar widths, label
// placement, clipped last bar, selection colours, zeros on log axes, legends over the data).
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QCompleter>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <cmath>

#include "sample_report.h"
#include "text_recorder.h"
#include "ui/format.h"
#include "ui/models/module_filter.h"
#include "ui/pages/layer_page.h"
#include "ui/pages/report_page.h"
#include "ui/pages/weights_page.h"
#include "ui/plots/fitting_text_ticker.h"
#include "ui/plots/module_bar_chart.h"
#include "ui/plots/module_heat_map.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"
#include "ui/widgets/module_picker.h"

namespace ql::ui {
namespace {

class ScaleTest : public ::testing::TestWithParam<int> {
protected:
    void SetUp() override {
        view.resize(1280, 800);
        view.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
        view.setReport(test::scaleReportPtr(GetParam()));
        view.setCurrentWidget(view.weights());
        QTest::qWait(20);  // the tab's layout runs before plots are measured
        weights()->heatPlot()->replot();
    }
    WeightsPage* weights() const { return view.weights(); }
    const std::vector<WeightModuleResult>& modules() const { return view.report()->weights->modules; }
    int moduleIndex(const std::string& name) const {
        for (int i = 0; i < static_cast<int>(modules().size()); ++i) {
            if (modules()[i].module == name) return i;
        }
        return -1;
    }
    void setFilter(const ModuleFilter& filter) { view.moduleFilter()->setFilter(filter); }
    void showBars() {
        weights()->setView(WeightsPage::View::Bars);
        QTest::qWait(20);
        weights()->barPlot()->replot();
        weights()->resetZoom();
        weights()->barPlot()->replot();
    }
    ReportView view;
};

TEST_P(ScaleTest, HeatMapIsLayersByProjectionsWithEveryModuleInItsCell) {
    const int layers = GetParam();
    EXPECT_EQ(weights()->view(), WeightsPage::View::HeatMap);  // large reports open on the heat map
    ModuleHeatMap* heat = weights()->heatMap();
    EXPECT_EQ(heat->columnCount(), layers + 1);  // + the column of lm_head (outside the stack)
    ASSERT_EQ(heat->rowTypes().size(), 8);
    EXPECT_EQ(heat->rowTypes().first(), QStringLiteral("q_proj"));
    EXPECT_EQ(heat->rowTypes()[6], QStringLiteral("down_proj"));
    EXPECT_EQ(heat->rowTypes().last(), QStringLiteral("lm_head"));
    for (int i = 0; i < static_cast<int>(modules().size()); i += 17) {
        EXPECT_EQ(heat->moduleAt(heat->cellCentre(i)), i) << modules()[i].module;
    }
    EXPECT_EQ(heat->moduleAt(heat->cellCentre(static_cast<int>(modules().size()) - 1)),
              static_cast<int>(modules().size()) - 1);
}

// Every tab shows the model-scale report (timings: tests/bench/ui_tabs_bench.cpp, not here).
TEST_P(ScaleTest, EveryTabRendersAtScale) {
    for (ReportPage* page : view.pages()) {
        view.setCurrentWidget(page);
        QTest::qWait(10);
        const QImage image = view.grab().toImage();
        ASSERT_FALSE(image.isNull()) << page->title().toStdString();
        EXPECT_FALSE(page->summary().isEmpty()) << page->title().toStdString();
        for (QAbstractItemModel* table : page->tables()) EXPECT_GT(table->rowCount(), 0) << page->title().toStdString();
    }
    EXPECT_EQ(weights()->table()->model()->rowCount(), test::scaleModules(GetParam()));
}

TEST_P(ScaleTest, HeatMapHoverNamesTheModuleAndItsValue) {
    const int index = moduleIndex("model.layers.7.mlp.up_proj");
    const QString tip = weights()->heatMap()->toolTipAt(weights()->heatMap()->cellCentre(index));
    EXPECT_TRUE(tip.contains(QStringLiteral("model.layers.7.mlp.up_proj"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("max |Δ|")));
    EXPECT_TRUE(tip.contains(formatNumber(modules()[index].diff.maxAbs))) << tip.toStdString();
    const int identical = moduleIndex("model.layers.3.self_attn.k_proj");
    EXPECT_TRUE(weights()
                    ->heatMap()
                    ->toolTipAt(weights()->heatMap()->cellCentre(identical))
                    .contains(QStringLiteral("bit-identical")));
}

TEST_P(ScaleTest, IdenticalModulesAreNeverOnTheLogColourScale) {
    using Kind = ModuleHeatMap::CellKind;
    ModuleHeatMap* heat = weights()->heatMap();
    EXPECT_EQ(heat->cellKind(moduleIndex("model.layers.3.self_attn.k_proj")), Kind::Identical);  // max |Δ| = 0
    EXPECT_EQ(heat->cellKind(moduleIndex("model.layers.3.self_attn.q_proj")), Kind::Value);
    weights()->setMetric(WeightsPage::Metric::Sqnr);  // +∞ dB: identical too, not a colour
    EXPECT_EQ(heat->cellKind(moduleIndex("model.layers.3.self_attn.k_proj")), Kind::Identical);
    setFilter(ModuleFilter{.projection = QStringLiteral("q_proj")});
    EXPECT_EQ(heat->cellKind(moduleIndex("model.layers.3.self_attn.k_proj")), Kind::None);  // filtered out: blank
}

TEST_P(ScaleTest, ClickingACellDrillsDownAndSelectsTheTableRow) {
    const int index = moduleIndex("model.layers.12.self_attn.o_proj");
    const QPointF centre = weights()->heatMap()->cellCentre(index);
    QTest::mouseClick(weights()->heatPlot(), Qt::LeftButton, {}, centre.toPoint());
    EXPECT_EQ(view.currentWidget(), view.layer());
    EXPECT_EQ(view.layer()->currentModule(), index);
    EXPECT_EQ(weights()->selectedModule(), index);
}

TEST_P(ScaleTest, SelectingATableRowOutlinesItsCellAndBar) {
    const int index = moduleIndex("model.layers.2.mlp.gate_proj");
    weights()->selectModule(index);
    EXPECT_EQ(weights()->selectedModule(), index);
    const QModelIndexList rows = weights()->table()->selectionModel()->selectedRows();
    ASSERT_EQ(rows.size(), 1);
    EXPECT_EQ(rows.first().data().toString(), QStringLiteral("model.layers.2.mlp.gate_proj"));
    QCPItemRect* outline = nullptr;
    for (int i = 0; i < weights()->heatPlot()->itemCount(); ++i) {
        if (auto* rect = qobject_cast<QCPItemRect*>(weights()->heatPlot()->item(i)); rect && rect->visible())
            outline = rect;
    }
    ASSERT_TRUE(outline);
    EXPECT_DOUBLE_EQ(outline->topLeft->coords().x(), 2 - 0.5);  // layer 2's column
    EXPECT_DOUBLE_EQ(outline->topLeft->coords().y(), 4 - 0.5);  // gate_proj's row
}

TEST_P(ScaleTest, FilterIsSharedByTableAndChart) {
    const int layers = GetParam();
    setFilter(ModuleFilter{.projection = QStringLiteral("q_proj")});
    EXPECT_EQ(weights()->table()->model()->rowCount(), layers);
    showBars();
    EXPECT_EQ(weights()->barChart()->barCount(), layers);
    setFilter(ModuleFilter{.text = QStringLiteral("layers\\.1[0-9]\\.self_attn"), .regex = true});
    EXPECT_EQ(weights()->table()->model()->rowCount(), 40);
    setFilter(ModuleFilter{.layerFrom = 10, .layerTo = 19});
    EXPECT_EQ(weights()->table()->model()->rowCount(), 70);  // lm_head is outside a restricted range
    setFilter(ModuleFilter{.failingOnly = true});
    EXPECT_EQ(weights()->table()->model()->rowCount(), 7);  // layer 5 is out of tolerance
    setFilter(ModuleFilter{.text = QStringLiteral("layers.(3"), .regex = true});
    EXPECT_EQ(weights()->table()->model()->rowCount(), 0);
    EXPECT_FALSE(view.moduleFilter()->filter().errorText().isEmpty());
}

TEST_P(ScaleTest, FilterBarEditsTheSharedFilter) {
    QLineEdit* search = weights()->findChild<QLineEdit*>(QStringLiteral("moduleSearch"));
    ASSERT_TRUE(search);
    QTest::keyClicks(search, QStringLiteral("LAYERS.3.MLP"));
    EXPECT_EQ(view.moduleFilter()->filter().text, QStringLiteral("LAYERS.3.MLP"));
    EXPECT_EQ(weights()->table()->model()->rowCount(), 3);  // gate, up, down of layer 3 (not of 30..39)
}

// The Layer tab shows no filter, so its picker lists every module whatever the Weights tab filters:
// a module the type filter hides is still found by typing its name.
TEST_P(ScaleTest, ModulePickerListsEveryModuleWhateverTheWeightsFilter) {
    ModulePicker* picker = view.layer()->picker();
    setFilter(ModuleFilter{.projection = QStringLiteral("q_proj")});
    ASSERT_EQ(weights()->table()->model()->rowCount(), GetParam());  // the Weights tab is narrowed
    EXPECT_EQ(picker->listedCount(), static_cast<int>(modules().size()));
    EXPECT_EQ(picker->count(), static_cast<int>(modules().size()));
    picker->completer()->setCompletionPrefix(QStringLiteral("layers.2.mlp.down_proj"));
    ASSERT_EQ(picker->completer()->completionCount(), 1);
    QSignalSpy picked(picker, &ModulePicker::modulePicked);
    Q_EMIT picker->completer()->activated(picker->completer()->currentIndex());
    ASSERT_EQ(picked.count(), 1);
    EXPECT_EQ(view.layer()->currentModule(), moduleIndex("model.layers.2.mlp.down_proj"));
    EXPECT_EQ(picker->itemData(picker->currentIndex()).toInt(), moduleIndex("model.layers.2.mlp.down_proj"));
    setFilter(ModuleFilter{.failingOnly = true});
    EXPECT_EQ(picker->listedCount(), static_cast<int>(modules().size()));
}

TEST_P(ScaleTest, ModulePickerSearchesAnyPartOfTheName) {
    ModulePicker* picker = view.layer()->picker();
    ASSERT_TRUE(picker->isEditable());
    ASSERT_TRUE(picker->completer());
    EXPECT_EQ(picker->completer()->filterMode(), Qt::MatchContains);
    EXPECT_EQ(picker->completer()->caseSensitivity(), Qt::CaseInsensitive);
    picker->completer()->setCompletionPrefix(QStringLiteral("layers.31.mlp.DOWN"));
    EXPECT_EQ(picker->completer()->completionCount(), 1);
    EXPECT_TRUE(picker->completer()->currentCompletion().contains(QStringLiteral("model.layers.31.mlp.down_proj")));
    QSignalSpy picked(picker, &ModulePicker::modulePicked);
    Q_EMIT picker->completer()->activated(picker->completer()->currentIndex());
    ASSERT_EQ(picked.count(), 1);
    EXPECT_EQ(view.layer()->currentModule(), moduleIndex("model.layers.31.mlp.down_proj"));
}

TEST_P(ScaleTest, BarsStayAtLeastMinimumWidthAndScrollInsteadOfSqueezing) {
    showBars();
    QCustomPlot* plot = weights()->barPlot();
    const double pxPerBar = plot->xAxis->coordToPixel(1) - plot->xAxis->coordToPixel(0);
    // (y tick labels may change the axis rect's width by a few pixels after the range was chosen)
    EXPECT_GE(pxPerBar, 0.95 * ModuleBarChart::kMinBarPx);
    plot->xAxis->setRange(-1, modules().size() + 1.0);  // try to show every bar at once
    EXPECT_GE(plot->xAxis->coordToPixel(1) - plot->xAxis->coordToPixel(0), 0.95 * ModuleBarChart::kMinBarPx);
}

TEST_P(ScaleTest, BarLabelsNeverOverlapAndComeBackOnZoom) {
    showBars();
    QCustomPlot* plot = weights()->barPlot();
    auto* ticker = dynamic_cast<FittingTextTicker*>(plot->xAxis->ticker().data());
    ASSERT_TRUE(ticker);
    plot->replot();
    const QVector<double> ticks = plot->xAxis->tickVector();
    ASSERT_GE(ticks.size(), 2);
    const double spacing = plot->xAxis->coordToPixel(ticks[1]) - plot->xAxis->coordToPixel(ticks[0]);
    EXPECT_GE(spacing, QFontMetricsF(plot->xAxis->tickLabelFont()).height());
    plot->xAxis->setRange(9.5, 20.5);  // zoom in: every label returns
    plot->replot();
    EXPECT_EQ(ticker->step(), 1);
    EXPECT_EQ(plot->xAxis->tickVector().size(), 11);
}

TEST_P(ScaleTest, EachRotatedLabelSitsUnderItsOwnBar) {
    showBars();
    QCustomPlot* plot = weights()->barPlot();
    plot->xAxis->setRange(-0.6, 30.4);
    plot->replot();
    test::TextRecorder recorder(plot->size());
    QCPPainter painter(&recorder);
    plot->toPainter(&painter, plot->width(), plot->height());
    painter.end();
    int checked = 0;
    for (const test::RecordedText& text : recorder.texts()) {
        for (int bar = 0; bar <= 30; ++bar) {
            if (text.text !=
                QString::fromStdString("L" + std::to_string(modules()[weights()->moduleAtBar(bar)].layerIndex) + " " +
                                       modules()[weights()->moduleAtBar(bar)].layerType))
                continue;
            const double centre = text.box.boundingRect().center().x();
            const double tick = plot->xAxis->coordToPixel(bar);
            const double halfBar = (plot->xAxis->coordToPixel(1) - plot->xAxis->coordToPixel(0)) / 2;
            EXPECT_LT(std::fabs(centre - tick), halfBar) << text.text.toStdString();
            EXPECT_GT(text.box.boundingRect().height(), text.box.boundingRect().width());  // reads along the bar
            ++checked;
        }
    }
    EXPECT_GE(checked, 10);
}

TEST_P(ScaleTest, FirstAndLastBarsAreWhole) {
    setFilter(ModuleFilter{.text = QStringLiteral("layers\\.[0-4]\\.mlp\\.down_proj"), .regex = true});
    showBars();
    QCustomPlot* plot = weights()->barPlot();
    ASSERT_EQ(weights()->barChart()->barCount(), 5);
    EXPECT_GE(plot->xAxis->coordToPixel(-0.4), plot->axisRect()->left());
    EXPECT_LE(plot->xAxis->coordToPixel(4 + 0.4), plot->axisRect()->right());
}

TEST_P(ScaleTest, BarHoverNamesTheModuleAndClickLeavesColoursAlone) {
    showBars();
    QCustomPlot* plot = weights()->barPlot();
    const int module = weights()->moduleAtBar(4);
    const double value = modules()[module].diff.maxAbs;  // click inside the bar, halfway up it (log axis)
    const double middle = std::sqrt(value * plot->yAxis->range().lower);
    const QPoint pixel(static_cast<int>(plot->xAxis->coordToPixel(4)),
                       static_cast<int>(plot->yAxis->coordToPixel(middle)));
    const QString tip = weights()->barChart()->toolTipAt(pixel);
    EXPECT_TRUE(tip.contains(QString::fromStdString(modules()[module].module))) << tip.toStdString();
    QList<QColor> before;
    for (int i = 0; i < plot->plottableCount(); ++i) before << plot->plottable(i)->brush().color();
    QTest::mouseClick(plot, Qt::LeftButton, {}, pixel);
    EXPECT_EQ(view.layer()->currentModule(), module);
    EXPECT_TRUE(plot->selectedPlottables().isEmpty());  // a click drills down; it never selects a series
    for (int i = 0; i < plot->plottableCount(); ++i) {
        EXPECT_EQ(plot->plottable(i)->brush().color(), before[i]);
        EXPECT_FALSE(plot->plottable(i)->selected());
    }
}

TEST_P(ScaleTest, BitIdenticalModuleIsAMarkerNotABarOnLogAxes) {
    showBars();
    weights()->setLogScale(true);
    QCustomPlot* plot = weights()->barPlot();
    const int identical = moduleIndex("model.layers.0.self_attn.k_proj");
    const int bar = weights()->barChart()->barOfModule(identical);
    ASSERT_GE(bar, 0);
    for (int i = 0; i < plot->plottableCount(); ++i) {
        if (auto* bars = qobject_cast<QCPBars*>(plot->plottable(i))) {
            EXPECT_EQ(bars->data()->findBegin(bar - 0.1, false), bars->data()->findEnd(bar + 0.1, false))
                << "a bar at " << bar;
        }
    }
    QCPGraph* markers = plot->graph(0);
    ASSERT_TRUE(markers);
    EXPECT_NE(markers->data()->findBegin(bar - 0.1, false), markers->data()->findEnd(bar + 0.1, false));
}

TEST_P(ScaleTest, SqnrIsNeverOnALogAxis) {
    showBars();
    weights()->setLogScale(true);
    weights()->setMetric(WeightsPage::Metric::Sqnr);
    EXPECT_EQ(weights()->barPlot()->yAxis->scaleType(), QCPAxis::stLinear);
    weights()->setMetric(WeightsPage::Metric::MaxAbs);
    EXPECT_EQ(weights()->barPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
}

TEST_P(ScaleTest, LegendsSitOutsideTheData) {
    showBars();
    for (QCustomPlot* plot : {weights()->barPlot(), weights()->heatPlot()}) {
        plot->replot();
        EXPECT_FALSE(plot->legend->outerRect().intersects(plot->axisRect()->rect()))
            << plot->objectName().toStdString();
    }
}

TEST_P(ScaleTest, BackAndForwardRetraceDrillDowns) {
    const int first = moduleIndex("model.layers.1.self_attn.q_proj"),
              second = moduleIndex("model.layers.9.mlp.up_proj");
    QTest::mouseClick(weights()->heatPlot(), Qt::LeftButton, {}, weights()->heatMap()->cellCentre(first).toPoint());
    ASSERT_EQ(view.layer()->currentModule(), first);
    view.layer()->selectModule(second);
    EXPECT_TRUE(view.canGoBack());
    view.goBack();
    EXPECT_EQ(view.layer()->currentModule(), first);
    view.goBack();
    EXPECT_EQ(view.currentWidget(), weights());
    EXPECT_TRUE(view.canGoForward());
    view.goForward();
    EXPECT_EQ(view.currentWidget(), view.layer());
    EXPECT_EQ(view.layer()->currentModule(), first);
    view.goForward();
    EXPECT_EQ(view.layer()->currentModule(), second);
    EXPECT_FALSE(view.canGoForward());
}

TEST_P(ScaleTest, ResetZoomShowsTheWholeHeatMapAgain) {
    QCustomPlot* plot = weights()->heatPlot();
    plot->xAxis->setRange(10, 15);
    weights()->resetZoom();
    EXPECT_DOUBLE_EQ(plot->xAxis->range().lower, -0.5);
    EXPECT_DOUBLE_EQ(plot->xAxis->range().upper, GetParam() + 1 - 0.5);
}

INSTANTIATE_TEST_SUITE_P(Layers, ScaleTest, ::testing::Values(36, 80), [](const ::testing::TestParamInfo<int>& info) {
    return std::to_string(test::scaleModules(info.param)) + "modules";
});

}  // namespace
}  // namespace ql::ui
