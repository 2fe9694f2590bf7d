#include "ui/plots/plot_style.h"

#include <QFontMetricsF>
#include <algorithm>
#include <vector>

#include "ui/plots/qcp.h"

namespace ql::ui::plotStyle {

namespace {
const char* kEmptyItemName = "ql_empty_message";
const char* kTitleElementName = "ql_title";

// A log ticker whose labels never repeat. Over less than about 1.6 decades QCPAxisTickerLog falls
// back to linear ticks (2.5, 3, 3.5), which the log axes' "eb" format at precision 0 would all
// print as "3·10⁰": the precision grows until neighbouring labels differ.
class UniqueLabelLogTicker : public QCPAxisTickerLog {
protected:
    QVector<QString> createLabelVector(const QVector<double>& ticks, const QLocale& locale, QChar formatChar,
                                       int precision) override {
        QVector<QString> labels = QCPAxisTickerLog::createLabelVector(ticks, locale, formatChar, precision);
        for (int extra = 1; extra <= 6 && !unique(labels); ++extra) {
            labels = QCPAxisTickerLog::createLabelVector(ticks, locale, formatChar, precision + extra);
        }
        return labels;
    }

private:
    static bool unique(QVector<QString> labels) {
        std::sort(labels.begin(), labels.end());
        return std::adjacent_find(labels.begin(), labels.end()) == labels.end();
    }
};

QCPTextElement* titleElement(QCustomPlot* plot) {
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
        auto* element = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i));
        if (element && element->objectName() == QLatin1String(kTitleElementName)) {
            return element;
        }
    }
    return nullptr;
}
}  // namespace

QCustomPlot* makePlot(QWidget* parent, const QString& objectName) {
    auto* plot = new QCustomPlot(parent);
    plot->setObjectName(objectName);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setMinimumHeight(220);
    QFont legendFont = plot->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
    plot->legend->setFont(legendFont);
    plot->legend->setBrush(QColor(255, 255, 255, 220));
    plot->legend->setBorderPen(Qt::NoPen);
    plot->setNoAntialiasingOnDrag(true);
    return plot;
}

void setTitles(QCustomPlot* plot, const QString& title, const QString& xLabel, const QString& yLabel) {
    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(yLabel);
    QCPTextElement* element = titleElement(plot);
    if (!element) {
        plot->plotLayout()->insertRow(0);
        QFont font = plot->font();
        font.setBold(true);
        element = new QCPTextElement(plot, title, font);
        element->setObjectName(QString::fromLatin1(kTitleElementName));
        element->setMargins(QMargins(4, 4, 4, 0));
        plot->plotLayout()->addElement(0, 0, element);
        plot->plotLayout()->setRowStretchFactor(0, 0.01);
    }
    element->setText(title);
}

namespace {
constexpr const char* kMessageProperty = "ql_message";  // the empty-state text before wrapping

// Greedy word wrap of `text` into lines no wider than `width` px (a longer word keeps its own line).
QString wrapToWidth(const QString& text, const QFont& font, double width) {
    const QFontMetricsF metrics(font);
    QStringList lines;
    QString line;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString candidate = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
        if (!line.isEmpty() && metrics.horizontalAdvance(candidate) > width) {
            lines << line;
            line = word;
        } else {
            line = candidate;
        }
    }
    if (!line.isEmpty()) lines << line;
    return lines.join(QLatin1Char('\n'));
}

void rewrapEmptyMessage(QCustomPlot* plot, QCPItemText* item) {
    const double width = std::max(60, plot->axisRect()->width() - 16);
    item->setText(wrapToWidth(item->property(kMessageProperty).toString(), item->font(), width));
}
}  // namespace

// The message is wrapped to the axis rect's width at every layout, so a narrow pane never clips it.
void setEmptyMessage(QCustomPlot* plot, const QString& message) {
    QCPItemText* item = nullptr;
    for (int i = 0; i < plot->itemCount(); ++i) {
        auto* text = qobject_cast<QCPItemText*>(plot->item(i));
        if (text && text->objectName() == QLatin1String(kEmptyItemName)) {
            item = text;
        }
    }
    if (!item) {
        item = new QCPItemText(plot);
        item->setObjectName(QString::fromLatin1(kEmptyItemName));
        item->position->setType(QCPItemPosition::ptAxisRectRatio);
        item->position->setCoords(0.5, 0.5);
        item->setColor(kNeutral);
        item->setSelectable(false);
        item->setTextAlignment(Qt::AlignCenter);
        QObject::connect(plot, &QCustomPlot::afterLayout, item, [plot, item] { rewrapEmptyMessage(plot, item); });
    }
    item->setProperty(kMessageProperty, message);
    rewrapEmptyMessage(plot, item);
    item->setVisible(!message.isEmpty());
}

void setLogY(QCustomPlot* plot, bool logarithmic) {
    if (logarithmic) {
        setLogAxis(plot->yAxis);
    } else {
        plot->yAxis->setScaleType(QCPAxis::stLinear);
        plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        plot->yAxis->setNumberFormat(QStringLiteral("gb"));
        plot->yAxis->setNumberPrecision(6);
    }
}

void setLogAxis(QCPAxis* axis) {
    axis->setScaleType(QCPAxis::stLogarithmic);
    axis->setTicker(QSharedPointer<UniqueLabelLogTicker>::create());
    axis->setNumberFormat(QStringLiteral("eb"));
    axis->setNumberPrecision(0);
}

