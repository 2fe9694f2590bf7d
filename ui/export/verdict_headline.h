// The report's verdict as every place shows it (the Overview, the PDF/PNG pages, the HTML file):
// "✗ <verdict>" in red when a check failed or errored, "✓ <verdict>" in green otherwise.
#pragma once

#include <quantlens/verify_report.h>

#include <QColor>
#include <QString>

namespace ql::ui {

struct VerdictHeadline {
    QString text;  // with the ✓ / ✗ mark
    bool passed = false;
    QColor colour;  // text colour
    QColor tint;    // a light background of the same hue
};

VerdictHeadline verdictHeadline(const VerifyReport& report);

// The headline as a block for the paper exports (QTextDocument HTML): bold, 14 pt, coloured, on a
// tinted band across the page, so it reads as the document's title line, not as body text.
QString headlinePaperHtml(const VerdictHeadline& headline);
QString verdictHeadlinePaperHtml(const VerifyReport& report);

}  // namespace ql::ui
