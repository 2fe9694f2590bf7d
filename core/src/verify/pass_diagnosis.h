// The diagnosis' measurements: for the eval track and every counterfactual eval track (WalkPlan::variants),
// what the weights and logits checks would say of it against the train track — the Linear modules
// whose effective weight is not bit-identical, and the logits' max |Δ|, count out of the logit tolerance
// and top-1 agreement. diagnosis_plan.h turns them into the report's ranked causes.
#pragma once

#include <mutex>
#include <vector>

#include "quantlens/verify_report.h"
#include "verify/verify_pass.h"
#include "verify/walk_plan.h"

namespace ql::checks {

class DiagnosisPass final : public VerifyPass {
public:
    DiagnosisPass(const WalkPlan& plan, const Tolerance& logitTolerance);

    void beginModule(const model::ModuleRef& m, const ModuleInputs& inputs) override;
    void addRows(const model::ModuleRef& m, const ModuleRows& rows) override;
    void endModule(const model::ModuleRef& m) override;
    void addLogits(const std::vector<std::vector<at::Tensor>>& logits) override;

    // [0]: the eval track as it is; [1 + v]: variant v.
    const std::vector<TrackEffect>& effects() const { return m_effects; }

private:
    const WalkPlan& m_plan;
    Tolerance m_tolerance;
    std::vector<TrackEffect> m_effects;
    std::vector<char> m_moduleDiffers;  // per track of m_effects, for the module in progress
    std::mutex m_mutex;                 // addRows runs on several threads at once (disjoint rows)
};

}  // namespace ql::checks
