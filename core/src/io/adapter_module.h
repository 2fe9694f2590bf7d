// One adapted module of a PEFT LoRA adapter, validated against its adapter_config.json.
#pragma once

#include <string>

#include "io/adapter_keys.h"

namespace ql::detail {

// Validates one module's shapes against each other and the config (rank, DoRA, lora_bias) and
// fills rank/alpha/scaling/in/out.
Result<LoraModule> buildLoraModule(const std::string& name, const LoraPieces& pieces, const LoraConfig& config,
                                   const std::string& file);

}  // namespace ql::detail
