#include "model/linear_table.h"

#include "quantlens/linear_types.h"

namespace ql::model {

const std::array<DecoderLinear, kDecoderLinearCount>& decoderLinears() {
    static const std::array<DecoderLinear, kDecoderLinearCount> table{{
        {LinearKind::Q, "self_attn.q_proj", "q_proj", LinearInput::AttentionIn},
        {LinearKind::K, "self_attn.k_proj", "k_proj", LinearInput::AttentionIn},
        {LinearKind::V, "self_attn.v_proj", "v_proj", LinearInput::AttentionIn},
        {LinearKind::O, "self_attn.o_proj", "o_proj", LinearInput::AttentionOut},
        {LinearKind::Gate, "mlp.gate_proj", "gate_proj", LinearInput::MlpIn},
        {LinearKind::Up, "mlp.up_proj", "up_proj", LinearInput::MlpIn},
        {LinearKind::Down, "mlp.down_proj", "down_proj", LinearInput::MlpHidden},
    }};
    return table;
}

const DecoderLinear& decoderLinear(LinearKind kind) {
    return decoderLinears()[static_cast<std::size_t>(kind)];
}

std::vector<DecoderNorm> layerNorms(const ModelConfig& c) {
    static constexpr DecoderNorm kNorms[] = {
        {NormKind::Input, "input_layernorm", false, false},
        {NormKind::PostAttention, "post_attention_layernorm", false, false},
        {NormKind::Q, "self_attn.q_norm", true, true},
        {NormKind::K, "self_attn.k_norm", true, true},
    };
    std::vector<DecoderNorm> out;
    for (const DecoderNorm& n : kNorms) {
        if (!n.qwen3Only || c.family == ModelFamily::Qwen3) out.push_back(n);
    }
    return out;
}

std::int64_t normSize(const ModelConfig& c, const DecoderNorm& n) {
    return n.perHead ? c.headDim : c.hiddenSize;
}

std::string normWeightName(int layer, const DecoderNorm& n) {
    return "model.layers." + std::to_string(layer) + "." + std::string(n.path) + ".weight";
}

ModuleRef decoderModule(const ModelConfig& c, int layer, const DecoderLinear& linear) {
    const std::int64_t attention = c.numAttentionHeads * c.headDim;
    const std::int64_t keyValue = c.numKeyValueHeads * c.headDim;
    ModuleRef m;
    m.name = "model.layers." + std::to_string(layer) + "." + std::string(linear.path);
    m.layer = layer;
    m.type = std::string(linear.type);
    m.kind = linear.kind;
    switch (linear.kind) {
        case LinearKind::Q:
            m.outFeatures = attention, m.inFeatures = c.hiddenSize, m.hasBias = c.qkvBias();
            break;
        case LinearKind::K:
        case LinearKind::V:
            m.outFeatures = keyValue, m.inFeatures = c.hiddenSize, m.hasBias = c.qkvBias();
            break;
        case LinearKind::O:
            m.outFeatures = c.hiddenSize, m.inFeatures = attention, m.hasBias = c.oProjBias();
            break;
        case LinearKind::Gate:
        case LinearKind::Up:
            m.outFeatures = c.intermediateSize, m.inFeatures = c.hiddenSize, m.hasBias = c.mlpHasBias();
            break;
        case LinearKind::Down:
            m.outFeatures = c.hiddenSize, m.inFeatures = c.intermediateSize, m.hasBias = c.mlpHasBias();
            break;
    }
    return m;
}

ModuleRef headModule(const ModelConfig& c) {
    ModuleRef m;
    m.name = "lm_head";
    m.type = "lm_head";
    m.inFeatures = c.hiddenSize;
    m.outFeatures = c.vocabSize;
    return m;
}

std::vector<ModuleRef> linearModules(const ModelConfig& c) {
    std::vector<ModuleRef> out;
    for (int l = 0; l < static_cast<int>(c.numHiddenLayers); ++l) {
        for (const DecoderLinear& linear : decoderLinears()) {
            out.push_back(decoderModule(c, l, linear));
        }
    }
    out.push_back(headModule(c));
    return out;
}

}  // namespace ql::model

namespace ql {

const std::vector<std::string_view>& decoderLinearTypes() {
    static const std::vector<std::string_view> types = [] {
        std::vector<std::string_view> out;
        for (const model::DecoderLinear& linear : model::decoderLinears()) out.push_back(linear.type);
        return out;
    }();
    return types;
}

}  // namespace ql
