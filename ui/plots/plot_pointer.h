// Hover and click on the marks of a plot: shows the tooltip `toolTipAt` gives for the pointer
// position and emits clicked(id) when the left button is pressed and released on the same spot
// (a drag pans the plot instead). Both callbacks take the pointer position in plot pixels.
#pragma once

#include <QObject>
#include <QPointF>
#include <QString>
#include <functional>

class QCustomPlot;
class QMouseEvent;

namespace ql::ui {

class PlotPointer : public QObject {
    Q_OBJECT
public:
    using HitTest = std::function<int(const QPointF&)>;      // id under the pointer, -1 for none
    using ToolTip = std::function<QString(const QPointF&)>;  // empty: no tooltip

    PlotPointer(QCustomPlot* plot, HitTest hitTest, ToolTip toolTip);

Q_SIGNALS:
    void clicked(int id);

private:
    void onMove(QMouseEvent* event);
    void onRelease(QMouseEvent* event);

    QCustomPlot* m_plot;
    HitTest m_hitTest;
    ToolTip m_toolTip;
    QPointF m_pressPos;
};

}  // namespace ql::ui
