#include "verify/dense_map.h"

#include "model/lora_merge.h"
#include "quant/fake_quant.h"

namespace ql::checks {

at::Tensor effectiveWeight(const model::PreparedLinear& p) {
    at::Tensor w = p.weight.to(at::kFloat);
    if (!p.lora) {
        return w;
    }
    const model::LoraFactors& lora = *p.lora;
    at::Tensor delta = model::loraDelta(lora).to(at::kFloat);
    if (!lora.magnitude) {
        return w + delta;
    }
    // DoRA unmerged (DoraLinearLayer.forward): y = m / ||W0 + s·BA||_row ⊙ (W x + s·B A x) + bias, with
    // W0 the unquantized base and W the base as the side runs it.
    at::Tensor combined = p.rawWeight.to(at::kFloat) + delta;
    if (lora.fanInFanOut) {
        combined = combined.t();
    }
    at::Tensor factor =
        (lora.magnitude->to(at::kFloat) / at::linalg_vector_norm(combined, 2, at::IntArrayRef{1})).view({-1, 1});
    return (lora.fanInFanOut ? factor.t() : factor) * (w + delta);
}

std::pair<at::Tensor, at::Tensor> int4ScaleZero(const at::Tensor& w, int groupSize, quant::DeviceSemantics device) {
    at::Tensor wf = w.to(at::kFloat);
    const std::int64_t n = wf.size(0), k = wf.size(1);
    at::Tensor g = wf.view({n, k / groupSize, groupSize});
    at::Tensor mx = g.amax(-1), mn = g.amin(-1);
    at::Tensor range = at::clamp_min(mx - mn, 1e-6);
    at::Tensor s = quant::divScalar(range, 15, device);
    at::Tensor z = mn + s * 8;
    return {s, z};
}

}  // namespace ql::checks
