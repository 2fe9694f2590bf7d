#include "ui/plots/plot_pointer.h"

#include <QMouseEvent>
#include <QToolTip>

#include "ui/plots/qcp.h"

namespace ql::ui {

namespace {
constexpr double kClickSlopPx = 4.0;  // a press and release this close are a click, not a drag
}

PlotPointer::PlotPointer(QCustomPlot* plot, HitTest hitTest, ToolTip toolTip)
    : QObject(plot), m_plot(plot), m_hitTest(std::move(hitTest)), m_toolTip(std::move(toolTip)) {
    plot->setMouseTracking(true);
    connect(plot, &QCustomPlot::mouseMove, this, &PlotPointer::onMove);
    connect(plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) { m_pressPos = event->position(); });
    connect(plot, &QCustomPlot::mouseRelease, this, &PlotPointer::onRelease);
}

void PlotPointer::onMove(QMouseEvent* event) {
    const QString text = m_toolTip(event->position());
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
}

void PlotPointer::onRelease(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || (event->position() - m_pressPos).manhattanLength() > kClickSlopPx) return;
    const int id = m_hitTest(event->position());
    if (id >= 0) Q_EMIT clicked(id);
}

}  // namespace ql::ui
