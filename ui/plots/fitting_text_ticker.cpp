#include "ui/plots/fitting_text_ticker.h"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace ql::ui {

namespace {
constexpr double kGapPx = 4.0;  // free space between neighbouring labels

int niceStepAtLeast(double minimum) {
    for (int decade = 1;; decade *= 10) {
        for (int mantissa : {1, 2, 5}) {
            if (mantissa * decade >= minimum) return mantissa * decade;
        }
        if (decade > 100000000) return decade;
    }
}
}  // namespace

FittingTextTicker::FittingTextTicker(QCPAxis* axis, bool labelsAlongAxis)
    : m_axis(axis), m_labelsAlongAxis(labelsAlongAxis) {
    QCustomPlot* plot = axis->parentPlot();
    m_relayout = QObject::connect(plot, &QCustomPlot::afterLayout, axis, [this, plot] {
        const double pixels =
            m_axis->orientation() == Qt::Horizontal ? m_axis->axisRect()->width() : m_axis->axisRect()->height();
        if (pixels != m_pixelsUsed && m_axis->ticker().data() == this) plot->replot(QCustomPlot::rpQueuedReplot);
    });
}

FittingTextTicker::~FittingTextTicker() {
    QObject::disconnect(m_relayout);
}

void FittingTextTicker::setLabels(const QVector<QString>& labels) {
    m_labels = labels;
}

double FittingTextTicker::labelExtentPx() const {
    const QFontMetricsF metrics(m_axis->tickLabelFont());
    if (!m_labelsAlongAxis) return metrics.height() + kGapPx;
    double widest = 0;
    for (const QString& label : m_labels) {
        for (const QString& line : label.split(QLatin1Char('\n')))
            widest = std::max(widest, metrics.horizontalAdvance(line));
    }
    return widest + 2 * kGapPx;
}

double FittingTextTicker::getTickStep(const QCPRange& range) {
    const double pixels =
        m_axis->orientation() == Qt::Horizontal ? m_axis->axisRect()->width() : m_axis->axisRect()->height();
    m_pixelsUsed = pixels;
    const double pixelsPerUnit = pixels > 0 && range.size() > 0 ? pixels / range.size() : 1.0;
    m_step = niceStepAtLeast(labelExtentPx() / pixelsPerUnit);
    return m_step;
}

int FittingTextTicker::getSubTickCount(double) {
    return 0;
}

QString FittingTextTicker::getTickLabel(double tick, const QLocale&, QChar, int) {
    const int index = static_cast<int>(std::lround(tick));
    return index >= 0 && index < m_labels.size() ? m_labels[index] : QString();
}

QVector<double> FittingTextTicker::createTickVector(double tickStep, const QCPRange& range) {
    QVector<double> ticks;
    const int step = std::max(1, static_cast<int>(std::lround(tickStep)));
    const int first = std::max(0, static_cast<int>(std::ceil(range.lower)));
    const int last = std::min(static_cast<int>(m_labels.size()) - 1, static_cast<int>(std::floor(range.upper)));
    for (int i = first + (step - first % step) % step; i <= last; i += step) ticks.append(i);
    return ticks;
}

}  // namespace ql::ui
