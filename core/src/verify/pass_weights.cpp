#include "verify/pass_weights.h"

#include <ATen/Parallel.h>

#include <cmath>

#include "quant/lora_kernels.h"
#include "verify/summary.h"

namespace ql::checks {
namespace {

int groupOf(const Side& side) {
    return side.quantized() ? side.run.form.quant->weight.groupSize : 0;
}

bool int4(const Side& side) {
    return side.quantized() && side.run.form.quant->weight.kind == quant::FqKind::Int4Plain;
}

// max |d| and sum d² of each row of an fp32 block, into rows [row0, row0 + n) of the arrays.
void deltaRowStats(const at::Tensor& delta, std::int64_t row0, std::vector<double>& rowMax,
                   std::vector<double>& rowSq) {
    if (!delta.is_cpu()) {  // on the device, row by row, then the two [n] results to the host
        const at::Tensor d = delta.to(at::kDouble);
        const at::Tensor m = d.abs().amax(1).cpu().contiguous(), s = d.pow(2).sum(1).cpu().contiguous();
        std::copy_n(m.data_ptr<double>(), m.numel(), rowMax.begin() + row0);
        std::copy_n(s.data_ptr<double>(), s.numel(), rowSq.begin() + row0);
        return;
    }
    const at::Tensor d = delta.to(at::kFloat).contiguous();
    const std::int64_t rows = d.size(0), k = d.size(1);
    at::parallel_for(0, rows, std::max<std::int64_t>(1, 32768 / k), [&](std::int64_t b, std::int64_t e) {
        quant::kernels::rowAbsMaxSumSq(d.data_ptr<float>() + b * k, e - b, k, rowMax.data() + row0 + b,
                                       rowSq.data() + row0 + b);
    });
}

}  // namespace

void WeightsPass::beginModule(const model::ModuleRef& m, const ModuleInputs&) {
    m_module = WeightModuleResult{};
    m_module.module = m.name;
    m_module.layerIndex = m.layer;
    m_module.layerType = m.type;
    m_module.shape = {m.outFeatures, m.inFeatures};
    m_module.groupSize = m_plan.eval->quantizes(m) ? groupOf(*m_plan.eval) : 0;
    m_module.trainGroupSize = m_plan.train->quantizes(m) ? groupOf(*m_plan.train) : 0;
    const std::int64_t mapGroup = m_module.groupSize > 0 ? m_module.groupSize : m.inFeatures;
    m_stream.emplace(m.outFeatures, m.inFeatures, DiffStream::Options{m_tolerance, mapGroup, 32, false});
    m_original.emplace();
    m_deltaRowMax.assign(static_cast<std::size_t>(m.outFeatures), 0.0);
    m_deltaRowSq.assign(static_cast<std::size_t>(m.outFeatures), 0.0);
    m_hasDelta = false;
}

void WeightsPass::addRows(const model::ModuleRef&, const ModuleRows& rows) {
    // The eval side's int4 grid rides along with the worst elements (the report's quant_grid).
    GroupGrid grid{rows.eval.groupScale, rows.eval.groupZero, m_module.groupSize};
    const bool withGrid = int4(*m_plan.eval) && rows.eval.groupScale.defined() && m_module.groupSize > 0;
    m_stream->add(rows.train.effective, rows.eval.effective, rows.row0, rows.eval.base, withGrid ? &grid : nullptr);
    m_original->add(rows.eval.base);
    const SideRows* lora = rows.train.loraUnmerged ? &rows.train : (rows.eval.loraUnmerged ? &rows.eval : nullptr);
    if (lora != nullptr) {
        deltaRowStats(lora->delta, rows.row0, m_deltaRowMax, m_deltaRowSq);
        m_hasDelta = true;
    }
}

void WeightsPass::endModule(const model::ModuleRef&) {
    WeightModuleResult& r = m_module;
    r.diff = m_stream->sums().result();
    m_overall.merge(m_stream->sums());
    r.pass = r.diff.outOfTolerance == 0;
    r.groupError = m_stream->groupMap();
    r.worst = m_stream->worst();
    r.originalHistogram = m_original->finish();
    if (const auto grid = m_stream->worstGrid()) {  // min + q·scale, q = 0..15 (int4 PLAIN: zero = min + 8·scale)
        for (int q = 0; q < 16; ++q) {
            r.quantGrid.push_back((q - 8) * grid->first + grid->second);
        }
    }
    if (m_hasDelta) {
        double maxAbs = 0.0, sumSq = 0.0;
        for (std::size_t i = 0; i < m_deltaRowMax.size(); ++i) {  // rows in order: the same sum however split
            maxAbs = std::max(maxAbs, m_deltaRowMax[i]);
            sumSq += m_deltaRowSq[i];
        }
        r.loraDeltaMaxAbs = maxAbs;
        r.loraDeltaRms = std::sqrt(sumSq / static_cast<double>(r.shape[0] * r.shape[1]));
    }
    m_check.modulesDiffering += r.diff.bitExact() ? 0 : 1;
    m_check.modules.push_back(std::move(r));
    m_stream.reset();
    m_original.reset();
}

std::pair<CheckSummary, WeightsCheck> WeightsPass::finish() const {
    WeightsCheck check = m_check;
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
    std::string rule = "pass when every module's train and eval dense maps agree within the weight tolerance (" +
                       toleranceText(m_tolerance) + "; Polygraphy rule |a-b| <= atol OR |a-b| <= rtol·|b|)";
    std::string what =
        "Compared, per quantized Linear, the weight each side's forward really applies: its fake-quantized "
        "base plus, for an adapter kept unmerged, s·BA (FQ(W) + s·BA), or the fake quant of the merged "
        "weight FQ(W + s·BA) for a side that merges. ";
    if (n == 0) {
        what += "No module could be compared (see warnings).";
    } else if (pass) {
        what +=
            "Every module agrees, so both sides quantize and apply the adapter alike: differences in the logits "
            "come from elsewhere (attention, dtype, prompts).";
    } else {
        what += std::to_string(failing) +
                " modules exceed the tolerance: the two sides do not compute the same "
                "weights. The config check names the setting that differs; when only the adapter form differs, the "
                "adapter-merge check shows what merging changes. Open the worst module to see which groups moved.";
    }
    return {
        makeSummary(
            CheckKind::Weights, n == 0 ? CheckStatus::Error : (pass ? CheckStatus::Pass : CheckStatus::Fail), headline,
            {keyCount("modules", static_cast<std::int64_t>(n)), keyCount("differing modules", check.modulesDiffering),
             keyMeasure("max |Δ|", check.overall.maxAbs, "absolute"),
             keyMeasure("SQNR dB", check.overall.sqnrDb, "decibel")},
            rule, what),
        std::move(check)};
}

}  // namespace ql::checks
