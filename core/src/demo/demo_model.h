// Private: the demo workspace's tiny model and its LoRA adapter, written as HF/PEFT save them.
#pragma once

#include <string>

#include "quantlens/result.h"

namespace ql::demo {

Status writeDemoModel(const std::string& modelDir);      // config.json + model.safetensors
Status writeDemoAdapter(const std::string& adapterDir);  // adapter_config.json + adapter_model.safetensors

}  // namespace ql::demo
