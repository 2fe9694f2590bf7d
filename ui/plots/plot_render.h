// Drawing a plot at a size other than its on-screen one (exports). QCustomPlot computes the tick
// vectors before it lays out the new size, so tickers that depend on the axis length (fitting text
// labels, log decades) would use the old size; renderPlot lays the plot out at the target size
// first, then draws it.
#pragma once

class QCustomPlot;
class QCPPainter;

namespace ql::ui {

void renderPlot(QCustomPlot* plot, QCPPainter* painter, int width, int height);

}  // namespace ql::ui
