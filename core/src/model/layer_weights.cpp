#include "model/layer_weights.h"

#include "model/lora_merge.h"

namespace ql::model {

ModuleRun RunSpec::module(const ModuleRef& m) const {
    if (modules) {
        if (auto it = modules->find(m.name); it != modules->end()) return it->second;
    }
    // prepareLinear decides from the form and the spec (and refuses a quantized form without one).
    const bool quantize = !m.isHead() || quantizeLmHead;
    return ModuleRun{form.form, quantize, quantize, quantize};
}

FormSpec RunSpec::formOf(const ModuleRef& m) const {
    const ModuleRun r = module(m);
    FormSpec f = form;
    f.form = r.form;
    f.quantizeLoraA = r.quantizeLoraA;
    f.quantizeLoraB = r.quantizeLoraB;
    return f;
}

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

void LayerLoader::prefetchLinear(const ModuleRef& m) const {
    m_store->prefetch(m.isHead() ? lmHeadWeightName(m_store->config()) : m.name + ".weight");
}

namespace {

std::string weightName(const WeightStore& store, const ModuleRef& m) {
    return m.isHead() ? lmHeadWeightName(store.config()) : m.name + ".weight";
}

// Bytes of rows [row0, row0 + rows) of an [out, in] weight as stored.
std::pair<std::size_t, std::size_t> rowBytes(const WeightStore& store, const ModuleRef& m, std::int64_t row0,
                                             std::int64_t rows) {
    auto view = store.checkpoint().find(weightName(store, m));
    if (!view || m.outFeatures <= 0) {
        return {0, 0};
    }
    const std::size_t rowSize = view->bytes.size() / static_cast<std::size_t>(m.outFeatures);
    return {static_cast<std::size_t>(row0) * rowSize, static_cast<std::size_t>(row0 + rows) * rowSize};
}

}  // namespace

void LayerLoader::prefetchLinearRows(const ModuleRef& m, std::int64_t row0, std::int64_t rows) const {
    const auto [begin, end] = rowBytes(*m_store, m, row0, rows);
    m_store->prefetchBytes(weightName(*m_store, m), begin, end);
}

void LayerLoader::releaseLinearRows(const ModuleRef& m, std::int64_t row0, std::int64_t rows) const {
    const auto [begin, end] = rowBytes(*m_store, m, row0, rows);
    m_store->releaseBytes(weightName(*m_store, m), begin, end);
}

void LayerLoader::readAheadLinear(const ModuleRef& m) const {
    m_store->readAhead(weightName(*m_store, m));
}

void LayerLoader::releaseLinear(const ModuleRef& m) const {
    m_store->release(m.name + ".weight");
    m_store->release(m.name + ".bias");
    if (m.isHead()) {
        m_store->release(lmHeadWeightName(m_store->config()));
    }
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
