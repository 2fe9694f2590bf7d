// The diagnosis (VerifyReport::diagnosis) as the inspector shows it: the "What to change" card's
// table, each config field's measured effect for the Config tab, and the same HTML in the exports.
#pragma once

#include <quantlens/verify_report.h>

#include <QString>

namespace ql::ui {

// "3 modules differ · logits max |Δ| 0.5 · top-1 75.0 %"
QString effectText(const TrackEffect& effect);
// The field's effect when reverted alone, e.g. "reverted alone: 3 modules differ · ..."; empty when
// the report has no diagnosis or the field is not one of its causes.
QString measuredEffect(const VerifyReport& report, const std::string& field);
// One row per cause (ranked) with its measured effect, then all reverted and what is left; with
// `heading`, a "What to change" paragraph first (the exports; the card has its own title).
QString diagnosisHtml(const Diagnosis& diagnosis, bool heading = true);

}  // namespace ql::ui
