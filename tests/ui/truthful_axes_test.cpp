// Axes that tell the truth (issue 21): the drawn geometry read back against the data. Bars reach
// their value on log and on zoomed linear axes (pixels of the rendered plot, not only the data the
// bars hold); the first view of the bars shows every bar its label counts, also when the report
// arrived while another tab was current; no axis of any plot prints the same tick label twice.
#include <gtest/gtest.h>

#include <QImage>
#include <QSet>
#include <QTest>
#include <algorithm>
#include <cmath>

#include "sample_report.h"
#include "ui/main_window.h"
#include "ui/models/module_filter.h"
#include "ui/pages/overview_page.h"
#include "ui/pages/report_page.h"
#include "ui/pages/weights_page.h"
#include "ui/plots/group_error_plot.h"
#include "ui/plots/module_bar_chart.h"
#include "ui/plots/module_metric.h"
#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"

namespace ql::ui {
namespace {

bool near(const QColor& a, const QColor& b) {
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue()) < 40;
}

// The top pixel row of the bar drawn at `bar`: the first pixel from the axis rect's top, down its
// centre column, in the bar's fill or outline colour; -1 when none.
int drawnBarTop(QCustomPlot* plot, int bar) {
    const QImage image = plot->toPixmap(plot->width(), plot->height(), 1.0).toImage();
    const int x = static_cast<int>(std::lround(plot->xAxis->coordToPixel(bar)));
    for (int y = plot->axisRect()->top(); y <= plot->axisRect()->bottom(); ++y) {
        const QColor colour = image.pixelColor(x, y);
        for (const QColor& bars : {plotStyle::kPass, plotStyle::kFail}) {
            if (near(colour, bars) || near(colour, bars.darker(120))) return y;
        }
    }
    return -1;
}

class BarGeometry : public ::testing::Test {
protected:
    void SetUp() override {
        view.resize(1280, 800);
        view.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
        view.setReport(test::scaleReportPtr(4));
        view.setCurrentWidget(view.weights());
        view.weights()->setView(WeightsPage::View::Bars);
        QTest::qWait(20);
        plot()->replot();
    }
    QCustomPlot* plot() const { return view.weights()->barPlot(); }
    double valueAt(int bar) const {
        return metricValue(view.report()->weights->modules[view.weights()->barChart()->moduleAtBar(bar)],
                           ModuleMetric::MaxAbs);
    }
    // Every bar in view whose value lies inside the y range is drawn with its top at the value.
    void expectBarsAtTheirValues() {
        plot()->replot();
        int checked = 0;
        const QCPRange y = plot()->yAxis->range();
        for (int bar = 0; bar < view.weights()->barChart()->barCount() && bar <= plot()->xAxis->range().upper; ++bar) {
            const double value = valueAt(bar);
            if (!(value > y.lower && value < y.upper) || value == 0) continue;
            if (plot()->axisRect()->bottom() - plot()->yAxis->coordToPixel(value) < 4) continue;  // too short to find
            const int top = drawnBarTop(plot(), bar);
            EXPECT_NEAR(top, plot()->yAxis->coordToPixel(value), 1.5) << "bar " << bar << " of value " << value;
            ++checked;
        }
        EXPECT_GE(checked, 10);
    }
    ReportView view;
};

TEST_F(BarGeometry, OnALogAxisEachBarEndsAtItsValue) {
    view.weights()->setLogScale(true);
    ASSERT_EQ(plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    expectBarsAtTheirValues();
}

TEST_F(BarGeometry, OnALinearAxisWhoseFloorIsAboveZeroEachBarEndsAtItsValue) {
    view.moduleFilter()->setFilter(ModuleFilter{.text = QStringLiteral("mlp")});  // values of one order, no lm_head
    view.weights()->setLogScale(false);
    ASSERT_EQ(plot()->yAxis->scaleType(), QCPAxis::stLinear);
    expectBarsAtTheirValues();
    double low = INFINITY, high = 0;
    for (int bar = 0; bar < view.weights()->barChart()->barCount(); ++bar) {
        if (valueAt(bar) > 0) low = std::min(low, valueAt(bar)), high = std::max(high, valueAt(bar));
    }
    plot()->yAxis->setRange(low * 0.5, high * 1.1);  // as a vertical drag leaves it
    expectBarsAtTheirValues();
}

// The report arrives while the Overview is current (as after a run): the Weights tab, opened
// later, shows as many bars as its axis title counts.
TEST(BarView, TheFirstViewShowsEveryBarTheLabelCounts) {
    MainWindow window([](const VerifyRequest&) -> VerifyJob { return {}; });
    window.resize(1280, 800);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    ReportView* view = window.reportView();
    view->setCurrentWidget(view->overview());
    window.showReport(test::scaleReportPtr(4));
    QTest::qWait(20);
    view->setCurrentWidget(view->weights());
    view->weights()->setView(WeightsPage::View::Bars);
    QCustomPlot* plot = view->weights()->barPlot();
    for (int i = 0; i < 3; ++i) {
        plot->replot();
        QTest::qWait(10);
    }
    const int bars = view->weights()->barChart()->barCount();
    ASSERT_EQ(bars, test::scaleModules(4));
    EXPECT_TRUE(plot->xAxis->label().contains(QStringLiteral("%1 shown").arg(bars)))
        << plot->xAxis->label().toStdString();
    EXPECT_LE(plot->xAxis->range().lower, -0.4);
    EXPECT_GE(plot->xAxis->range().upper, bars - 1 + 0.4) << "the view ends at bar " << plot->xAxis->range().upper;
}

// The per-group colour bar spans the module shown: not the previous module's range when every
// cell is equal, and no scale at all for a bit-identical module.
TEST(GroupColourScale, FollowsTheModuleShown) {
    QCustomPlot plot;
    plot.resize(600, 400);
    GroupErrorPlot heat(&plot);
    const VerifyReport report = test::scaleReport(2);
    const WeightModuleResult& differing = report.weights->modules[0];
    heat.setModule(&differing);
    QCPColorScale* scale = nullptr;
    for (QCPLayoutElement* element : plot.plotLayout()->elements(true)) {
        if (auto* s = qobject_cast<QCPColorScale*>(element)) scale = s;
    }
    ASSERT_TRUE(scale);
    const auto [low, high] =
        std::minmax_element(differing.groupError.maxAbs.begin(), differing.groupError.maxAbs.end());
    EXPECT_DOUBLE_EQ(scale->dataRange().upper, *high);
    EXPECT_DOUBLE_EQ(scale->dataRange().lower, *low);
    WeightModuleResult uniform = differing;
    std::fill(uniform.groupError.maxAbs.begin(), uniform.groupError.maxAbs.end(), 0.25f);
    heat.setModule(&uniform);
    EXPECT_TRUE(scale->visible());
    EXPECT_DOUBLE_EQ(scale->dataRange().lower, 0);
    EXPECT_DOUBLE_EQ(scale->dataRange().upper, 0.25);
    const WeightModuleResult& identical = report.weights->modules[1];  // layer 0's k_proj: bit-identical
    ASSERT_EQ(identical.diff.maxAbs, 0);
    heat.setModule(&identical);
    EXPECT_FALSE(scale->visible());
    bool said = false;
    for (int i = 0; i < plot.itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(plot.item(i)); text && text->visible())
            said = text->text().contains(QStringLiteral("identical"));
    }
    EXPECT_TRUE(said);
    heat.setModule(&differing);
    EXPECT_TRUE(scale->visible());
    EXPECT_DOUBLE_EQ(scale->dataRange().upper, *high);
}

QList<QCPAxis*> labelledAxes(QCustomPlot* plot) {
    QList<QCPAxis*> axes;
    for (QCPAxis* axis : plot->axisRect()->axes()) {
        if (axis->visible() && axis->tickLabels()) axes << axis;
    }
    for (QCPLayoutElement* element : plot->plotLayout()->elements(true)) {
        if (auto* scale = qobject_cast<QCPColorScale*>(element); scale && scale->visible()) axes << scale->axis();
    }
    return axes;
}

struct Fixture {
    const char* name;
    std::shared_ptr<const VerifyReport> report;
};

class TickLabels : public ::testing::TestWithParam<int> {};

TEST_P(TickLabels, NoAxisPrintsTheSameLabelTwice) {
    const std::vector<Fixture> fixtures = {
        {"identical", std::make_shared<const VerifyReport>(test::identicalReport(4))},
        {"failing", std::make_shared<const VerifyReport>(test::allFailingReport())},
        {"sample", test::sampleReportPtr()},
        {"scale253", test::scaleReportPtr(36)},
    };
    const Fixture& fixture = fixtures[GetParam()];
    ReportView view;
    view.resize(1280, 800);
    view.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
    view.setReport(fixture.report);
    for (int tab = 0; tab < view.count(); ++tab) {
        view.setCurrentIndex(tab);
        QTest::qWait(10);
        ReportPage* page = view.pages()[tab];
        for (QCustomPlot* plot : page->plots()) {
            if (!plot->isVisible()) continue;
            plot->replot();
            for (QCPAxis* axis : labelledAxes(plot)) {
                QStringList labels;
                for (const QString& label : axis->tickVectorLabels()) {
                    if (!label.isEmpty()) labels << label;  // a ticker may leave a tick unlabelled
                }
                EXPECT_EQ(QSet<QString>(labels.begin(), labels.end()).size(), labels.size())
                    << fixture.name << " " << page->title().toStdString() << " " << plot->objectName().toStdString()
                    << ": " << labels.join(QStringLiteral(" | ")).toStdString();
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, TickLabels, ::testing::Range(0, 4));

// Within less than two decades the log ticker's ticks are linear (0.5, 1, 1.5, … 3: an |Δ|
// histogram of identical data); at the decades' precision they all read 5·10⁻¹, 1·10⁰, 2·10⁰ …
TEST(LogAxis, WithinADecadeEachTickIsLabelledOnce) {
    QCustomPlot plot;
    plot.resize(400, 300);
    plotStyle::setLogY(&plot, true);
    plot.yAxis->setRange(0.5, 3);
    plot.replot();
    const QVector<QString> labels = plot.yAxis->tickVectorLabels();
    ASSERT_GE(labels.size(), 3);
    EXPECT_EQ(QSet<QString>(labels.begin(), labels.end()).size(), labels.size())
        << QStringList(labels.begin(), labels.end()).join(QStringLiteral(" | ")).toStdString();
}

}  // namespace
}  // namespace ql::ui
