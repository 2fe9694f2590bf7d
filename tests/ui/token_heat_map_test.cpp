// The activations' token × layer heat map on data handed to it directly (reports carry the
// per-token divergence from schema v2 on): hover gives layer, position, token text and value;
// exact zeros are the identical colour, not a log-scale value; a click picks the position.
#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>
#include <cmath>

#include "ui/plots/qcp.h"
#include "ui/plots/token_layer_heat_map.h"

namespace ql::ui {
namespace {

TEST(TokenLayerHeatMap, HoverNamesLayerTokenAndValueAndAClickPicksThePosition) {
    QCustomPlot plot;
    plot.resize(900, 400);
    plot.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&plot));
    TokenLayerHeatMap heat(&plot);
    const std::vector<std::vector<double>> values{{0.0, 0.25, 0.5, 1.0}, {0.0, 0.0, 2.0, 4.0}, {1e-3, 8.0, 16.0, 32.0}};
    heat.setData(values, {0, 1, 2},
                 {QStringLiteral("The"), QStringLiteral(" quick"), QStringLiteral(" brown"), QStringLiteral(" fox")},
                 {0, 2});
    plot.replot();
    ASSERT_TRUE(heat.hasData());
    const QPointF cell(plot.xAxis->coordToPixel(2), plot.yAxis->coordToPixel(1));  // layer 1, position 2
    const QString tip = heat.toolTipAt(cell);
    EXPECT_TRUE(tip.contains(QStringLiteral("layer 1, position 2"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("“ brown”"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("relative L2 2"))) << tip.toStdString();
    QCPColorMap* values_ = nullptr;
    QCPColorMap* zeros = nullptr;
    for (int i = 0; i < plot.plottableCount(); ++i) {
        if (auto* map = qobject_cast<QCPColorMap*>(plot.plottable(i))) (zeros ? values_ : zeros) = map;
    }
    ASSERT_TRUE(zeros && values_);
    EXPECT_FALSE(std::isnan(zeros->data()->cell(0, 0)));   // exact zero: the identical colour
    EXPECT_TRUE(std::isnan(values_->data()->cell(0, 0)));  // and not on the log scale
    EXPECT_DOUBLE_EQ(values_->data()->cell(3, 2), 32.0);
    QSignalSpy picked(&heat, &TokenLayerHeatMap::positionClicked);
    QTest::mouseClick(&plot, Qt::LeftButton, {}, cell.toPoint());
    ASSERT_EQ(picked.count(), 1);
    EXPECT_EQ(picked.at(0).at(0).toInt(), 2);
}

TEST(TokenLayerHeatMap, WithoutDataItSaysWhy) {
    QCustomPlot plot;
    TokenLayerHeatMap heat(&plot);
    heat.setData({}, {}, {QStringLiteral("#54")}, {});
    EXPECT_FALSE(heat.hasData());
    EXPECT_TRUE(heat.toolTipAt(QPointF(100, 100)).isEmpty());
    QString message;
    for (int i = 0; i < plot.itemCount(); ++i) {
        auto* text = qobject_cast<QCPItemText*>(plot.item(i));
        if (text && text->visible())
            message += QString(text->text()).replace(QLatin1Char('\n'), QLatin1Char(' '));  // wrapped to the plot
    }
    EXPECT_TRUE(message.contains(QStringLiteral("no per-token divergence"))) << message.toStdString();
}

}  // namespace
}  // namespace ql::ui
