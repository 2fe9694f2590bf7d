// What a document export (PDF, PNG, HTML) draws, apart from the window it comes from: a title, a
// verdict headline, then sections (title, key numbers, explanations, plots, tables). The report's
// tabs (ReportView) and the comparison of two reports (CompareWindow) each build one; ReportLayout
// (PDF/PNG pages) and documentToHtml() read nothing else. The plots and models stay owned by the
// window: a document is valid while its window lives and is not changed.
#pragma once

#include <QList>
#include <QString>
#include <vector>

#include "ui/export/verdict_headline.h"

class QAbstractItemModel;
class QCustomPlot;

namespace ql::ui {

class ReportPage;
class ReportView;

struct ExportTable {
    QAbstractItemModel* model = nullptr;
    QString caption;  // said over a paper table that shows only some rows or columns (may be empty)
};

struct ExportSection {
    QString title;
    QString summary;          // plain text, lines separated by '\n'
    QString explanationHtml;  // simple HTML (<p>, <b>, <ul>); may be empty
    QList<QCustomPlot*> plots;
    QList<QAbstractItemModel*> tables;  // the HTML file: every table in full
    QList<ExportTable> paperTables;     // the PDF/PNG pages: tables that fit the page's width
};

struct ExportDocument {
    QString title = QStringLiteral("QuantLens verification report");
    VerdictHeadline headline;  // empty text: no headline
    std::vector<ExportSection> sections;
};

ExportSection exportSection(const ReportPage& page);
// The report's verdict, then one section per tab in tab order.
ExportDocument exportDocument(const ReportView& view);

}  // namespace ql::ui
