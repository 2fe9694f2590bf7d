// One look for every plot: fonts, colours, axis titles, interactions, and the empty-state text.
#pragma once

#include <QColor>
#include <QString>

class QCustomPlot;
class QWidget;

namespace ql::ui::plotStyle {

inline const QColor kPass{0x2e, 0x7d, 0x32};      // green: within tolerance
inline const QColor kFail{0xc6, 0x28, 0x28};      // red: out of tolerance / differing
inline const QColor kPrimary{0x15, 0x65, 0xc0};   // blue: the main series
inline const QColor kSecondary{0xef, 0x6c, 0x00}; // orange: the second series
inline const QColor kNeutral{0x75, 0x75, 0x75};   // grey: reference lines, grid marks

// A new plot with the house style: drag/zoom on both axes, a small legend font, white background.
QCustomPlot* makePlot(QWidget* parent, const QString& objectName);

// Axis titles (with units) and the plot title shown above the axis rect.
void setTitles(QCustomPlot* plot, const QString& title, const QString& xLabel, const QString& yLabel);

// Shows `message` centred in the plot when it has no data (and clears it otherwise).
void setEmptyMessage(QCustomPlot* plot, const QString& message);

// Log or linear y axis with readable tick labels.
void setLogY(QCustomPlot* plot, bool logarithmic);

}  // namespace ql::ui::plotStyle
