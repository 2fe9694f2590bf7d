// Draws a log-binned |Δ| histogram (report Histogram) as a filled step curve on log-log axes.
// Empty bins are drawn at 0.5 so the log axis can show them; exact zeros are listed in the legend.
#pragma once

#include <QColor>
#include <QString>

class QCustomPlot;

namespace ql {
struct Histogram;
}

namespace ql::ui {

void drawAbsDiffHistogram(QCustomPlot* plot, const Histogram& histogram, const QColor& colour, const QString& name);

}  // namespace ql::ui
