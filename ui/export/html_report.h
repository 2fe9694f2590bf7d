// The report as one self-contained HTML file to attach to a pull request: no external files or
// scripts; a verdict banner and a table of contents, then per tab its key numbers, explanations
// and recommendations, its plots as inline SVG (clipped like the screen) and its tables in full.
#pragma once

#include <QString>

namespace ql::ui {

class ReportView;

QString reportToHtml(const ReportView& view);

}  // namespace ql::ui
