#include "ui/export/markdown_document.h"

#include <QAbstractItemModel>
#include <QTextDocument>

#include "ui/export/export_document.h"
#include "ui/plots/qcp.h"

namespace ql::ui {

namespace {
QString cell(QString text) {
    text.replace(QLatin1Char('|'), QStringLiteral("\\|")).replace(QLatin1Char('\n'), QLatin1Char(' '));
    return text.trimmed();
}

QString tableMarkdown(const QAbstractItemModel& model) {
    QStringList header, rule;
    for (int c = 0; c < model.columnCount(); ++c) {
        header << cell(model.headerData(c, Qt::Horizontal).toString());
        rule << QStringLiteral("---");
    }
    QString md =
        QStringLiteral("| %1 |\n| %2 |\n").arg(header.join(QStringLiteral(" | ")), rule.join(QStringLiteral(" | ")));
    for (int r = 0; r < model.rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < model.columnCount(); ++c) cells << cell(model.index(r, c).data().toString());
        md += QStringLiteral("| %1 |\n").arg(cells.join(QStringLiteral(" | ")));
    }
    return md + QLatin1Char('\n');
}

QString plainText(const QString& html) {
    QTextDocument document;
    document.setHtml(html);
    return document.toPlainText().trimmed();
}

QString plotTitle(QCustomPlot* plot) {
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
        if (auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) return title->text();
    }
    return plot->objectName();
}

QString sectionMarkdown(const ExportSection& section) {
    QString md = QStringLiteral("## %1\n\n").arg(section.title);
    if (!section.summary.isEmpty())
        md += section.summary.trimmed().replace(QLatin1Char('\n'), QStringLiteral("  \n")) + QStringLiteral("\n\n");
    const QString explanation = plainText(section.explanationHtml);
    if (!explanation.isEmpty())
        md += explanation.split(QLatin1Char('\n'), Qt::SkipEmptyParts).join(QStringLiteral("\n\n")) +
              QStringLiteral("\n\n");
    for (QCustomPlot* plot : section.plots)
        md += QObject::tr("*Plot: %1 (drawn in the PDF and HTML exports)*\n\n").arg(plotTitle(plot));
    for (const QAbstractItemModel* model : section.tables) {
        if (model->rowCount() > 0) md += tableMarkdown(*model);
    }
    return md;
}
}  // namespace

QString documentToMarkdown(const ExportDocument& document) {
    QString md = QStringLiteral("# %1\n\n").arg(document.title);
    if (!document.headline.text.isEmpty()) md += QStringLiteral("**%1**\n\n").arg(document.headline.text);
    for (const ExportSection& section : document.sections) md += sectionMarkdown(section);
    return md;
}

}  // namespace ql::ui
