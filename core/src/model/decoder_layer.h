// One decoder layer in transformers' op order:
//   r = h; h = input_layernorm(h); h = self_attn(h); h = r + h;
//   r = h; h = post_attention_layernorm(h); h = down(silu(gate(h)) * up(h)); h = r + h.
// The layer runs as four steps around its Linears (linear_table.h's LinearInput groups), so a caller
// supplies each Linear's output itself: the verify walk streams the weights of several forwards
// together and multiplies them row block by row block.
#pragma once

#include <ATen/ATen.h>

#include <optional>
#include <span>

#include "model/attention.h"
#include "model/linear_table.h"
#include "model/rotary.h"
#include "quantlens/model_config.h"

namespace ql::model {

// The non-Linear parameters of a layer, in the run dtype.
struct LayerNorms {
    at::Tensor input;                // input_layernorm.weight
    at::Tensor postAttention;        // post_attention_layernorm.weight
    std::optional<at::Tensor> q, k;  // Qwen3 q_norm / k_norm
};

struct LayerContext {
    const ModelConfig* config = nullptr;
    AttentionImpl attention = AttentionImpl::Sdpa;
    const RopeTables* rope = nullptr;
    const AttentionMask* mask = nullptr;  // the mask of this layer's type
    // True when nobody else holds the Linear outputs handed to advance(): the elementwise ops that
    // follow them then run in place (the same kernels as transformers' out-of-place ops, bit for bit).
    bool ownsLinearOutputs = true;
};

// One prompt through one layer. Usage: while (!done()) { x = input(); outputs of the group's
// Linears on x, in table order; advance(outputs); } then hidden().
class LayerStepper {
public:
    LayerStepper(at::Tensor hidden, const LayerNorms& norms, const LayerContext& ctx);

    bool done() const { return m_done; }
    LinearInput stage() const { return m_stage; }
    // The input of the current group's Linears, [B, S, in] in the run dtype.
    const at::Tensor& input() const { return m_input; }
    // The Linears of the current group in table order (q, k, v | o | gate, up | down) and their outputs.
    void advance(std::span<const at::Tensor> outputs);
    // The hidden state after the layer (valid once done()).
    const at::Tensor& hidden() const { return m_hidden; }

private:
    void attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v);
    at::Tensor residual(const at::Tensor& r, at::Tensor y) const;

    const LayerNorms* m_norms;
    LayerContext m_ctx;
    LinearInput m_stage = LinearInput::AttentionIn;
    at::Tensor m_hidden;  // the residual stream
    at::Tensor m_input;
    bool m_done = false;
};

// The Linears of `group` in table order.
std::span<const DecoderLinear> linearsOf(LinearInput group);

}  // namespace ql::model
