// Materialises the weights of one decoder layer (or the embedding/head) for a forward: base
// parameters from the mmapped checkpoint in the run dtype, adapter replacements
// (modules_to_save), LoRA factors, then each Linear prepared in the side's form.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/adapter_weights.h"
#include "model/linear_forms.h"
#include "model/weight_store.h"

namespace ql::model {

// Where and how a forward runs, and in which form its Linears are.
struct RunSpec {
    at::ScalarType dtype = at::kBFloat16;  // model dtype (from_pretrained(dtype=...))
    at::Device device = at::kCPU;
    FormSpec form;
    bool quantizeLmHead = true;            // torchao's default filter: every nn.Linear incl. lm_head
};

struct LayerWeights {
    int index = 0;
    at::Tensor inputNorm;
    at::Tensor postNorm;
    std::optional<at::Tensor> qNorm;  // Qwen3
    std::optional<at::Tensor> kNorm;
    PreparedLinear q, k, v, o, gate, up, down;
    std::vector<std::string> parameterNames;  // checkpoint names read (for release())
};

struct HeadWeights {
    at::Tensor embed;  // [V, H]
    at::Tensor norm;   // [H]
    PreparedLinear lmHead;
};

class LayerLoader {
public:
    LayerLoader(std::shared_ptr<const WeightStore> store, std::shared_ptr<const AdapterWeights> adapter)
        : m_store(std::move(store)), m_adapter(std::move(adapter)) {}

    Result<LayerWeights> layer(int index, const RunSpec& spec) const;
    Result<HeadWeights> head(const RunSpec& spec) const;
    // A parameter as the run sees it before any form: the adapter's replacement if any, else the
    // checkpoint's, in spec.dtype on spec.device.
    Result<at::Tensor> parameter(const std::string& name, const RunSpec& spec) const;
    // The Linear `module` ("model.layers.0.mlp.up_proj", "lm_head") with its bias and LoRA factors.
    Result<LinearSlot> slot(const std::string& module, bool hasBias, const RunSpec& spec) const;
    // Every parameter as PEFT's merge_and_unload().state_dict() holds it (LoRA merged, modules_to_save
    // applied) in spec.dtype; lm_head.weight included (the embedding when tied).
    Result<std::vector<std::pair<std::string, at::Tensor>>> mergedParameters(const RunSpec& spec) const;

    const WeightStore& store() const { return *m_store; }
    std::shared_ptr<const WeightStore> sharedStore() const { return m_store; }
    const AdapterWeights* adapter() const { return m_adapter.get(); }

private:
    Result<PreparedLinear> linear(const std::string& module, bool hasBias, const RunSpec& spec, bool quantize) const;

    std::shared_ptr<const WeightStore> m_store;
    std::shared_ptr<const AdapterWeights> m_adapter;
};

}  // namespace ql::model
