// Hands out a model's parameters for a forward: base parameters from the mmapped checkpoint in the
// run dtype, adapter replacements (modules_to_save), and each Linear's slot (weight, bias, LoRA
// factors) for the caller to prepare in its form.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/adapter_weights.h"
#include "model/linear_forms.h"
#include "model/linear_table.h"
#include "model/weight_store.h"

namespace ql::model {

// How one Linear of a run differs from the run's form: a recipe's module_forms, its filters
// (min_in_features, modules_to_not_convert, lm_head skipped) and switched-off fake quantizers. The
// verify plan decides it once per side from the side's coverage (verify/module_plan.h).
struct ModuleRun {
    LinearForm form = LinearForm::F;
    bool quantize = false;       // the base weight runs its (fake) quantization
    bool quantizeLoraA = false;  // T': lora_A is a FakeQuantizedLinear (its filter took it)
    bool quantizeLoraB = false;  // T': lora_B likewise (in_features = r)
};

// Where and how a forward runs, and in which form its Linears are.
struct RunSpec {
    at::ScalarType dtype = at::kBFloat16;  // model dtype (from_pretrained(dtype=...))
    at::Device device = at::kCPU;
    FormSpec form;
    bool quantizeLmHead = true;  // torchao's default filter: every nn.Linear incl. lm_head
    // Per-module runs by module name ("model.layers.0.mlp.up_proj", "lm_head"); a module not listed
    // (or no map) runs `form`, its base quantized as the form and spec say (lm_head: if quantizeLmHead).
    std::shared_ptr<const std::map<std::string, ModuleRun>> modules;
    // FakeQuantizedEmbedding (torchao QAT on nn.Embedding): the table's weight fake quant, applied to
    // the rows the prompt looks up; absent: a plain lookup.
    std::optional<quant::FakeQuantSpec> embedding;

    ModuleRun module(const ModuleRef& m) const;
    // The module's form with its quantization switches (what prepareLinear takes).
    FormSpec formOf(const ModuleRef& m) const;
    bool quantizes(const ModuleRef& m) const { return module(m).quantize; }
};

class LayerLoader {
public:
    LayerLoader(std::shared_ptr<const WeightStore> store, std::shared_ptr<const AdapterWeights> adapter)
        : m_store(std::move(store)), m_adapter(std::move(adapter)) {}

    // A parameter as the run sees it before any form: the adapter's replacement if any, else the
    // checkpoint's, in spec.dtype on spec.device.
    Result<at::Tensor> parameter(const std::string& name, const RunSpec& spec) const;
    // The Linear `module` ("model.layers.0.mlp.up_proj", "lm_head") with its bias and LoRA factors.
    Result<LinearSlot> slot(const std::string& module, bool hasBias, const RunSpec& spec) const;
    // Every parameter as PEFT's merge_and_unload().state_dict() holds it (LoRA merged, modules_to_save
    // applied) in spec.dtype; lm_head.weight included (the embedding when tied).
    Result<std::vector<std::pair<std::string, at::Tensor>>> mergedParameters(const RunSpec& spec) const;

    // Maps the Linear's weight pages in one call before it is read / drops them from this process'
    // resident set after (the page cache keeps them). lm_head of a tied model is the embedding.
    void prefetchLinear(const ModuleRef& m) const;
    void releaseLinear(const ModuleRef& m) const;
    // The same for output rows [row0, row0 + rows) of the weight, and the read-ahead of the whole
    // weight into the page cache (WeightStore::readAhead).
    void prefetchLinearRows(const ModuleRef& m, std::int64_t row0, std::int64_t rows) const;
    void releaseLinearRows(const ModuleRef& m, std::int64_t row0, std::int64_t rows) const;
    void readAheadLinear(const ModuleRef& m) const;

    const WeightStore& store() const { return *m_store; }
    std::shared_ptr<const WeightStore> sharedStore() const { return m_store; }
    const AdapterWeights* adapter() const { return m_adapter.get(); }

private:
    std::shared_ptr<const WeightStore> m_store;
    std::shared_ptr<const AdapterWeights> m_adapter;
};

}  // namespace ql::model
