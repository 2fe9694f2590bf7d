// Check 2: per quantized Linear, the dense map of each side (after its LoRA form) compared under the
// weight tolerance, streamed row block by row block (DiffStream): sums, per-group error map, worst
// elements with the quantization grid of the worst one's group, the unquantized weight's histogram,
// the LoRA delta's size. addRows may run on several threads at once (disjoint rows).
#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include "quantlens/verify.h"
#include "verify/diff_stream.h"
#include "verify/value_histogram.h"
#include "verify/verify_pass.h"
#include "verify/walk_plan.h"

namespace ql::checks {

class WeightsPass final : public VerifyPass {
public:
    WeightsPass(const WalkPlan& plan, const Tolerance& tolerance) : m_plan(plan), m_tolerance(tolerance) {}

    void beginModule(const model::ModuleRef& m, const ModuleInputs& inputs) override;
    void addRows(const model::ModuleRef& m, const ModuleRows& rows) override;
    void endModule(const model::ModuleRef& m) override;

    std::pair<CheckSummary, WeightsCheck> finish() const;

private:
    const WalkPlan& m_plan;
    Tolerance m_tolerance;
    WeightsCheck m_check;
    DiffAccumulator m_overall;
    // The module in progress.
    std::optional<DiffStream> m_stream;
    std::optional<ValueHistogram> m_original;
    WeightModuleResult m_module;
    // LoRA delta of the side that keeps it unmerged, per row (blocks may arrive from several threads).
    std::vector<double> m_deltaRowMax, m_deltaRowSq;
    std::atomic<bool> m_hasDelta{false};
};

}  // namespace ql::checks
