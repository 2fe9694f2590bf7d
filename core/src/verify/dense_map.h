// The dense map of a prepared Linear and the int4 group parameters of a weight, in ATen ops: the
// whole-module path of the verify walk (and the definitions its row-block kernels are tested against).
#pragma once

#include <ATen/ATen.h>

#include <utility>

#include "model/linear_forms.h"
#include "quant/fake_quant_spec.h"

namespace ql::checks {

// The dense map y = W_eff x of a prepared Linear, float32: weight + s·B·A for an unmerged LoRA
// (T' with the fake-quantized factors), m/||W0 + s·BA||_row ⊙ (weight + s·B·A) for unmerged DoRA,
// the weight alone otherwise.
at::Tensor effectiveWeight(const model::PreparedLinear& p);

// Per-group fp32 scale (clamp_min(max - min, 1e-6) / 15 with the device's division) and zero
// (min + 8·scale) of int4 PLAIN, [N, K/g] each: torchao's Int4WeightFakeQuantizer
// (torchao/quantization/qat/fake_quantizer.py) and FBGEMM's int4_row_quantize_zp compute them so.
std::pair<at::Tensor, at::Tensor> int4ScaleZero(const at::Tensor& w, int groupSize, quant::DeviceSemantics device);

}  // namespace ql::checks
