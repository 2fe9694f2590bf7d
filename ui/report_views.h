// Views over a (schema 2) report that several pages share: the convert deployments as display
// values, the token text per position, the per-position divergence per layer, the top-k tokens
// of both sides and each check's rule and explanation. Nothing here recomputes a metric: every
// number is the engine's.
#pragma once

#include <quantlens/verify_report.h>

#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace ql::ui {

// A module's fake-quant group size: one number when both sides agree, else both sides'
// ("32 / 128" short, "train 32, eval 128" long); 0 (not grouped) reads "none".
enum class GroupSizesForm { Short, Long };
QString groupSizesText(const WeightModuleResult& module, GroupSizesForm form);

// One deployment of the convert check, with the rule's thresholds it was judged by.
struct DeploymentView {
    QString id;        // "like_for_like", "merge_then_convert"
    QString title;     // "int4 base + LoRA served unmerged"
    QString compares;  // "Q(W)x + s·B(Ax) vs FQ(W)x + s·B(Ax)"
    const std::vector<ConvertModuleRow>* modules = nullptr;
    std::uint64_t bytesBefore = 0, bytesAfter = 0;
    std::int64_t modulesCodesDiffer = 0;
    const DiffMetrics* logits = nullptr;
    const Histogram* logitsAbsDiff = nullptr;
    double argmaxAgreement = 1.0;
    std::optional<double> argmaxThreshold;                    // opt-in rule: argmax agreement >= this
    std::int64_t flipsNearTie = 0, flipsBeyondTolerance = 0;  // ConvertDeployment's flip counts
    const std::vector<ArgmaxFlip>* flips = nullptr;           // the listed flips, position order
    Tolerance tolerance;  // the check's rule on the logit gap (report.convertTolerance)
    bool pass = true;
};
// Every deployment in report order (the first is the one the verdict is about); empty without a
// convert check.
std::vector<DeploymentView> deployments(const VerifyReport& report);

struct ConvertRowRef {
    QString deployment;  // its title
    const ConvertModuleRow* row = nullptr;
};
// The module's convert row in each deployment that has one.
std::vector<ConvertRowRef> convertRowsFor(const VerifyReport& report, const std::string& module);

// Per token position (concatenated over the prompts, as LogitsCheck's per-position arrays): the
// token's decoded text, or "#<id>" for a prompt the engine could not decode (no tokenizer).
QStringList positionTokens(const VerifyReport& report);
// Hidden-state relative L2 per layer (rows, in `report.activations->layers` order) and position
// (columns): LayerDivergence::perPositionRelativeL2; empty without an activations check.
std::vector<std::vector<double>> positionDivergence(const VerifyReport& report);
struct TopToken {
    int id = -1;
    double logit = 0.0;
    QString
        text;  // the engine's decoded text, or the id's text in the prompts; "#<id>" when neither has one (never empty)
};
// One side's top-k next tokens at a position (LogitsCheck::topTokens); empty when absent.
std::vector<TopToken> topTokens(const VerifyReport& report, bool trainSide, int position);

// The verdict rule the engine applied (CheckSummary::rule).
QString checkRule(const CheckSummary& check);
// The check's explanation paragraph, with the adapter-merge recommendation for that check; the
// headline when the engine wrote none (a check that did not run).
QString checkExplanation(const VerifyReport& report, const CheckSummary& check);

}  // namespace ql::ui
