// Check 2: per quantized Linear, the effective weight of each side (after its LoRA form), compared
// under the weight tolerance in one pass (DiffStream): sums, group map, worst elements, the
// unquantized weight's histogram. Fed by the lockstep forward (check_forward.cpp) with the Linears
// each side prepared for its own forward: one decoder layer per side in memory at a time.
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

Result<WeightModuleResult> compareModule(Context& ctx, const ModuleRef& m, const model::PreparedLinear& train,
                                         const model::PreparedLinear& eval, DiffAccumulator& overall) {
    const at::Tensor& raw = eval.rawWeight;  // the unquantized eval weight (merged for form M)
    if (!train.weight.sizes().equals(eval.weight.sizes()) || raw.dim() != 2) {
        return makeError(ErrorCode::InvalidInput, "train and eval weights differ in shape");
    }
    const std::int64_t rows = raw.size(0), cols = raw.size(1);
    WeightModuleResult r;
    r.module = m.name;
    r.layerIndex = m.layer;
    r.layerType = m.type;
    r.shape = {rows, cols};
    r.groupSize = eval.quantized ? fakeGroupSize(*ctx.eval) : 0;
    DiffStream stream(rows, cols, {ctx.request->weightTolerance, r.groupSize > 0 ? r.groupSize : cols, 32, false});
    stream.add(compared(train), compared(eval), 0, raw);
    r.diff = stream.sums().result();
    overall.merge(stream.sums());
    r.pass = r.diff.outOfTolerance == 0;
    r.groupError = stream.groupMap();
    r.worst = stream.worst();
    FiniteRange range;
    range.add(raw);
    std::vector<std::uint64_t> counts(kHistogramBins, 0);
    if (range.lo <= range.hi) {
        addHistc(raw, range.lo, range.hi, counts);
    }
    r.originalHistogram = histogramOf(range, std::move(counts));
    const auto& quant = ctx.eval->run.form.quant;
    if (!r.worst.empty() && eval.quantized && quant->weight.kind == quant::FqKind::Int4Plain) {
        r.quantGrid = quantGrid(raw.narrow(0, r.worst.front().row, 1), r.groupSize, r.worst.front(), quant->weight.device);
    }
    LoraStats lora;
    lora.add(train.lora ? train : eval);
    if (lora.count > 0) {
        r.loraDeltaMaxAbs = lora.maxAbs;
        r.loraDeltaRms = std::sqrt(lora.sumSq / static_cast<double>(lora.count));
    }
    return r;
}

}  // namespace

WeightsPass::WeightsPass(Context& ctx) : m_ctx(ctx) {}

bool WeightsPass::add(const ModuleRef& m, const model::PreparedLinear& train, const model::PreparedLinear& eval) {
    const auto total = static_cast<std::int64_t>(m_ctx.modules.size());
    if (!m_ctx.tick("weights", m.name, m_done++, total)) {
        return false;
    }
    auto r = compareModule(m_ctx, m, train, eval, m_overall);
    if (!r) {
        m_ctx.report->warnings.push_back({"skipped_module", m.name, r.error().message});
        return true;
    }
    m_check.modulesDiffering += r->diff.bitExact() ? 0 : 1;
    m_check.modules.push_back(std::move(*r));
    return true;
}

void WeightsPass::finish() {
    Context& ctx = m_ctx;
    WeightsCheck& check = m_check;
    check.overall = m_overall.result();
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
}

}  // namespace ql::checks
