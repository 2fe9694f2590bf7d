// Check 2: per quantized Linear, the effective weight of each side (after its LoRA form), compared
// under the weight tolerance. Streams one module at a time; both sides read the same mmapped files.
#include <cmath>
#include <limits>

#include "model/lora_merge.h"
#include "verify/diff_stream.h"
#include "verify/metrics.h"
#include "verify/verify_parts.h"

namespace ql::checks {
namespace {

int fakeGroupSize(const Side& side) {
    return side.quantized() ? side.run.form.quant->weight.groupSize : 0;
}

// Grid of the eval side's group holding the worst element: min + q·scale, q = 0..15 (int4 PLAIN).
// `row` is that element's row of the eval side's unquantized weight.
std::vector<double> quantGrid(const at::Tensor& row, int groupSize, const WorstElement& worst,
                              quant::DeviceSemantics device) {
    if (groupSize <= 0 || row.size(1) % groupSize != 0) {
        return {};
    }
    auto [s, z] = int4ScaleZero(row, groupSize, device);
    const double scale = s[0][worst.col / groupSize].item<double>();
    const double zero = z[0][worst.col / groupSize].item<double>();
    std::vector<double> grid;
    for (int q = 0; q < 16; ++q) {
        grid.push_back((q - 8) * scale + zero);
    }
    return grid;
}

// max |s·B·A| and its RMS over the module, from the blocks of the side that keeps the LoRA unmerged.
struct LoraStats {
    double maxAbs = 0.0, sumSq = 0.0;
    std::int64_t count = 0;
    void add(const model::PreparedLinear& p) {
        if (!p.lora) {
            return;
        }
        at::Tensor delta = model::loraDelta(*p.lora).to(at::kDouble);
        maxAbs = std::max(maxAbs, delta.abs().max().item<double>());
        sumSq += delta.pow(2).sum().item<double>();
        count += delta.numel();
    }
};

// The two sides of one module, streamed in row blocks.
struct ModulePair {
    const ModuleRef* module;
    model::LinearSlot train, eval;
    std::int64_t rows = 0, cols = 0, block = 0;
};

Result<ModulePair> openPair(Context& ctx, const ModuleRef& m) {
    auto t = moduleSlot(*ctx.train, m);
    if (!t) {
        return t.error();
    }
    auto e = moduleSlot(*ctx.eval, m);
    if (!e) {
        return e.error();
    }
    ModulePair p{&m, std::move(*t), std::move(*e)};
    p.rows = p.eval.weight.size(0);
    p.cols = p.eval.weight.size(1);
    if (!p.train.weight.sizes().equals(p.eval.weight.sizes())) {
        return makeError(ErrorCode::InvalidInput, "train weight " + std::to_string(p.train.weight.size(0)) + "x" +
                                                      std::to_string(p.train.weight.size(1)) + " vs eval " +
                                                      std::to_string(p.rows) + "x" + std::to_string(p.cols));
    }
    const bool local = rowLocal(*ctx.train, p.train) && rowLocal(*ctx.eval, p.eval);
    p.block = blockRows(p.rows, p.cols, local);
    return p;
}

// [min, max] over the finite values of the blocks seen (aminmax straight on the block; the finite
// values are selected only in a block that has others).
struct FiniteRange {
    double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
    void add(const at::Tensor& block) {
        auto [mn, mx] = at::aminmax(block);
        double l = mn.item<double>(), h = mx.item<double>();
        if (!std::isfinite(l) || !std::isfinite(h)) {
            at::Tensor v = block.to(at::kFloat);
            v = v.masked_select(at::isfinite(v));
            if (v.numel() == 0) {
                return;
            }
            l = v.min().item<double>();
            h = v.max().item<double>();
        }
        lo = std::min(lo, l);
        hi = std::max(hi, h);
    }
};

constexpr int kHistogramBins = 64;

Histogram histogramOf(const FiniteRange& range, std::vector<std::uint64_t> counts) {
    Histogram h;
    if (!(range.lo <= range.hi)) {
        return h;
    }
    const auto bins = static_cast<int>(counts.size());
    for (int i = 0; i <= bins; ++i) {
        h.edges.push_back(range.lo + (range.hi - range.lo) * i / bins);
    }
    h.counts = std::move(counts);
    return h;
}

// The side's weight as the comparison reads it: the prepared weight itself (bf16 read in place)
// without a LoRA, else the dense fp32 map.
at::Tensor compared(const model::PreparedLinear& p) { return p.lora ? effectiveWeight(p) : p.weight; }

// Signed histogram of the eval side's unquantized weight over its [min, max] (linearHistogram's
// definition), in two passes over the row blocks: range, then torch.histc per block.
Result<Histogram> originalHistogram(Context& ctx, const ModulePair& p, const FiniteRange& range) {
    const double lo = range.lo, hi = range.hi;
    std::vector<std::uint64_t> counts(kHistogramBins, 0);
    if (!(lo <= hi)) {
        return Histogram{};
    }
    for (std::int64_t r0 = 0; r0 < p.rows; r0 += p.block) {
        auto e = prepareRows(*ctx.eval, *p.module, p.eval, r0, std::min(p.block, p.rows - r0), false);
        if (!e) {
            return e.error();
        }
        addHistc(e->rawWeight, lo, hi, counts);
    }
    return histogramOf(range, std::move(counts));
}

Result<WeightModuleResult> compareModule(Context& ctx, const ModuleRef& m, DiffAccumulator& overall) {
    auto pair = openPair(ctx, m);
    if (!pair) {
        return pair.error();
    }
    const ModulePair& p = *pair;
    const bool evalQuantized = ctx.eval->quantized() && (m.name != "lm_head" || ctx.eval->run.quantizeLmHead);
    WeightModuleResult r;
    r.module = m.name;
    r.layerIndex = m.layer;
    r.layerType = m.type;
    r.shape = {p.rows, p.cols};
    r.groupSize = evalQuantized ? fakeGroupSize(*ctx.eval) : 0;
    DiffStream stream(p.rows, p.cols, {ctx.request->weightTolerance, r.groupSize > 0 ? r.groupSize : p.cols, 32, false});
    LoraStats lora;
    FiniteRange range;
    // Unless the eval side merges a LoRA, its unquantized weight is the checkpoint's: its range is
    // known up front and the histogram is counted in the same pass.
    const LinearForm evalForm = ctx.eval->run.form.form;
    const bool rangeUpFront = !(p.eval.lora && (evalForm == LinearForm::M || evalForm == LinearForm::Q));
    std::vector<std::uint64_t> counts(kHistogramBins, 0);
    if (rangeUpFront) {
        range.add(p.eval.weight);
    }
    for (std::int64_t r0 = 0; r0 < p.rows; r0 += p.block) {
        const std::int64_t n = std::min(p.block, p.rows - r0);
        auto train = prepareRows(*ctx.train, m, p.train, r0, n);
        if (!train) {
            return train.error();
        }
        auto eval = prepareRows(*ctx.eval, m, p.eval, r0, n);
        if (!eval) {
            return eval.error();
        }
        stream.add(compared(*train), compared(*eval), r0, eval->rawWeight);
        lora.add(train->lora ? *train : *eval);
        if (!rangeUpFront) {
            range.add(eval->rawWeight);
        } else if (range.lo <= range.hi) {
            addHistc(eval->rawWeight, range.lo, range.hi, counts);
        }
    }
    r.diff = stream.sums().result();
    overall.merge(stream.sums());
    r.pass = r.diff.outOfTolerance == 0;
    r.groupError = stream.groupMap();
    r.worst = stream.worst();
    auto hist = rangeUpFront ? Result<Histogram>(histogramOf(range, std::move(counts))) : originalHistogram(ctx, p, range);
    if (!hist) {
        return hist.error();
    }
    r.originalHistogram = std::move(*hist);
    if (!r.worst.empty() && evalQuantized && ctx.eval->run.form.quant->weight.kind == quant::FqKind::Int4Plain) {
        auto row = prepareRows(*ctx.eval, m, p.eval, r.worst.front().row, 1, false);
        if (row) {
            r.quantGrid = quantGrid(row->rawWeight, r.groupSize, r.worst.front(), ctx.eval->run.form.quant->weight.device);
        }
    }
    if (lora.count > 0) {
        r.loraDeltaMaxAbs = lora.maxAbs;
        r.loraDeltaRms = std::sqrt(lora.sumSq / static_cast<double>(lora.count));
    }
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
        prefetchModule(*ctx.train, m);
        prefetchModule(*ctx.eval, m);
        auto r = compareModule(ctx, m, overall);
        releaseModule(*ctx.train, m);
        releaseModule(*ctx.eval, m);
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