void setLogTicks(QCPAxis* axis, double low, double high) {
    const bool decades = low > 0 && high / low >= 100;
    axis->setTicker(decades ? QSharedPointer<QCPAxisTicker>(new UniqueLabelLogTicker)
                            : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    axis->setNumberFormat(decades ? QStringLiteral("eb") : QStringLiteral("g"));
    axis->setNumberPrecision(decades ? 0 : 3);
}

QList<QCPAbstractLegendItem*> legendEntries(const QCPLegend* legend) {
    QList<QCPAbstractLegendItem*> entries;
    for (int i = 0; i < legend->itemCount(); ++i) {
        if (QCPAbstractLegendItem* item = legend->item(i)) entries.append(item);
    }
    return entries;
}

namespace {
bool legendInMainLayout(QCustomPlot* plot) {
    QCPLayoutGrid* layout = plot->plotLayout();
    for (int i = 0; i < layout->elementCount(); ++i) {
        if (layout->elementAt(i) == plot->legend) return true;
    }
    return false;
}

// Row right above the axis rect (under the title, when there is one).
void moveLegendAbove(QCustomPlot* plot) {
    QCPLayoutGrid* layout = plot->plotLayout();
    plot->axisRect()->insetLayout()->take(plot->legend);
    plot->axisRect()->insetLayout()->simplify();
    const int row = titleElement(plot) ? 1 : 0;
    layout->insertRow(row);
    layout->addElement(row, 0, plot->legend);
    layout->setRowStretchFactor(row, 0.01);
    plot->legend->setVisible(true);
}

// An empty legend leaves the layout: as an element it would cap the plot's column at its own
// (zero) maximum width and squeeze the axis rect. Hidden in the axis rect's inset meanwhile.
void moveLegendInside(QCustomPlot* plot) {
    QCPLayoutGrid* layout = plot->plotLayout();
    layout->take(plot->legend);
    layout->simplify();
    plot->axisRect()->insetLayout()->addElement(plot->legend, Qt::AlignTop | Qt::AlignRight);
    plot->legend->setVisible(false);
}

// As many entries a row as fit the plot's width (at most three), so no entry is ever cut.
void fitLegendWrap(QCustomPlot* plot) {
    QCPLegend* legend = plot->legend;
    const int available = plot->viewport().width() - 16;
    std::vector<int> widths;
    for (const QCPAbstractLegendItem* item : legendEntries(legend))
        widths.push_back(item->minimumOuterSizeHint().width());
    const auto rowWidth = [&](int perRow) {  // widest row when `perRow` entries share a row
        int widest = 0;
        for (std::size_t start = 0; start < widths.size(); start += perRow) {
            int sum = 0;
            for (std::size_t i = start; i < std::min(widths.size(), start + perRow); ++i) sum += widths[i];
            widest = std::max(widest, sum);
        }
        return widest;
    };
    int wrap = std::min<int>(3, std::max<int>(1, static_cast<int>(widths.size())));
    while (wrap > 1 && rowWidth(wrap) > available) --wrap;
    if (legend->wrap() != wrap) {
        legend->setWrap(wrap);
        legend->setFillOrder(legend->fillOrder(), true);  // re-arrange the entries for the new wrap
    }
}
}  // namespace

void placeLegendAbove(QCustomPlot* plot) {
    if (plot->property("ql_legend_above").toBool()) return;  // already managed
    plot->setProperty("ql_legend_above", true);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setWrap(3);
    plot->legend->setMargins(QMargins(4, 2, 4, 2));
    QObject::connect(plot, &QCustomPlot::beforeReplot, plot->legend, [plot] { syncLegend(plot); });
    if (!legendEntries(plot->legend).isEmpty())
        moveLegendAbove(plot);
    else
        plot->legend->setVisible(false);
}

void syncLegend(QCustomPlot* plot) {
    if (!plot->property("ql_legend_above").toBool()) return;  // not managed by placeLegendAbove
    const bool empty = legendEntries(plot->legend).isEmpty();
    if (empty && legendInMainLayout(plot)) moveLegendInside(plot);
    if (!empty && !legendInMainLayout(plot)) moveLegendAbove(plot);
    if (!empty) fitLegendWrap(plot);
}

void addLegendSwatch(QCustomPlot* plot, const QColor& colour, const QString& name) {
    auto* swatch = plot->addGraph();  // no data: only its legend icon is drawn
    swatch->setName(name);
    swatch->setLineStyle(QCPGraph::lsNone);
    swatch->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(colour.darker(130)), QBrush(colour), 9));
    swatch->setSelectable(QCP::stNone);
    swatch->setObjectName(QStringLiteral("ql_swatch"));
}

QCPColorScale* attachColorScale(QCustomPlot* plot, QCPColorMap* map, const QString& label) {
    auto* scale = new QCPColorScale(plot);
    plot->plotLayout()->addElement(0, 1, scale);  // beside the axis rect, before any title/legend row exists
    scale->setLabel(label);
    map->setColorScale(scale);
    scale->setGradient(errorGradient());  // after setColorScale: the scale's gradient is the one kept
    auto* group = new QCPMarginGroup(plot);
    plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    return scale;
}

QCPColorGradient errorGradient() {
    QCPColorGradient gradient;
    gradient.setColorStopAt(0.0, QColor(0xff, 0xf5, 0x9d));
    gradient.setColorStopAt(0.35, QColor(0xff, 0xa7, 0x26));
    gradient.setColorStopAt(0.7, QColor(0xe5, 0x39, 0x35));
    gradient.setColorStopAt(1.0, QColor(0x4a, 0x00, 0x00));
    gradient.setNanHandling(QCPColorGradient::nhTransparent);
    return gradient;
}

}  // namespace ql::ui::plotStyle
