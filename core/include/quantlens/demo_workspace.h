// The demo workspace: a deterministic set of files written by C++ alone (no Python at run time)
// that exercises every check: a tiny Qwen3-style bf16 checkpoint (4 layers, hidden 128, heads 4,
// kv heads 2, head_dim 32, vocab 512; seeded heavy-tailed weights with outlier input channels), a
// byte-level BPE tokenizer.json, a PEFT LoRA adapter with a trainer_state.json inside
// runs/qat-lora/checkpoint-100/, and two recipes with a realistic mismatch:
//   train.yaml  unmerged LoRA, cuda numerics, torchao 0.18, int4 group 32
//   eval.yaml   merged LoRA, torchao 0.15 (fake quant forced to group 128), cpu numerics
// plus prompts.txt (one prompt per line).
#pragma once

#include <string>

#include "quantlens/result.h"

namespace ql {

struct DemoWorkspace {
    std::string directory;
    std::string modelDir;     // <dir>/models/tiny-qwen3
    std::string adapterDir;   // <dir>/runs/qat-lora/checkpoint-100
    std::string trainRecipe;  // <dir>/train.yaml
    std::string evalRecipe;   // <dir>/eval.yaml
    std::string prompts;      // <dir>/prompts.txt
};

// Creates `directory` (and parents) and writes the workspace; existing demo files are replaced.
// The bytes written are identical on every run and platform.
Result<DemoWorkspace> writeDemoWorkspace(const std::string& directory);

}  // namespace ql
