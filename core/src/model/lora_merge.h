// LoRA merge exactly as PEFT 0.21 lora.Linear.merge(safe_merge=False) / merge_and_unload
// (peft tuners/lora/layer.py Linear.get_delta_weight; DoRA: tuners/lora/dora.py DoraLinearLayer):
// delta = transpose(B @ A, fan_in_fan_out) * scaling in the LoRA dtype
// (fp32 on the CPU for bf16/fp16 factors, cast back), W' = W += delta (one rounding to W's dtype),
// DoRA: W' = (m / ||W + delta||_row) * (W + delta); b' = b + lora_B.bias * scaling.
#pragma once

#include <ATen/ATen.h>

#include <optional>

#include "model/adapter_weights.h"

namespace ql::model {

// get_delta_weight: [out, in] in the factors' dtype.
at::Tensor loraDelta(const LoraFactors& lora);

struct MergedLinear {
    at::Tensor weight;
    std::optional<at::Tensor> bias;
};

// Never modifies `weight` / `bias` (they may alias the read-only mapped file).
MergedLinear mergeLora(const at::Tensor& weight, const std::optional<at::Tensor>& bias, const LoraFactors& lora);

}  // namespace ql::model
