#include "ui/export/screen_metrics.h"

#include <climits>

namespace ql::ui {

int screenMetric(QPaintDevice::PaintDeviceMetric metric, const QSize& size) {
    switch (metric) {
        case QPaintDevice::PdmWidth:
            return size.width();
        case QPaintDevice::PdmHeight:
            return size.height();
        case QPaintDevice::PdmWidthMM:
            return qRound(size.width() * 25.4 / 96.0);
        case QPaintDevice::PdmHeightMM:
            return qRound(size.height() * 25.4 / 96.0);
        case QPaintDevice::PdmNumColors:
            return INT_MAX;
        case QPaintDevice::PdmDepth:
            return 32;
        case QPaintDevice::PdmDpiX:
        case QPaintDevice::PdmDpiY:
        case QPaintDevice::PdmPhysicalDpiX:
        case QPaintDevice::PdmPhysicalDpiY:
            return 96;
        case QPaintDevice::PdmDevicePixelRatio:
            return 1;
        case QPaintDevice::PdmDevicePixelRatioScaled:
            return static_cast<int>(QPaintDevice::devicePixelRatioFScale());
    }
    return 0;
}

}  // namespace ql::ui
