#include "ui/export/verdict_headline.h"

namespace ql::ui {

VerdictHeadline verdictHeadline(const VerifyReport& report) {
    VerdictHeadline h;
    h.passed = report.allPassed();
    h.text = (h.passed ? QStringLiteral("✓ ") : QStringLiteral("✗ ")) + QString::fromStdString(report.verdictText());
    h.colour = h.passed ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28);
    h.tint = h.passed ? QColor(0xe8, 0xf5, 0xe9) : QColor(0xff, 0xeb, 0xee);
    return h;
}

QString verdictHeadlinePaperHtml(const VerifyReport& report) {
    return headlinePaperHtml(verdictHeadline(report));
}

QString headlinePaperHtml(const VerdictHeadline& h) {
    return QStringLiteral(
               "<table width=\"100%\" cellpadding=\"6\" cellspacing=\"0\" bgcolor=\"%1\"><tr><td>"
               "<span style=\"font-size:14pt; font-weight:bold; color:%2\">%3</span></td></tr></table>")
        .arg(h.tint.name(), h.colour.name(), h.text.toHtmlEscaped());
}

}  // namespace ql::ui
