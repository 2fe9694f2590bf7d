// Private pieces of the demo workspace writer.
#pragma once

#include <string>

#include "quantlens/result.h"

namespace ql::demo {

std::string tokenizerJson(int vocabSize);                 // demo_tokenizer.cpp
Status writeDemoModel(const std::string& modelDir);       // demo_model.cpp: config.json + model.safetensors
Status writeDemoAdapter(const std::string& adapterDir);   // demo_model.cpp: adapter_config.json + weights

}  // namespace ql::demo
