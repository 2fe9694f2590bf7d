// One decoder layer (hf-peft-formats.md §2.5-§2.6), transformers' op order:
//   r = h; h = input_layernorm(h); h = self_attn(h); h = r + h;
//   r = h; h = post_attention_layernorm(h); h = down(silu(gate(h)) * up(h)); h = r + h.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <string>

#include "model/attention.h"
#include "model/layer_weights.h"
#include "model/rotary.h"
#include "quantlens/model_config.h"

namespace ql::model {

// Called with every Linear's input and output (module name, [B, S, in], [B, S, out]); copy what you
// keep: the forward may reuse the memory afterwards.
using LinearHook =
    std::function<void(const std::string& module, const at::Tensor& input, const at::Tensor& output)>;

struct LayerContext {
    const ModelConfig* config = nullptr;
    AttentionImpl attention = AttentionImpl::Sdpa;
    const RopeTables* rope = nullptr;
    const AttentionMask* mask = nullptr;  // the mask of this layer's type
    const LinearHook* linearHook = nullptr;  // may be null
};

Result<at::Tensor> decoderLayer(const at::Tensor& hidden, const LayerWeights& weights, const LayerContext& ctx);

// runLinear + the optional hook.
Result<at::Tensor> applyLinear(const PreparedLinear& linear, const at::Tensor& x, const LinearHook* hook);

}  // namespace ql::model
