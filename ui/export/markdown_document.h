// A document (export_document.h) as Markdown for a pull request or CI log: the title, the headline,
// then per section its key numbers, its explanations as plain paragraphs and every table in full as
// a GitHub pipe table (cells with '|' escaped, line breaks as spaces). Plots are not drawable in
// Markdown: each is named by its title, with a pointer to the PDF/HTML export.
#pragma once

#include <QString>

namespace ql::ui {

struct ExportDocument;

QString documentToMarkdown(const ExportDocument& document);

}  // namespace ql::ui
