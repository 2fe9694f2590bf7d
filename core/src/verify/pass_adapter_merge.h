// Check 6: what merging the LoRA into the fake-quantized base does, per adapted module of the adapter
// side: FQ(bf16(W + s·BA)) (PEFT merge_and_unload after QAT prepare) vs FQ(W) + s·BA (training's map),
// in weight space and on the module's own inputs in that side's forward over the prompts (the first
// kProbeRows token rows), and which groups' quant scale the merge moved.
#pragma once

#include <mutex>
#include <optional>

#include "quantlens/verify.h"
#include "verify/diff_stream.h"
#include "verify/verify_pass.h"
#include "verify/walk_plan.h"

namespace ql::checks {

constexpr std::int64_t kProbeRows = 64;

class AdapterMergePass final : public VerifyPass {
public:
    AdapterMergePass(const WalkPlan& plan, const VerifyRequest& request) : m_plan(plan), m_request(request) {}

    void beginModule(const model::ModuleRef& m, const ModuleInputs& inputs) override;
    void addRows(const model::ModuleRef& m, const ModuleRows& rows) override;
    void endModule(const model::ModuleRef& m) override;

    std::pair<CheckSummary, std::optional<AdapterMergeCheck>> finish() const;

private:
    const WalkPlan& m_plan;
    const VerifyRequest& m_request;
    AdapterMergeCheck m_check;
    std::int64_t m_differing = 0;
    // Modules one side merges and the other keeps unmerged (module_forms may differ per module), and
    // how many of them merging changes.
    std::int64_t m_formMismatches = 0;
    std::int64_t m_mismatchedDiffering = 0;
    bool m_moduleMismatch = false;
    double m_worstOutput = 0.0;
    // The module in progress.
    bool m_adapted = false;
    at::Tensor m_probe;  // [rows, in] fp32
    std::optional<DiffStream> m_weight, m_output;
    AdapterMergeModule m_module;
    std::mutex m_mutex;  // addRows runs on several threads at once (disjoint rows)
};

}  // namespace ql::checks
