// The one table of a decoder layer's Linears (transformers' LlamaDecoderLayer / Qwen3DecoderLayer):
// their checkpoint paths, their layer types, the order the forward runs them in and where their input
// comes from. Loading, the module list of a report, the inspector's module table and the verify walk
// all read this table; nothing else lists the projections.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "quantlens/model_config.h"

namespace ql::model {

// Where a Linear's input comes from inside the layer; the forward runs the groups in this order.
enum class LinearInput {
    AttentionIn,   // input_layernorm(h): q_proj, k_proj, v_proj
    AttentionOut,  // the attention's output: o_proj
    MlpIn,         // post_attention_layernorm(h): gate_proj, up_proj
    MlpHidden,     // act(gate) * up: down_proj
};

enum class LinearKind { Q, K, V, O, Gate, Up, Down };

struct DecoderLinear {
    LinearKind kind;
    std::string_view path;  // inside the layer: "self_attn.q_proj"
    std::string_view type;  // "q_proj"
    LinearInput input;
};

inline constexpr std::size_t kDecoderLinearCount = 7;

// The seven Linears of a decoder layer in forward order (q, k, v, o, gate, up, down).
const std::array<DecoderLinear, kDecoderLinearCount>& decoderLinears();
const DecoderLinear& decoderLinear(LinearKind kind);

// A decoder layer's RMSNorm weights (same transformers classes): the input norm before the attention,
// the post-attention norm before the MLP, and Qwen3's per-head q/k norms inside the attention. Never
// quantized; listed here so that loading, the expected parameters and the demo model read one list.
enum class NormKind { Input, PostAttention, Q, K };

struct DecoderNorm {
    NormKind kind;
    std::string_view path;  // inside the layer: "input_layernorm"
    bool perHead;           // size head_dim (q/k norms), else hidden_size
    bool qwen3Only;
};

// The norms of a layer of `config`, in table order (input, post-attention, q, k; q/k for Qwen3 only).
std::vector<DecoderNorm> layerNorms(const ModelConfig& config);
std::int64_t normSize(const ModelConfig& config, const DecoderNorm& norm);
// "model.layers.3.input_layernorm.weight"
std::string normWeightName(int layer, const DecoderNorm& norm);

// One quantizable Linear of a model: a decoder projection or the output head.
struct ModuleRef {
    std::string name;                 // "model.layers.3.self_attn.q_proj", "lm_head"
    int layer = -1;                   // decoder layer; -1 for lm_head
    std::string type;                 // "q_proj", ..., "lm_head"
    LinearKind kind = LinearKind::Q;  // meaningless for lm_head
    bool hasBias = false;
    std::int64_t inFeatures = 0;
    std::int64_t outFeatures = 0;
    bool isHead() const { return layer < 0; }
};

ModuleRef decoderModule(const ModelConfig& config, int layer, const DecoderLinear& linear);
ModuleRef headModule(const ModelConfig& config);
// Every decoder Linear layer by layer in forward order, then lm_head (torchao's default filter
// quantizes all of them).
std::vector<ModuleRef> linearModules(const ModelConfig& config);

}  // namespace ql::model
