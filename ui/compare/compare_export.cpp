#include "ui/compare/compare_export.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <memory>

#include "ui/compare/compare_headline.h"
#include "ui/compare/compare_models.h"
#include "ui/compare/compare_window.h"
#include "ui/export/atomic_file.h"
#include "ui/export/headless_gui.h"
#include "ui/export/markdown_document.h"
#include "ui/export/report_exporter.h"

namespace ql::ui {

namespace {
QString worseHtml(const ReportComparison& c) {
    const QStringList lines = worseLines(c);
    if (lines.isEmpty()) return {};
    QString html = QObject::tr("<p><b>Got worse from A to B</b></p><ul>");
    for (const QString& line : lines) html += QStringLiteral("<li>%1</li>").arg(line.toHtmlEscaped());
    return html + QStringLiteral("</ul>");
}

ExportSection tablesSection(const QString& title, const QString& summary, QList<QAbstractItemModel*> tables) {
    ExportSection section{title, summary, {}, {}, tables, {}};
    for (QAbstractItemModel* model : tables) section.paperTables.append(ExportTable{model, {}});
    return section;
}

Status writeMarkdown(const ExportDocument& document, const QString& path) {
    return writeViaTemporary(path, [&](const QString& temporary) -> Status {
        QSaveFile file(temporary);
        if (!file.open(QIODevice::WriteOnly) || file.write(documentToMarkdown(document).toUtf8()) < 0 ||
            !file.commit()) {
            return makeError(ErrorCode::Io,
                             QStringLiteral("%1: cannot write (%2)").arg(path, file.errorString()).toStdString());
        }
        return Ok{};
    });
}
}  // namespace

ExportDocument comparisonDocument(const CompareWindow& window) {
    ExportDocument document;
    document.title = QObject::tr("QuantLens report comparison");
    const auto& comparison = window.comparison();
    if (!comparison) return document;
    document.headline = comparisonHeadline(*comparison);
    const QString names = QObject::tr("A (before): %1\nB (after): %2").arg(window.nameA(), window.nameB());
    ExportSection checks = tablesSection(QObject::tr("Checks"), names,
                                         {window.checksModel(), window.deploymentsModel(), window.numbersModel()});
    checks.explanationHtml = worseHtml(*comparison);
    document.sections.push_back(checks);
    const QList<QCustomPlot*> plots = window.plots();  // scatter, histograms, layers, positions
    ExportSection modules = tablesSection(QObject::tr("Modules"),
                                          QObject::tr("%1 modules got worse, %2 got better")
                                              .arg(comparison->modulesWorse())
                                              .arg(comparison->modulesBetter()),
                                          {window.modulesProxy()});
    modules.paperTables = {ExportTable{window.modulesPaperModel(), {}}};  // every column in the HTML and Markdown
    modules.plots = {plots.at(0)};
    document.sections.push_back(modules);
    document.sections.push_back({QObject::tr("Curves"), {}, {}, plots.mid(1), {}, {}});
    return document;
}

Status writeComparison(const CompareWindow& window, const QString& path) {
    if (QFileInfo(path).suffix().toLower() == QLatin1String("md"))
        return writeMarkdown(comparisonDocument(window), path);
    return ReportExporter(comparisonDocument(window)).write(path);
}

Status exportComparison(const VerifyReport& a, const std::string& nameA, const VerifyReport& b,
                        const std::string& nameB, const std::string& path) {
    if (!QFileInfo(QString::fromStdString(path)).absoluteDir().exists()) {
        return makeError(ErrorCode::NotFound, path + ": the folder does not exist");
    }
    const HeadlessGui gui;
    if (!gui.status()) return gui.status();
    CompareWindow window;
    window.setReports(std::make_shared<const VerifyReport>(a), QString::fromStdString(nameA),
                      std::make_shared<const VerifyReport>(b), QString::fromStdString(nameB));
    return writeComparison(window, QString::fromStdString(path));
}

}  // namespace ql::ui
