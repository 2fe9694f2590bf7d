// One look for every plot: fonts, colours, axis titles, interactions, legends outside the data,
// and the empty-state text.
#pragma once

#include <QColor>
#include <QList>
#include <QString>

class QCustomPlot;
class QCPAbstractLegendItem;
class QCPAxis;
class QCPLegend;
class QCPColorMap;
class QCPColorScale;
class QCPColorGradient;
class QWidget;

namespace ql::ui::plotStyle {

inline const QColor kPass{0x2e, 0x7d, 0x32};         // green: within tolerance
inline const QColor kFail{0xc6, 0x28, 0x28};         // red: out of tolerance / differing
inline const QColor kPrimary{0x15, 0x65, 0xc0};      // blue: the main series
inline const QColor kSecondary{0xef, 0x6c, 0x00};    // orange: the second series
inline const QColor kNeutral{0x75, 0x75, 0x75};      // grey: reference lines, grid marks
inline const QColor kIdentical{0xa5, 0xd6, 0xa7};    // light green: bit-identical cells (no value on the scale)
inline const QColor kMissingCell{0xee, 0xee, 0xee};  // light grey: no module there, or filtered out
inline const QColor kHighlight{0x00, 0x00, 0x00};    // outline of the module linked to the table's selection

// A new plot with the house style: drag/zoom on both axes, nothing selectable (a click drills
// down, it never recolours a series), a small legend font, white background.
QCustomPlot* makePlot(QWidget* parent, const QString& objectName);

// Axis titles (with units) and the plot title shown above the axis rect.
void setTitles(QCustomPlot* plot, const QString& title, const QString& xLabel, const QString& yLabel);

// Shows `message` centred in the plot when it has no data (and clears it otherwise).
void setEmptyMessage(QCustomPlot* plot, const QString& message);

// A log axis whose tick labels are decades (10⁻³) and never repeat, also when zoomed into less
// than a decade (where the ticks are linear: 2.5·10⁰, 3·10⁰).
void setLogAxis(QCPAxis* axis);
// Log or linear y axis with readable tick labels.
void setLogY(QCustomPlot* plot, bool logarithmic);
// Tick labels for a log-scaled axis over [low, high]: decades (10⁻³, 10⁻²) when the range spans
// two or more, else plain numbers (a log ticker within one decade would print "10⁰" twice).
void setLogTicks(QCPAxis* axis, double low, double high);

// The legend's entries, in order. QCPLegend::itemCount() counts the cells of its grid, and a
// wrapped legend (4 entries, 3 a row) has empty cells, for which item(i) is null: iterate these.
QList<QCPAbstractLegendItem*> legendEntries(const QCPLegend* legend);

// Moves the legend out of the axis rect into a row of its own under the title, laid out in
// columns, so it never covers bars or peaks. Idempotent.
void placeLegendAbove(QCustomPlot* plot);
// Brings a placeLegendAbove legend in line with its current entries and the plot's viewport width
// (in its row above the axis rect when it has entries, hidden otherwise). Runs before every replot;
// exports call it too, since a plot that was never shown (a headless export) has never replotted.
// No effect on other plots.
void syncLegend(QCustomPlot* plot);

// A legend entry that is only a coloured square (for marks that are not plottables).
void addLegendSwatch(QCustomPlot* plot, const QColor& colour, const QString& name);

// A colour scale right of the axis rect for `map`, aligned with it, in the error colours.
QCPColorScale* attachColorScale(QCustomPlot* plot, QCPColorMap* map, const QString& label);

// Colour ramp for error magnitudes: pale yellow (small) through orange and red to dark red (large).
QCPColorGradient errorGradient();

}  // namespace ql::ui::plotStyle
