#include "model/lora_merge.h"

namespace ql::model {

at::Tensor loraDelta(const LoraFactors& lora) {
    const at::ScalarType dtype = lora.b.scalar_type();
    const bool castToFp32 = lora.b.device().is_cpu() && (dtype == at::kHalf || dtype == at::kBFloat16);
    at::Tensor a = castToFp32 ? lora.a.to(at::kFloat) : lora.a;
    at::Tensor b = castToFp32 ? lora.b.to(at::kFloat) : lora.b;
    at::Tensor product = at::matmul(b, a);
    at::Tensor delta = (lora.fanInFanOut ? product.t() : product) * lora.scaling;
    return castToFp32 ? delta.to(dtype) : delta;
}

namespace {

// `W.data += delta`: in-place add with type promotion, i.e. computed in the promoted dtype and
// rounded once to W's dtype.
at::Tensor addInPlaceSemantics(const at::Tensor& w, const at::Tensor& delta) {
    const at::ScalarType common = at::promote_types(w.scalar_type(), delta.scalar_type());
    return (w.to(common) + delta.to(common)).to(w.scalar_type());
}

// DoraLinearVariant.merge_unsafe.
at::Tensor doraMerge(const at::Tensor& w, const at::Tensor& delta, const at::Tensor& magnitude, bool fanInFanOut) {
    at::Tensor lora = fanInFanOut ? delta.t() : delta;  // get_weight_norm(base, transpose(delta), scaling=1)
    at::Tensor base = fanInFanOut ? w.t() : w;
    at::Tensor combined = base + 1 * lora;
    at::Tensor norm = at::linalg_vector_norm(combined, 2, at::IntArrayRef{1}).to(combined.scalar_type());
    at::Tensor factor = magnitude / norm;
    factor = factor.view({-1, 1});
    if (fanInFanOut) {
        factor = factor.t();
    }
    return (factor * (w + delta)).to(w.scalar_type());
}

}  // namespace

MergedLinear mergeLora(const at::Tensor& weight, const std::optional<at::Tensor>& bias, const LoraFactors& lora) {
    at::Tensor delta = loraDelta(lora);
    MergedLinear merged;
    merged.weight = lora.magnitude ? doraMerge(weight, delta, *lora.magnitude, lora.fanInFanOut)
                                   : addInPlaceSemantics(weight, delta);
    merged.bias = bias;
    if (bias && lora.bBias) {
        merged.bias = addInPlaceSemantics(*bias, *lora.bBias * lora.scaling);
    }
    return merged;
}

}  // namespace ql::model
