#include "ui/export/html_report.h"

#include <QAbstractItemModel>
#include <QBrush>
#include <QRegularExpression>

#include "ui/export/export_document.h"
#include "ui/export/report_layout.h"
#include "ui/export/svg_writer.h"
#include "ui/plots/qcp.h"

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

QString sectionHtml(const ExportSection& section) {
    QString html = QStringLiteral("<section id=\"%1\">\n<h2>%2</h2>\n<p class=\"summary\">%3</p>\n")
                       .arg(sectionId(section.title), section.title.toHtmlEscaped(), section.summary.toHtmlEscaped());
    html += section.explanationHtml + QLatin1Char('\n');
    for (QCustomPlot* plot : section.plots) html += svgFigure(plot);
    for (QAbstractItemModel* model : section.tables) {
        if (model->rowCount() > 0) html += tableHtml(*model);
    }
    return html + QStringLiteral("</section>\n");
}
}  // namespace

QString documentToHtml(const ExportDocument& document) {
    const QString title = document.title.toHtmlEscaped();
    QString html = QStringLiteral(
                       "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<title>%1</title>\n<style>%2</style>\n</head>\n<body>\n")
                       .arg(title, QString::fromLatin1(kStyle));
    html += QStringLiteral("<h1>%1</h1>\n").arg(title);
    if (!document.headline.text.isEmpty()) {
        html += QStringLiteral("<p class=\"%1\" style=\"color:%2\">%3</p>\n")
                    .arg(document.headline.passed ? QStringLiteral("verdict-pass") : QStringLiteral("verdict-fail"),
                         document.headline.colour.name(), document.headline.text.toHtmlEscaped());
    }
    html += QStringLiteral("<nav>");
    for (const ExportSection& section : document.sections) {
        html += QStringLiteral("<a href=\"#%1\">%2</a>").arg(sectionId(section.title), section.title.toHtmlEscaped());
    }
    html += QStringLiteral("</nav>\n");
    for (const ExportSection& section : document.sections) html += sectionHtml(section);
    return html + QStringLiteral("</body>\n</html>\n");
}

QString reportToHtml(const ReportView& view) {
    return documentToHtml(exportDocument(view));
}

}  // namespace ql::ui
