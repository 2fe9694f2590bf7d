// PEFT adapter_model.safetensors keys sorted into LoRA modules (peft/utils/save_and_load.py
// get_peft_model_state_dict writes them as "base_model.model.<module>.lora_A.weight", ...).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "quantlens/adapter.h"

namespace ql::detail {

// The tensors of one adapted module as found in the file.
struct LoraPieces {
    const TensorInfo* a = nullptr;          // lora_A.weight or lora_embedding_A
    const TensorInfo* b = nullptr;          // lora_B.weight or lora_embedding_B
    const TensorInfo* bBias = nullptr;      // lora_B.bias
    const TensorInfo* magnitude = nullptr;  // lora_magnitude_vector
    bool embedding = false;                 // lora_embedding_A/B (valid once kindKnown)
    bool kindKnown = false;
};

struct GroupedKeys {
    std::map<std::string, LoraPieces> modules;  // by base module name
    std::vector<AdapterExtraTensor> extras;     // sorted by key
};

// "base_model.model.<rest>" -> "<rest>"; other keys unchanged.
std::string_view stripPeftPrefix(std::string_view key);

// Sorts the file's tensors into LoRA modules and extras. Errors (InvalidInput) name the file
// and key: unknown LoRA key forms, duplicates (same module and part twice).
Result<GroupedKeys> groupAdapterKeys(const SafetensorsFile& file);

}  // namespace ql::detail
