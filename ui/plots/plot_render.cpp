#include "ui/plots/plot_render.h"

#include "ui/plots/plot_style.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

void renderPlot(QCustomPlot* plot, QCPPainter* painter, int width, int height) {
    const QRect screen = plot->viewport();
    plot->setViewport(QRect(0, 0, width, height));
    // The legend follows the plot's entries on replot; a plot never shown has not replotted since
    // its data was set (the command line's exports), so the legend is synced here, at this width.
    plotStyle::syncLegend(plot);
    // Two layout passes: the first sizes the axis rects, the second recomputes the ticks (and so
    // the tick-label margins) for those sizes.
    for (int pass = 0; pass < 2; ++pass) {
        for (auto phase : {QCPLayoutElement::upPreparation, QCPLayoutElement::upMargins, QCPLayoutElement::upLayout}) {
            plot->plotLayout()->update(phase);
        }
    }
    plot->setViewport(screen);
    plot->toPainter(painter, width, height);
}

}  // namespace ql::ui
