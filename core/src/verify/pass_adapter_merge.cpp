#include "verify/pass_adapter_merge.h"

#include <cmath>

#include "model/linear_forms.h"
#include "quant/lora_kernels.h"
#include "verify/summary.h"

namespace ql::checks {
namespace {

// The first kProbeRows token rows of the module's input over the prompts, fp32 on the CPU.
at::Tensor probeRows(const std::vector<at::Tensor>& inputs) {
    std::vector<at::Tensor> parts;
    std::int64_t have = 0;
    for (const at::Tensor& x : inputs) {
        const at::Tensor rows = x.reshape({-1, x.size(-1)});
        const std::int64_t take = std::min(kProbeRows - have, rows.size(0));
        if (take <= 0) break;
        parts.push_back(rows.narrow(0, 0, take).to(at::kCPU, at::kFloat));
        have += take;
    }
    return at::cat(parts);
}

double maxAbs(const at::Tensor& t) {
    if (!t.is_cpu()) return t.abs().max().item<double>();
    const at::Tensor c = t.to(at::kFloat).contiguous();
    return quant::kernels::absMax(c.data_ptr<float>(), c.numel());
}

std::string recommendation(bool anyDiff) {
    if (!anyDiff) {
        return "Merging leaves every fake-quantized weight unchanged; merged and unmerged evaluation agree.";
    }
    return "Merging the LoRA into the base before fake quantization (merge_and_unload after QAT prepare) "
           "quantizes W + s·BA on a new grid, which training never saw. Evaluate with the adapter kept "
           "unmerged (FQ(W)x + s·B(Ax)), or merge before QAT so training quantizes the merged weight.";
}

}  // namespace

void AdapterMergePass::beginModule(const model::ModuleRef& m, const ModuleInputs& inputs) {
    m_adapted = false;
    if (!m_plan.merge) {
        return;
    }
    m_module = AdapterMergeModule{};
    m_module.module = m.name;
    m_moduleMismatch = m_plan.train->merges(m) != m_plan.eval->merges(m);
    m_formMismatches += m_moduleMismatch ? 1 : 0;
    m_probe = probeRows(inputs[trackIndex(m_plan.merge->side)]);
    const Tolerance& tol = m_request.weightTolerance;
    m_weight.emplace(m.outFeatures, m.inFeatures, DiffStream::Options{tol, 0, 0, false});
    m_output.emplace(m.outFeatures, m_probe.size(0), DiffStream::Options{tol, 0, 0, false});
}

void AdapterMergePass::addRows(const model::ModuleRef&, const ModuleRows& rows) {
    if (!rows.merge) {
        return;
    }
    const MergeRows& r = *rows.merge;
    m_weight->add(r.merged, r.unmerged, rows.row0);
    const at::Tensor x = m_probe.to(r.merged.device());
    // Output features [row0, row0 + n) of both maps on the probe rows, as [n, probe rows].
    m_output->add(model::fp32ProductInRowChunks(x, r.merged).t(), model::fp32ProductInRowChunks(x, r.unmerged).t(),
                  rows.row0);
    const double deltaMax = maxAbs(r.delta);
    const std::int64_t changed = r.scaleBase.defined() ? r.scaleBase.ne(r.scaleMerged).sum().item<std::int64_t>() : 0;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_adapted = true;
    m_module.deltaMaxAbs = std::max(m_module.deltaMaxAbs, deltaMax);
    if (r.scaleBase.defined()) {
        m_module.groupsScaleChanged += changed;
        m_module.groupsTotal += r.scaleBase.numel();
    }
}

void AdapterMergePass::endModule(const model::ModuleRef&) {
    if (!m_adapted) {
        return;
    }
    m_module.weight = m_weight->sums().result();
    m_module.output = m_output->sums().result();
    const bool changed = m_module.weight.outOfTolerance > 0;
    m_differing += changed ? 1 : 0;
    m_mismatchedDiffering += changed && m_moduleMismatch ? 1 : 0;
    m_worstOutput = std::max(m_worstOutput, m_module.output.maxAbs);
    m_check.modules.push_back(std::move(m_module));
}

std::pair<CheckSummary, std::optional<AdapterMergeCheck>> AdapterMergePass::finish() const {
    if (!m_plan.merge) {
        const std::string why = m_request.checkAdapterMerge ? m_plan.mergeSkipReason : "not requested";
        return {makeSummary(CheckKind::AdapterMerge, CheckStatus::Skipped, why, {}, "",
                            "The adapter-merge check compares a LoRA merged into the fake-quantized base with the "
                            "same LoRA kept unmerged; it did not run: " +
                                why + "."),
                std::nullopt};
    }
    AdapterMergeCheck check = m_check;
    const Side& side = m_plan.side(m_plan.merge->side);
    const bool mergeMismatch = m_formMismatches > 0;
    const bool fail = m_mismatchedDiffering > 0;
    check.recommendation = recommendation(m_differing > 0);
    const std::string headline = std::to_string(m_differing) + " of " + std::to_string(check.modules.size()) +
                                 " adapted modules change when merged (max output |Δ| " + fmt(m_worstOutput) + ")";
    std::string rule =
        "fails when one side merges the LoRA and the other keeps it unmerged, and merging changes a "
        "module's fake-quantized weight beyond the weight tolerance (" +
        toleranceText(m_request.weightTolerance) +
        "); passes when the forms differ and no module "
        "changes; information only when both sides use the same form";
    std::string what = "Compared, for each adapted module of the " + side.label +
                       " side, the merged map FQ(W + s·BA) with the unmerged FQ(W) + s·BA, in weight space and on the "
                       "module's inputs from the prompts. ";
    if (fail) {
        what += "One side merges the LoRA into the base and the other keeps it unmerged (" +
                std::to_string(m_formMismatches) + " modules), and " + std::to_string(m_mismatchedDiffering) +
                " of them change. " + check.recommendation;
    } else if (mergeMismatch) {
        what += "One side merges and the other does not, but no module's weights change: the merge is harmless here.";
    } else {
        what +=
            "Both sides use the same LoRA form, so this does not affect their agreement; it shows what merging "
            "would change. " +
            check.recommendation;
    }
    // Same LoRA form on both sides: merging is not part of their comparison, so the numbers are information.
    const CheckStatus status = fail ? CheckStatus::Fail : mergeMismatch ? CheckStatus::Pass : CheckStatus::Info;
    return {makeSummary(CheckKind::AdapterMerge, status, headline,
                        {keyCount("adapted modules", static_cast<std::int64_t>(check.modules.size())),
                         keyCount("modules changed by merge", m_differing),
                         keyMeasure("max output |Δ|", m_worstOutput, "absolute"),
                         keyText("probe inputs", "prompt activations (" + side.label + " forward, first " +
                                                     std::to_string(kProbeRows) + " token rows)")},
                        rule, what),
            std::move(check)};
}

}  // namespace ql::checks
