// Check 6: what merging the LoRA into the fake-quantized base does, per adapted module:
// FQ(bf16(W + s·BA)) (merged, PEFT merge_and_unload then QAT) vs FQ(W) + s·BA (training's map),
// in weight space and on the module's inputs in the adapter side's forward over the prompts (the
// first kProbeRows token rows; seeded N(0,1) rows when the forward did not run); which groups'
// quant scale the merge moved.
#include <ATen/CPUGeneratorImpl.h>

#include "model/lora_merge.h"
#include "verify/metrics.h"
#include "verify/verify_parts.h"

namespace ql::checks {
namespace {

constexpr std::uint64_t kProbeSeed = 1234;

bool merges(const Side& s) { return s.run.form.form == LinearForm::M; }

// The module's inputs from the side's forward on the prompts, else seeded N(0, 1) rows.
at::Tensor probeInputs(const Context& ctx, const std::string& module, std::int64_t in, bool& fromPrompts) {
    auto it = ctx.probeInputs.find(module);
    fromPrompts = it != ctx.probeInputs.end() && it->second.size(-1) == in;
    if (fromPrompts) {
        return it->second.to(at::kFloat);
    }
    return at::randn({kProbeRows, in}, at::detail::createCPUGenerator(kProbeSeed), at::TensorOptions().dtype(at::kFloat));
}

Result<std::optional<AdapterMergeModule>> mergeModule(const Context& ctx, const Side& side, const ModuleRef& m,
                                                      const Tolerance& tol, bool& fromPrompts) {
    auto slot = side.lm->loader().slot(m.name, m.hasBias, side.run);
    if (!slot) return slot.error();
    if (!slot->lora) return std::optional<AdapterMergeModule>{};
    const at::Tensor base = slot->weight;
    model::FormSpec unmergedSpec{LinearForm::T, side.run.form.quant};
    model::FormSpec mergedSpec{LinearForm::M, side.run.form.quant};
    auto unmerged = model::prepareLinear(*slot, unmergedSpec, true);
    if (!unmerged) return unmerged.error();
    auto merged = model::prepareLinear(std::move(*slot), mergedSpec, true);
    if (!merged) return merged.error();
    at::Tensor ref = effectiveWeight(*unmerged);  // FQ(W) + s·BA
    at::Tensor got = effectiveWeight(*merged);    // FQ(bf16(W + s·BA))
    AdapterMergeModule r;
    r.module = m.name;
    r.weight = diffMetrics(got, ref, tol);
    at::Tensor x = probeInputs(ctx, m.name, base.size(1), fromPrompts);
    r.output = diffMetrics(at::matmul(x, got.t()), at::matmul(x, ref.t()), tol);
    r.deltaMaxAbs = model::loraDelta(*unmerged->lora).abs().max().item<double>();
    const auto& spec = side.run.form.quant->weight;
    if (spec.kind == quant::FqKind::Int4Plain && base.size(1) % spec.groupSize == 0) {
        at::Tensor s0 = int4ScaleZero(base, spec.groupSize, spec.device).first;
        at::Tensor s1 = int4ScaleZero(merged->rawWeight, spec.groupSize, spec.device).first;
        r.groupsScaleChanged = s0.ne(s1).sum().item<std::int64_t>();
        r.groupsTotal = s0.numel();
    }
    return std::optional<AdapterMergeModule>(std::move(r));
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

const Side* adapterSide(const Context& ctx) {
    if (ctx.eval->recipe->adapter && merges(*ctx.eval)) return ctx.eval;
    if (ctx.train->recipe->adapter && merges(*ctx.train)) return ctx.train;
    if (ctx.eval->recipe->adapter) return ctx.eval;
    if (ctx.train->recipe->adapter) return ctx.train;
    return nullptr;
}

Status runAdapterMergeCheck(Context& ctx) {
    const Side* side = adapterSide(ctx);
    if (!side || !side->quantized()) {
        addSummary(*ctx.report, CheckKind::AdapterMerge, CheckStatus::Skipped,
                   side ? "no quantization on the adapter's side" : "no adapter on either side", {});
        return Ok{};
    }
    AdapterMergeCheck check;
    const auto total = static_cast<std::int64_t>(ctx.modules.size());
    std::int64_t differing = 0, fromPromptsCount = 0;
    double worstOut = 0.0;
    for (std::int64_t i = 0; i < total; ++i) {
        const ModuleRef& m = ctx.modules[static_cast<std::size_t>(i)];
        if (!ctx.tick("adapter merge", m.name, i, total)) return cancelled();
        bool fromPrompts = false;
        auto r = mergeModule(ctx, *side, m, ctx.request->weightTolerance, fromPrompts);
        if (!r) {
            ctx.report->warnings.push_back({"skipped_module", m.name, "adapter merge: " + r.error().message});
            continue;
        }
        if (!*r) continue;
        differing += (*r)->weight.outOfTolerance > 0 ? 1 : 0;
        fromPromptsCount += fromPrompts ? 1 : 0;
        worstOut = std::max(worstOut, (*r)->output.maxAbs);
        check.modules.push_back(std::move(**r));
    }
    const bool mergeMismatch = merges(*ctx.train) != merges(*ctx.eval);
    const bool fail = mergeMismatch && differing > 0;
    check.recommendation = recommendation(differing > 0);
    std::string headline = std::to_string(differing) + " of " + std::to_string(check.modules.size()) +
                           " adapted modules change when merged (max output |Δ| " + fmt(worstOut) + ")";
    std::string why = fail ? side->label + " merges the LoRA into the base and the other side keeps it unmerged: " +
                                 check.recommendation
                           : (mergeMismatch ? "" : "Both sides use the same LoRA form; shown for information.");
    addSummary(*ctx.report, CheckKind::AdapterMerge, fail ? CheckStatus::Fail : CheckStatus::Pass, headline,
               {{"adapted modules", std::to_string(check.modules.size())},
                {"modules changed by merge", std::to_string(differing)},
                {"max output |Δ|", fmt(worstOut)},
                {"probe inputs", fromPromptsCount == static_cast<std::int64_t>(check.modules.size())
                                     ? "prompt activations (" + side->label + " forward)"
                                     : std::to_string(fromPromptsCount) + " modules on prompt activations, the rest on "
                                                                          "seeded N(0,1) rows"}},
               why);
    ctx.report->adapterMerge = std::move(check);
    return Ok{};
}

}  // namespace ql::checks
