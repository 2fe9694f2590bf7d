#include "ui/plots/plot_style.h"

#include "ui/plots/qcp.h"

namespace ql::ui::plotStyle {

namespace {
const char* kEmptyItemName = "ql_empty_message";
const char* kTitleElementName = "ql_title";

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
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom | QCP::iSelectPlottables);
    plot->setMinimumHeight(220);
    QFont legendFont = plot->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
    plot->legend->setFont(legendFont);
    plot->legend->setBrush(QColor(255, 255, 255, 220));
    plot->setNoAntialiasingOnDrag(true);
    return plot;
}

void setTitles(QCustomPlot* plot, const QString& title, const QString& xLabel, const QString& yLabel) {
    plot->xAxis->setLabel(xLabel);
    plot->yAxis->setLabel(yLabel);
    QCPTextElement* element = titleElement(plot);
    if (!element) {
        plot->plotLayout()->insertRow(0);
        element = new QCPTextElement(plot, title, QFont(plot->font().family(), -1, QFont::Bold));
        element->setObjectName(QString::fromLatin1(kTitleElementName));
        plot->plotLayout()->addElement(0, 0, element);
    }
    element->setText(title);
}

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
    }
    item->setText(message);
    item->setVisible(!message.isEmpty());
}

void setLogY(QCustomPlot* plot, bool logarithmic) {
    if (logarithmic) {
        plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
        plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        plot->yAxis->setNumberFormat(QStringLiteral("eb"));
        plot->yAxis->setNumberPrecision(0);
    } else {
        plot->yAxis->setScaleType(QCPAxis::stLinear);
        plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        plot->yAxis->setNumberFormat(QStringLiteral("gb"));
        plot->yAxis->setNumberPrecision(6);
    }
}

}  // namespace ql::ui::plotStyle
