// The verdict of a comparison of two reports (A before, B after) as the compare window and its
// exports show it: red when a verdict got worse from A to B; amber when none did but checks still
// fail in B (a green "nothing got worse" would read as "all is well"); green only when every check
// of B passes.
#pragma once

#include <quantlens/report_compare.h>

#include <QStringList>

#include "ui/export/verdict_headline.h"

namespace ql::ui {

// The verdicts that got worse from A to B, in the inspector's words: check and deployment titles,
// never the engine's ids ("like_for_like").
QStringList worseLines(const ReportComparison& c);

VerdictHeadline comparisonHeadline(const ReportComparison& c);

}  // namespace ql::ui
