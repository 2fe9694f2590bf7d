// RMSNorm exactly as transformers' LlamaRMSNorm / Qwen3RMSNorm.forward
// (models/qwen3/modeling_qwen3.py).
#pragma once

#include <ATen/ATen.h>

namespace ql::model {

// x32 = h.to(fp32); x32 *= rsqrt(mean(x32^2, -1) + eps); return weight * x32.to(h.dtype).
at::Tensor rmsNorm(const at::Tensor& hidden, const at::Tensor& weight, double eps);

}  // namespace ql::model
