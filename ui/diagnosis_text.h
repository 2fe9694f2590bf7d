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
// The card: the summary, then one row per cause (ranked) with before and after, then all reverted.
QString diagnosisHtml(const Diagnosis& diagnosis);

}  // namespace ql::ui
