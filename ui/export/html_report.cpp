#include "ui/export/html_report.h"

#include <QAbstractItemModel>
#include <QBrush>
#include <QRegularExpression>

#include "ui/export/report_layout.h"
#include "ui/export/svg_writer.h"
#include "ui/export/verdict_headline.h"
#include "ui/pages/report_page.h"
#include "ui/plots/qcp.h"
#include "ui/report_view.h"

namespace ql::ui {

namespace {
constexpr int kSvgWidth = 960;
constexpr int kSvgHeight = 380;

const char* kStyle = R"(
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 14px; color: #212121; max-width: 1000px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 19px; border-bottom: 1px solid #bdbdbd; padding-bottom: 4px; margin-top: 36px; }
.verdict-fail { color: #c62828; font-weight: bold; font-size: 17px; }
.verdict-pass { color: #2e7d32; font-weight: bold; font-size: 17px; }
nav a { margin-right: 12px; }
figure { margin: 12px 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #eeeeee; }
.table-wrap { max-height: 520px; overflow: auto; border: 1px solid #e0e0e0; margin: 12px 0; }
table { border-collapse: collapse; font-size: 12px; width: 100%; table-layout: auto; }
th { position: sticky; top: 0; background: #e0e0e0; text-align: left; padding: 3px 4px; vertical-align: bottom; }
td { padding: 2px 4px; border-top: 1px solid #eeeeee; vertical-align: top; overflow-wrap: break-word; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
p.summary { white-space: pre-line; }
)";

QString sectionId(const QString& title) {
    return title.toLower().replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
}

QString svgFigure(QCustomPlot* plot) {
    const QVariant exportHeight = plot->property(ReportLayout::kExportHeightProperty);
    const int height = exportHeight.isValid() ? exportHeight.toInt() : kSvgHeight;
    QString svg = QString::fromUtf8(plotToSvg(plot, QSize(kSvgWidth, height)));
    svg.remove(QRegularExpression(QStringLiteral("^<\\?xml[^>]*\\?>\\s*")));  // inline SVG takes no XML declaration
    return QStringLiteral("<figure>%1</figure>\n").arg(svg);
}

}  // namespace

QString wrappableCellHtml(const QString& text) {
    QString html = text.toHtmlEscaped();
    html.replace(QRegularExpression(QStringLiteral("([._/,]+)(?=[^\\s\\d])")), QStringLiteral("\\1<wbr>"));
    return html;
}

namespace {

QString tableHtml(const QAbstractItemModel& model) {
    QString html = QStringLiteral("<div class=\"table-wrap\"><table><thead><tr>");
    for (int c = 0; c < model.columnCount(); ++c) {
        html += QStringLiteral("<th>%1</th>").arg(model.headerData(c, Qt::Horizontal).toString().toHtmlEscaped());
    }
    html += QStringLiteral("</tr></thead><tbody>\n");
    for (int r = 0; r < model.rowCount(); ++r) {
        const QVariant background = model.data(model.index(r, 0), Qt::BackgroundRole);
        html += background.canConvert<QBrush>() && background.value<QBrush>().style() != Qt::NoBrush
                    ? QStringLiteral("<tr style=\"background:%1\">").arg(background.value<QBrush>().color().name())
                    : QStringLiteral("<tr>");
        for (int c = 0; c < model.columnCount(); ++c) {
            const QModelIndex index = model.index(r, c);
            const QVariant align = model.data(index, Qt::TextAlignmentRole);
            const bool numeric = align.isValid() && (Qt::Alignment(align.toInt()) & Qt::AlignRight);
            const QString text = model.data(index, Qt::DisplayRole).toString();
            html += numeric ? QStringLiteral("<td class=\"num\">%1</td>").arg(text.toHtmlEscaped())
                            : QStringLiteral("<td>%1</td>").arg(wrappableCellHtml(text));
        }
        html += QStringLiteral("</tr>\n");
    }
    return html + QStringLiteral("</tbody></table></div>\n");
}

QString sectionHtml(ReportPage* page) {
    QString html = QStringLiteral("<section id=\"%1\">\n<h2>%2</h2>\n<p class=\"summary\">%3</p>\n")
                       .arg(sectionId(page->title()), page->title().toHtmlEscaped(), page->summary().toHtmlEscaped());
    html += page->explanationHtml() + QLatin1Char('\n');
    for (QCustomPlot* plot : page->exportPlots()) html += svgFigure(plot);
    for (QAbstractItemModel* model : page->tables()) {
        if (model->rowCount() > 0) html += tableHtml(*model);
    }
    return html + QStringLiteral("</section>\n");
}
}  // namespace

QString reportToHtml(const ReportView& view) {
    const ReportPtr& report = view.report();
    QString html = QStringLiteral(
                       "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<title>QuantLens verification report</title>\n<style>%1</style>\n</head>\n<body>\n")
                       .arg(QString::fromLatin1(kStyle));
    html += QStringLiteral("<h1>QuantLens verification report</h1>\n");
    if (report) {
        const VerdictHeadline headline = verdictHeadline(*report);
        html += QStringLiteral("<p class=\"%1\">%2</p>\n")
                    .arg(headline.passed ? QStringLiteral("verdict-pass") : QStringLiteral("verdict-fail"),
                         headline.text.toHtmlEscaped());
    }
    html += QStringLiteral("<nav>");
    for (ReportPage* page : view.pages()) {
        html += QStringLiteral("<a href=\"#%1\">%2</a>").arg(sectionId(page->title()), page->title().toHtmlEscaped());
    }
    html += QStringLiteral("</nav>\n");
    for (ReportPage* page : view.pages()) html += sectionHtml(page);
    return html + QStringLiteral("</body>\n</html>\n");
}

}  // namespace ql::ui
