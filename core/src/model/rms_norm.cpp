#include "model/rms_norm.h"

namespace ql::model {

at::Tensor rmsNorm(const at::Tensor& hidden, const at::Tensor& weight, double eps) {
    const at::ScalarType inputType = hidden.scalar_type();
    at::Tensor x = hidden.to(at::kFloat);
    at::Tensor variance = x.pow(2).mean(-1, /*keepdim=*/true);
    x = x * at::rsqrt(variance + eps);
    return weight * x.to(inputType);
}

}  // namespace ql::model
