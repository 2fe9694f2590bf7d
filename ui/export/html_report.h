// A document (export_document.h: the report, or a comparison) as one self-contained HTML file to attach to a pull
// request: no external files or scripts; a verdict banner and a table of contents, then per tab its key numbers,
// explanations and recommendations, its plots as inline SVG (clipped like the screen) and its tables in full.
#pragma once

#include <QString>

namespace ql::ui {

struct ExportDocument;
class ReportView;

QString documentToHtml(const ExportDocument& document);
QString reportToHtml(const ReportView& view);  // documentToHtml(exportDocument(view))

// A text table cell: escaped, with a <wbr> after each run of '.', '_', '/' or ',' that a non-digit
// follows, so identifiers (module names, config fields, paths) wrap at their separators rather than
// widen the table past the window (numbers such as 3.56 never break).
QString wrappableCellHtml(const QString& text);

}  // namespace ql::ui
