// Saving one plot: PNG at a chosen DPI (HiDPI-correct: pixel size = logical size × dpi/96, the DPI
// is written into the file), SVG and PDF as vectors; copying a plot to the clipboard.
#pragma once

#include <quantlens/result.h>

#include <QString>

class QCustomPlot;

namespace ql::ui {

inline constexpr int kDefaultExportDpi = 192;

// Format from the suffix of `path` (.png, .svg, .pdf). Never a partial file on failure.
Status exportPlot(QCustomPlot* plot, const QString& path, int dpi = kDefaultExportDpi);
void copyPlotToClipboard(QCustomPlot* plot, int dpi = kDefaultExportDpi);

}  // namespace ql::ui
