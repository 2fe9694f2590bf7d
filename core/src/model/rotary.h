// Rotary position embedding as transformers 5 computes it (models/qwen3/modeling_qwen3.py
// Qwen3RotaryEmbedding, apply_rotary_pos_emb; modeling_rope_utils.py): inv_freq at
// init in fp32 (default, linear, llama3), cos/sin per forward in fp32 then cast to the hidden
// dtype, rotate_half application.
#pragma once

#include <ATen/ATen.h>

#include "quantlens/model_config.h"

namespace ql::model {

// inv_freq [D/2] fp32 on the CPU, with the rope_type's scaling applied, as the reference's
// rope init functions compute it (same ATen ops and order).
at::Tensor ropeInvFreq(const ModelConfig& config);

struct RopeTables {
    at::Tensor cos;  // [B, S, D] in the hidden dtype
    at::Tensor sin;
};

// freqs = positions[..., None].float() * inv_freq; emb = cat(freqs, freqs); cos/sin (fp32, times
// attention_scaling 1.0), cast to `dtype`. `positions` int64 [B, S].
RopeTables ropeTables(const at::Tensor& invFreq, const at::Tensor& positions, at::ScalarType dtype);

// q*cos + rotate_half(q)*sin, cos/sin unsqueezed at dim 1 (q: [B, heads, S, D]).
at::Tensor applyRotary(const at::Tensor& x, const RopeTables& rope);

}  // namespace ql::model
