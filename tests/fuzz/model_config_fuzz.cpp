// libFuzzer target: HF config.json (architectures, rope fields v4/v5, layer types, tied embeddings)
// and the parameter list the architecture implies.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "quantlens/model_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto config = ql::parseModelConfig(text, "config.json");
    if (!config.ok()) return 0;
    // A config that parses describes a model small enough to list (the parser bounds the sizes).
    if (config->numHiddenLayers <= 4096) {
        const auto params = ql::expectedParameters(*config);
        (void)params;
    }
    return 0;
}
