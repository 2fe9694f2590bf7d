// Scaled dot-product attention of one layer, as transformers' eager_attention_forward and
// sdpa_attention_forward (integrations/sdpa_attention.py) call it, with the masks masking_utils
// builds for an unpadded prefill (causal; sliding window: key kv visible to query q iff
// q - W < kv <= q).
#pragma once

#include <ATen/ATen.h>

#include <optional>

#include "quantlens/model_forms.h"

namespace ql::model {

// The mask one layer type gets, per implementation: eager an additive [1,1,S,S] mask in the
// hidden dtype (0 / finfo.min); SDPA none (is_causal) unless the window is shorter than S, then a
// boolean [1,1,S,S] mask.
struct AttentionMask {
    std::optional<at::Tensor> mask;
};

AttentionMask makeAttentionMask(AttentionImpl impl, std::int64_t seqLen, std::optional<std::int64_t> window,
                                at::ScalarType dtype, const at::Device& device);

// q [B, nH, S, D], k/v [B, nKV, S, D] (RoPE applied) -> [B, S, nH, D] contiguous.
at::Tensor attend(AttentionImpl impl, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                  const AttentionMask& mask, double scaling);

// repeat_kv: [B, nKV, S, D] -> [B, nKV*nRep, S, D] (each KV head repeated nRep times in a row).
at::Tensor repeatKv(const at::Tensor& x, std::int64_t nRep);

}  // namespace ql::model
