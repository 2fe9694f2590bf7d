#include "model/rms_norm.h"

namespace ql::model {

at::Tensor rmsNorm(const at::Tensor& hidden, const at::Tensor& weight, double eps) {
    const at::ScalarType inputType = hidden.scalar_type();
    at::Tensor x = hidden.to(at::kFloat);
    at::Tensor variance = x.pow(2).mean(-1, /*keepdim=*/true);
    at::Tensor scale = at::rsqrt(variance + eps);
    // In place only on tensors made here (the fp32 copy, the cast back): the same multiply kernels
    // as transformers' out-of-place ops, without their temporaries.
    x = x.is_same(hidden) ? x * scale : x.mul_(scale);
    at::Tensor y = x.to(inputType);
    const bool ownY = !y.is_same(hidden);
    if (ownY && weight.scalar_type() == inputType && weight.dim() <= y.dim() &&
        at::infer_size(weight.sizes(), y.sizes()) == y.sizes()) {
        return y.mul_(weight);  // weight * y == y * weight bit for bit (one rounded product)
    }
    return weight * y;
}

}  // namespace ql::model
