// libFuzzer target: adapter_config.json (PEFT LoraConfig) and the per-module rules it drives
// (targets, rank/alpha patterns, scaling) on a fixed set of module names.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "quantlens/adapter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto config = ql::parseLoraConfig(text, "adapter_config.json");
    if (!config.ok()) return 0;
    for (const char* name : {"model.layers.0.self_attn.q_proj", "model.layers.11.mlp.down_proj", "lm_head",
                             "model.embed_tokens", "model.layers.3.self_attn.o_proj"}) {
        const bool targeted = config->targets(name);
        const double scaling = config->scalingFor(name);
        (void)targeted;
        (void)scaling;
    }
    return 0;
}
