// libFuzzer target: recipe YAML (every key, the quantization forms incl. the torchao repr, module_forms,
// hub ids, adapter folders) and, for a recipe that parses, its coverage on a fixed tiny model config
// and its config diff against itself. HF_HUB_CACHE points at an empty folder, so hub ids never resolve
// to real models and nothing outside the process is written.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "quantlens/config_diff.h"
#include "quantlens/coverage.h"
#include "quantlens/recipe.h"

namespace {

const char* kConfig = R"({"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 64,
    "intermediate_size": 96, "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 32,
    "vocab_size": 128, "max_position_embeddings": 256, "tie_word_embeddings": true})";

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ::setenv("HF_HUB_CACHE", "/nonexistent-ql-fuzz/hub", 1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto recipe = ql::parseRecipe(text, "/nonexistent-ql-fuzz/recipes/train.yaml");
    if (!recipe.ok()) {
        if (recipe.error().message.find('\n') != std::string::npos) {  // errors are one line
            std::fprintf(stderr, "multi-line error: %s\n", recipe.error().message.c_str());
            __builtin_trap();
        }
        return 0;
    }
    static const auto config = ql::parseModelConfig(kConfig, "config.json");
    if (config.ok()) {
        const auto rows = ql::moduleCoverage(*config, *recipe);
        if (rows.empty()) __builtin_trap();
    }
    auto diff = ql::diffConfigs(*recipe, *recipe);
    (void)diff;
    return 0;
}
