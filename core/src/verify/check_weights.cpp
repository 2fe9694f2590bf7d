// Check 2: per quantized Linear, the effective weight of each side (after its LoRA form), compared
// under the weight tolerance. Streams one module at a time; both sides read the same mmapped files.
#include "model/lora_merge.h"
#include "verify/metrics.h"
#include "verify/verify_parts.h"

namespace ql::checks {
namespace {

int fakeGroupSize(const Side& side) {
    return side.quantized() ? side.run.form.quant->weight.groupSize : 0;
}

// Grid of the eval side's group holding the worst element: min + q·scale, q = 0..15 (int4 PLAIN).
std::vector<double> quantGrid(const at::Tensor& w, int groupSize, const WorstElement& worst,
                              quant::DeviceSemantics device) {
    if (groupSize <= 0 || w.size(1) % groupSize != 0) {
        return {};
    }
    auto [s, z] = int4ScaleZero(w, groupSize, device);
    const double scale = s[worst.row][worst.col / groupSize].item<double>();
    const double zero = z[worst.row][worst.col / groupSize].item<double>();
    std::vector<double> grid;
    for (int q = 0; q < 16; ++q) {
        grid.push_back((q - 8) * scale + zero);
    }
    return grid;
}

void fillLora(WeightModuleResult& r, const model::PreparedLinear& train, const model::PreparedLinear& eval) {
    const model::PreparedLinear& p = train.lora ? train : eval;
    if (!p.lora) {
        return;
    }
    at::Tensor delta = model::loraDelta(*p.lora).to(at::kDouble);
    r.loraDeltaMaxAbs = delta.abs().max().item<double>();
    r.loraDeltaRms = delta.pow(2).mean().sqrt().item<double>();
}

Result<WeightModuleResult> compareModule(Context& ctx, const ModuleRef& m, DiffAccumulator& overall) {
    auto train = prepareModule(*ctx.train, m);
    if (!train) {
        return train.error();
    }
    auto eval = prepareModule(*ctx.eval, m);
    if (!eval) {
        return eval.error();
    }
    at::Tensor a = effectiveWeight(*train), b = effectiveWeight(*eval);
    WeightModuleResult r;
    r.module = m.name;
    r.layerIndex = m.layer;
    r.layerType = m.type;
    r.shape = {b.size(0), b.size(1)};
    r.groupSize = eval->quantized ? fakeGroupSize(*ctx.eval) : 0;
    r.diff = diffMetrics(a, b, ctx.request->weightTolerance);
    overall.add(a, b, ctx.request->weightTolerance);
    r.pass = r.diff.outOfTolerance == 0;
    r.groupError = groupErrorMap(a, b, r.groupSize);
    r.worst = worstElements(a, b, eval->rawWeight);
    r.originalHistogram = linearHistogram(eval->rawWeight);
    if (!r.worst.empty() && eval->quantized && ctx.eval->run.form.quant->weight.kind == quant::FqKind::Int4Plain) {
        r.quantGrid = quantGrid(eval->rawWeight, r.groupSize, r.worst.front(), ctx.eval->run.form.quant->weight.device);
    }
    fillLora(r, *train, *eval);
    return r;
}

}  // namespace

Status runWeightsCheck(Context& ctx) {
    WeightsCheck check;
    DiffAccumulator overall;
    const auto total = static_cast<std::int64_t>(ctx.modules.size());
    for (std::int64_t i = 0; i < total; ++i) {
        const ModuleRef& m = ctx.modules[static_cast<std::size_t>(i)];
        if (!ctx.tick("weights", m.name, i, total)) {
            return cancelled();
        }
        auto r = compareModule(ctx, m, overall);
        if (!r) {
            ctx.report->warnings.push_back({"skipped_module", m.name, r.error().message});
            continue;
        }
        check.modulesDiffering += r->diff.bitExact() ? 0 : 1;
        check.modules.push_back(std::move(*r));
    }
    check.overall = overall.result();
    std::int64_t failing = 0;
    for (const auto& r : check.modules) {
        failing += r.pass ? 0 : 1;
    }
    const auto n = static_cast<std::int64_t>(check.modules.size());
    const bool pass = failing == 0 && n > 0;
    std::string headline = check.modulesDiffering == 0
                               ? "all " + std::to_string(n) + " modules bit-identical"
                               : std::to_string(check.modulesDiffering) + " of " + std::to_string(n) +
                                     " modules differ (max |Δ| " + fmt(check.overall.maxAbs) + ")";
    std::string why;
    if (!pass && n > 0) {
        why = std::to_string(failing) + " modules exceed the weight tolerance (atol " +
              fmt(ctx.request->weightTolerance.atol) + ", rtol " + fmt(ctx.request->weightTolerance.rtol) +
              "): the two sides do not compute the same effective weights; see the config and adapter-merge checks.";
    } else if (n == 0) {
        why = "no module could be compared (see warnings)";
    }
    addSummary(*ctx.report, CheckKind::Weights, n == 0 ? CheckStatus::Error : (pass ? CheckStatus::Pass : CheckStatus::Fail),
               headline,
               {{"modules", std::to_string(n)},
                {"differing modules", std::to_string(check.modulesDiffering)},
                {"max |Δ|", fmt(check.overall.maxAbs)},
                {"SQNR dB", fmt(check.overall.sqnrDb)}},
               why);
    ctx.report->weights = std::move(check);
    return Ok{};
}

}  // namespace ql::checks
