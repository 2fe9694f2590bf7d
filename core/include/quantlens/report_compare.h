// Comparing two verification reports (A = before, B = after: checkpoint-10 vs checkpoint-20, or a
// run before vs after a fix to the eval path): which checks changed verdict, per-module weight
// metric deltas, per-layer activation deltas and the logits' key numbers side by side.
//
// "Got worse" (the CLI's exit 1): a check whose verdict goes from pass or skipped to fail or error,
// a module present in both reports whose weight verdict goes from within to out of tolerance, or a
// convert deployment (matched by id: like_for_like, merge_then_convert) present in both whose own
// verdict goes from pass to fail, or that fails in both and fails more (more modules changing codes, or
// more argmax flips beyond the convert tolerance, i.e. flips the int4 format's rounding does not explain).
// Metric changes alone never count: a larger max |Δ| that stays within tolerance is not a verdict.
#pragma once

#include <quantlens/verify_report.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ql {

struct CheckChange {
    CheckKind kind = CheckKind::Config;
    std::optional<CheckStatus> a, b;  // absent: the report has no summary for this check
    bool worse = false;               // see the rule above
    bool better = false;              // fail/error -> pass
};

struct ModuleDelta {
    std::string module;
    int layerIndex = -1;
    std::string layerType;
    std::optional<DiffMetrics> a, b;  // absent: the module is not in that report
    std::optional<bool> passA, passB;
    bool worse() const { return passA && passB && *passA && !*passB; }
    bool better() const { return passA && passB && !*passA && *passB; }
};

// One convert deployment in A and B, matched by id; absent values: not in that report.
struct DeploymentDelta {
    std::string id;     // "like_for_like", "merge_then_convert"
    std::string title;  // B's title, else A's
    std::optional<bool> passA, passB;
    std::optional<double> argmaxA, argmaxB;
    std::optional<double> logitsMaxAbsA, logitsMaxAbsB;
    std::optional<std::int64_t> codesDifferA, codesDifferB;
    std::optional<std::int64_t> flipsBeyondA, flipsBeyondB;  // argmax flips beyond the convert tolerance
    // pass -> fail, or failing in both and failing more: more modules changing codes, or more flips the
    // format's rounding cannot explain (flips beyond the convert tolerance).
    bool worse() const {
        if (!passA || !passB) return false;
        if (*passA) return !*passB;
        if (*passB) return false;
        return codesDifferB.value_or(0) > codesDifferA.value_or(0) ||
               flipsBeyondB.value_or(0) > flipsBeyondA.value_or(0);
    }
    std::string worseReason() const;  // "pass -> fail", "fail -> fail, modules changing codes 0 -> 29"
    bool better() const { return passA && passB && !*passA && *passB; }
};

struct LayerDelta {
    int layer = -1;
    std::optional<double> maxAbsA, maxAbsB;  // hidden state max |Δ| after the layer
    std::optional<double> relativeL2A, relativeL2B;
};

struct ScalarDelta {
    std::string name;  // "logits max |Δ|", "top-1 agreement", ...
    std::optional<double> a, b;
};

struct ReportComparison {
    std::vector<CheckChange> checks;           // in CheckKind order, every kind either report has
    std::vector<ModuleDelta> modules;          // A's order, then modules only in B
    std::vector<DeploymentDelta> deployments;  // A's order, then deployments only in B
    std::vector<LayerDelta> layers;            // ascending layer index
    std::vector<ScalarDelta> scalars;          // weights and logits key numbers, then each deployment's
    int firstDivergingLayerA = -1, firstDivergingLayerB = -1;

    int modulesWorse() const;
    int modulesBetter() const;
    bool gotWorse() const;                          // a check, module or deployment verdict got worse
    std::vector<std::string> worseReasons() const;  // one line per verdict that got worse
};

ReportComparison compareReports(const VerifyReport& a, const VerifyReport& b);
// Version of `quantlens compare --json` (schemas/compare.schema.json); bumps on change.
inline constexpr int kComparisonSchemaVersion = 1;

// Machine-readable form for `quantlens compare --json` (snake_case keys; non-finite as strings).
std::string comparisonToJson(const ReportComparison& comparison, const std::string& labelA, const std::string& labelB);

}  // namespace ql
