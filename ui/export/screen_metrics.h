// Metrics of a paint device that is `size` pixels at 96 DPI, like a screen without scaling: what
// the drawing devices of the exports (and of the tests that inspect them) report to QPainter, so
// that fonts in points map to the same pixels as on screen.
#pragma once

#include <QPaintDevice>
#include <QSize>

namespace ql::ui {

int screenMetric(QPaintDevice::PaintDeviceMetric metric, const QSize& size);

}  // namespace ql::ui
