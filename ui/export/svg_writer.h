// Plots as SVG that look like the screen. Qt's SVG generator (Qt 6.4) ignores clipping, and
// QCustomPlot relies on it: a bar whose base sits below a log axis, a zoomed curve or a colour map
// would be drawn across the axis labels. plotToSvg records the plot's drawing through a paint
// engine that applies each clip geometrically (shapes are intersected with the clip rectangle,
// text and images are cut or dropped) before handing it to QSvgGenerator.
#pragma once

#include <QByteArray>
#include <QSize>

class QCustomPlot;

namespace ql::ui {

// The plot laid out at `size` (logical pixels at 96 DPI, fonts as on screen) as an SVG document.
QByteArray plotToSvg(QCustomPlot* plot, const QSize& size);

}  // namespace ql::ui
