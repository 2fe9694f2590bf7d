#include "verify/pass_diagnosis.h"

#include "verify/metrics.h"

namespace ql::checks {
namespace {

// Bit-identical as the weights check compares them: both as fp32 (exact for bf16, fp16 and fp32).
bool identical(const at::Tensor& a, const at::Tensor& b) {
    return at::equal(a.to(at::kFloat), b.to(at::kFloat));
}

}  // namespace

DiagnosisPass::DiagnosisPass(const WalkPlan& plan, const Tolerance& logitTolerance)
    : m_plan(plan),
      m_tolerance(logitTolerance),
      m_effects(1 + plan.variants.size()),
      m_moduleDiffers(1 + plan.variants.size(), 0) {}

void DiagnosisPass::beginModule(const model::ModuleRef&, const ModuleInputs&) {
    std::fill(m_moduleDiffers.begin(), m_moduleDiffers.end(), 0);
}

void DiagnosisPass::addRows(const model::ModuleRef&, const ModuleRows& rows) {
    for (std::size_t k = 0; k < m_effects.size(); ++k) {
        const SideRows& r = k == 0 ? rows.eval : rows.variants[k - 1];
        const bool differs = !identical(rows.train.effective, r.effective);
        if (differs) {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_moduleDiffers[k] = 1;
        }
    }
}

void DiagnosisPass::endModule(const model::ModuleRef&) {
    for (std::size_t k = 0; k < m_effects.size(); ++k) {
        m_effects[k].weightsModulesDiffering += m_moduleDiffers[k];
    }
}

void DiagnosisPass::addLogits(const std::vector<std::vector<at::Tensor>>& logits) {
    const auto& train = logits[trackIndex(Track::Train)];
    for (std::size_t k = 0; k < m_effects.size(); ++k) {
        const auto& other = logits[k == 0 ? trackIndex(Track::Eval) : m_plan.variantTrack(k - 1)];
        DiffAccumulator acc;
        std::vector<at::Tensor> a, b;
        for (std::size_t p = 0; p < train.size(); ++p) {
            const at::Tensor t = train[p].to(at::kCPU), o = other[p].to(at::kCPU);
            acc.add(t, o, m_tolerance);
            a.push_back(t.reshape({-1, t.size(-1)}));
            b.push_back(o.reshape({-1, o.size(-1)}));
        }
        const DiffMetrics d = acc.result();
        m_effects[k].logitsMaxAbs = d.maxAbs;
        m_effects[k].logitsOutOfTolerance = d.outOfTolerance;
        m_effects[k].logitsTop1Agreement = topKAgreement(at::cat(a), at::cat(b), 1);
    }
}

}  // namespace ql::checks
