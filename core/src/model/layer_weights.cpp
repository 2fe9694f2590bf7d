#include "model/layer_weights.h"

#include "model/lora_merge.h"

namespace ql::model {
namespace {

std::string layerPrefix(int index) { return "model.layers." + std::to_string(index) + "."; }

}  // namespace

Result<at::Tensor> LayerLoader::parameter(const std::string& name, const RunSpec& spec) const {
    if (m_adapter) {
        auto replaced = m_adapter->replacement(name, spec.dtype, spec.device);
        if (!replaced) {
            return replaced.error();
        }
        if (*replaced) {
            return **replaced;
        }
    }
    return m_store->load(name, spec.dtype, spec.device);
}

Result<LinearSlot> LayerLoader::slot(const std::string& module, bool hasBias, const RunSpec& spec) const {
    LinearSlot s;
    s.name = module;
    std::string weightName = module + ".weight";
    if (module == "lm_head" && !(m_adapter && m_adapter->replaces(weightName))) {
        weightName = lmHeadWeightName(m_store->config());  // the embedding when tied
    }
    auto weight = parameter(weightName, spec);
    if (!weight) {
        return weight.error();
    }
    s.weight = *weight;
    if (hasBias) {
        auto bias = parameter(module + ".bias", spec);
        if (!bias) {
            return bias.error();
        }
        s.bias = *bias;
    }
    if (m_adapter) {
        auto lora = m_adapter->factors(module, spec.device);
        if (!lora) {
            return lora.error();
        }
        s.lora = std::move(*lora);
    }
    return s;
}

Result<PreparedLinear> LayerLoader::linear(const std::string& module, bool hasBias, const RunSpec& spec,
                                           bool quantize) const {
    auto s = slot(module, hasBias, spec);
    if (!s) {
        return s.error();
    }
    return prepareLinear(std::move(*s), spec.form, quantize);
}

Result<LayerWeights> LayerLoader::layer(int index, const RunSpec& spec) const {
    const ModelConfig& c = m_store->config();
    const std::string p = layerPrefix(index);
    LayerWeights w;
    w.index = index;
    auto norm = [&](const std::string& name, at::Tensor& out) -> Status {
        auto t = parameter(p + name, spec);
        if (!t) {
            return t.error();
        }
        out = *t;
        w.parameterNames.push_back(p + name);
        return Ok{};
    };
    if (auto s = norm("input_layernorm.weight", w.inputNorm); !s) return s.error();
    if (auto s = norm("post_attention_layernorm.weight", w.postNorm); !s) return s.error();
    if (c.family == ModelFamily::Qwen3) {
        w.qNorm.emplace();
        w.kNorm.emplace();
        if (auto s = norm("self_attn.q_norm.weight", *w.qNorm); !s) return s.error();
        if (auto s = norm("self_attn.k_norm.weight", *w.kNorm); !s) return s.error();
    }
    const struct { const char* name; bool bias; PreparedLinear* out; } linears[] = {
        {"self_attn.q_proj", c.qkvBias(), &w.q},     {"self_attn.k_proj", c.qkvBias(), &w.k},
        {"self_attn.v_proj", c.qkvBias(), &w.v},     {"self_attn.o_proj", c.oProjBias(), &w.o},
        {"mlp.gate_proj", c.mlpHasBias(), &w.gate},  {"mlp.up_proj", c.mlpHasBias(), &w.up},
        {"mlp.down_proj", c.mlpHasBias(), &w.down},
    };
    for (const auto& l : linears) {
        auto prepared = linear(p + l.name, l.bias, spec, true);
        if (!prepared) {
            return prepared.error();
        }
        *l.out = std::move(*prepared);
        w.parameterNames.push_back(p + l.name + ".weight");
        if (l.bias) {
            w.parameterNames.push_back(p + l.name + ".bias");
        }
    }
    return w;
}

Result<HeadWeights> LayerLoader::head(const RunSpec& spec) const {
    HeadWeights h;
    auto embed = parameter("model.embed_tokens.weight", spec);
    auto norm = parameter("model.norm.weight", spec);
    if (!embed || !norm) {
        return embed ? norm.error() : embed.error();
    }
    h.embed = *embed;
    h.norm = *norm;
    auto head = linear("lm_head", false, spec, spec.quantizeLmHead);
    if (!head) {
        return head.error();
    }
    h.lmHead = std::move(*head);
    return h;
}

Result<std::vector<std::pair<std::string, at::Tensor>>> LayerLoader::mergedParameters(const RunSpec& spec) const {
    std::vector<std::pair<std::string, at::Tensor>> out;
    for (const ParameterShape& p : expectedParameters(m_store->config())) {
        const std::string module = p.name.substr(0, p.name.rfind('.'));
        const bool isWeight = p.name.ends_with(".weight");
        std::optional<LoraFactors> lora;
        if (m_adapter) {
            auto f = m_adapter->factors(module, spec.device);
            if (!f) {
                return f.error();
            }
            lora = std::move(*f);
        }
        if (lora || module == "lm_head") {
            auto s = slot(module, !isWeight || (lora && m_store->has(module + ".bias")), spec);
            if (!s) {
                return s.error();
            }
            MergedLinear m = lora ? mergeLora(s->weight, s->bias, *lora) : MergedLinear{s->weight, s->bias};
            out.emplace_back(p.name, isWeight ? m.weight : *m.bias);
            continue;
        }
        auto value = parameter(p.name, spec);
        if (!value) {
            return value.error();
        }
        out.emplace_back(p.name, *value);
    }
    return out;
}

}  // namespace ql::model
