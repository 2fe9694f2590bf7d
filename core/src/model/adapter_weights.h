// A PEFT LoRA adapter opened for the forward pass: LoRA factors per module as at::Tensor (in fp32,
// as PeftModel.from_pretrained's autocast_adapter_dtype leaves them), plus the tensors that replace
// base parameters (modules_to_save copies, trained biases), keyed as peft
// utils/save_and_load.py get_peft_model_state_dict saves them ("base_model.model.<module>...").
#pragma once

#include <ATen/ATen.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "quantlens/adapter.h"
#include "quantlens/result.h"

namespace ql::model {

class WeightStore;

struct LoraFactors {
    at::Tensor a;                         // lora_A [r, in]
    at::Tensor b;                         // lora_B [out, r]
    std::optional<at::Tensor> bBias;      // lora_B bias [out] (lora_bias)
    std::optional<at::Tensor> magnitude;  // DoRA lora_magnitude_vector [out]
    double scaling = 1.0;
    bool fanInFanOut = false;
};

class AdapterWeights {
public:
    // Opens the adapter and checks it against the base checkpoint (every LoRA module's base
    // weight exists with [out, in], every replaced parameter exists). Embedding LoRA is Unsupported.
    static Result<std::shared_ptr<const AdapterWeights>> open(const std::filesystem::path& path,
                                                              const WeightStore& base);

    const LoraAdapter& adapter() const { return m_adapter; }
    // Factors of the LoRA module `module` (e.g. "model.layers.0.self_attn.q_proj") on `device`,
    // fp32; nullopt when the adapter does not touch it.
    Result<std::optional<LoraFactors>> factors(const std::string& module, const at::Device& device) const;
    // The adapter's replacement for base parameter `param` (modules_to_save copy, trained bias),
    // converted to `dtype`; nullopt when it has none.
    bool replaces(const std::string& param) const { return m_replacements.count(param) != 0; }
    Result<std::optional<at::Tensor>> replacement(const std::string& param, at::ScalarType dtype,
                                                  const at::Device& device) const;

private:
    explicit AdapterWeights(LoraAdapter adapter);
    Result<at::Tensor> tensor(const std::string& key, at::ScalarType dtype, const at::Device& device) const;

    LoraAdapter m_adapter;
    std::map<std::string, const LoraModule*> m_modules;
    std::map<std::string, std::string> m_replacements;  // base param -> key in the adapter file
};

}  // namespace ql::model
