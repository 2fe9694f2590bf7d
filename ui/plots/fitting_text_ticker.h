// Text tick labels at integer positions (bars, heat-map columns) that never overlap: at every
// replot the ticker keeps every k-th label, k the smallest of 1, 2, 5, 10, 20, ... whose spacing on
// screen fits one label. Zooming in therefore brings the hidden labels back, and exports laid out
// at another size refit too. QCustomPlot computes ticks before it lays out a new size, so when the
// axis length changed in a replot, the ticker asks for one more (queued) replot.
#pragma once

#include <QFont>
#include <QMetaObject>
#include <QString>
#include <QVector>

#include "ui/plots/qcp.h"

namespace ql::ui {

class FittingTextTicker : public QCPAxisTicker {
public:
    // `labelsAlongAxis`: the labels read along the axis (horizontal labels on a bottom axis) so the
    // widest label sets the spacing; false for labels rotated by ±90°, where the line height does.
    FittingTextTicker(QCPAxis* axis, bool labelsAlongAxis);
    ~FittingTextTicker() override;

    void setLabels(const QVector<QString>& labels);  // label i sits at position i
    const QVector<QString>& labels() const { return m_labels; }
    int step() const { return m_step; }  // the k of the last layout

protected:
    double getTickStep(const QCPRange& range) override;
    int getSubTickCount(double tickStep) override;
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override;
    QVector<double> createTickVector(double tickStep, const QCPRange& range) override;

private:
    double labelExtentPx() const;

    QCPAxis* m_axis;
    bool m_labelsAlongAxis;
    double m_pixelsUsed = 0;  // the axis length the last step was chosen for (may be negative while tiny)
    QMetaObject::Connection m_relayout;
    QVector<QString> m_labels;
    int m_step = 1;
};

}  // namespace ql::ui
