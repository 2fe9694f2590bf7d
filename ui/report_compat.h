// Views over the report that tolerate its schema versions: every place where the inspector reads a
// field that schema v1 lacks goes through here, so the pages do not branch on the version.
#pragma once

#include <quantlens/verify_report.h>

#include <QString>
#include <QStringList>

#include <vector>

namespace ql::ui {

// The train side's fake-quant group size of a module (schema v1 has only the eval side's; the
// train value then comes from the config check's effective.weight_group_size row).
int trainGroupSize(const VerifyReport& report, const WeightModuleResult& module);

// One deployment of the convert check (schema v1: the one like-for-like deployment).
struct DeploymentView {
    QString id;        // "like_for_like", "merge_then_convert"
    QString title;     // "Like for like"
    QString compares;  // what is compared with what
    const std::vector<ConvertModuleRow>* modules = nullptr;
    std::uint64_t bytesBefore = 0, bytesAfter = 0;
    const DiffMetrics* logits = nullptr;
    const Histogram* logitsAbsDiff = nullptr;
    double argmaxAgreement = 1.0;
    bool pass = true;
};
std::vector<DeploymentView> deployments(const VerifyReport& report);

struct ConvertRowRef {
    QString deployment;              // its title
    const ConvertModuleRow* row = nullptr;
};
std::vector<ConvertRowRef> convertRowsFor(const VerifyReport& report, const std::string& module);

// Per token position (concatenated over the prompts, as LogitsCheck's per-position arrays): the
// token's text (schema v1 reports carry only ids: "#<id>").
QStringList positionTokens(const VerifyReport& report);
// Hidden-state divergence per layer (rows, in `report.activations->layers` order) and position
// (columns); empty when the report has none (schema v1).
std::vector<std::vector<double>> positionDivergence(const VerifyReport& report);
struct TopToken {
    int id = -1;
    double logit = 0.0;
    QString text;
};
// The top-k next tokens of one side at a position; empty when the report has none (schema v1).
std::vector<TopToken> topTokens(const VerifyReport& report, bool trainSide, int position);

// The verdict rule of a check as text (schema v1 reports carry none: the rule the engine applies).
QString checkRule(const VerifyReport& report, const CheckSummary& check);
// The check's explanation paragraph (what was compared, what to do); never empty for a check that ran.
QString checkExplanation(const VerifyReport& report, const CheckSummary& check);

}  // namespace ql::ui
