#include "model/linear_identity.h"

namespace ql::model {
namespace {

bool sameOptional(const std::optional<at::Tensor>& a, const std::optional<at::Tensor>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || sameTensorValues(*a, *b);
}

bool sameLora(const std::optional<LoraFactors>& a, const std::optional<LoraFactors>& b) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    return a->scaling == b->scaling && a->fanInFanOut == b->fanInFanOut && sameTensorValues(a->a, b->a) &&
           sameTensorValues(a->b, b->b) && sameOptional(a->bBias, b->bBias) && sameOptional(a->magnitude, b->magnitude);
}

}  // namespace

bool sameTensorValues(const at::Tensor& a, const at::Tensor& b) {
    if (a.defined() != b.defined()) return false;
    if (!a.defined()) return true;
    if (a.scalar_type() != b.scalar_type() || a.device() != b.device() || !a.sizes().equals(b.sizes())) return false;
    if (a.data_ptr() == b.data_ptr() && a.strides().equals(b.strides())) return true;
    return at::equal(a, b);
}

bool sameLinearRows(const PreparedLinear& a, const PreparedLinear& b) {
    if (a.activation || b.activation || a.int4 || b.int4) return false;
    if (!sameTensorValues(a.kernelWeight, b.kernelWeight) || !sameOptional(a.bias, b.bias) ||
        !sameLora(a.lora, b.lora)) {
        return false;
    }
    if (!a.kernelWeight.defined() && !sameTensorValues(a.weight, b.weight)) return false;
    const bool dora = a.lora && a.lora->magnitude;
    return !dora || sameTensorValues(a.rawWeight, b.rawWeight);
}

}  // namespace ql::model
