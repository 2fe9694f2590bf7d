// libFuzzer target: torchao config_to_dict JSON, the same bytes as an HF config.json quantization_config,
// and the effective fake-quant / convert resolution of whatever parses, for every torchao release.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "quantlens/torchao_config.h"

namespace {

void resolveAll(const ql::QuantConfig& config) {
    for (int minor = 14; minor <= 18; ++minor) {
        const auto fq = ql::effectiveFakeQuant(config, {0, minor});
        const auto cv = ql::effectiveConvert(config, {0, minor});
        (void)fq;
        (void)cv;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (auto parsed :
         {ql::parseTorchaoConfigJson(text, "fuzz.json"), ql::parseHfQuantizationConfig(text, "config.json")}) {
        if (parsed.ok())
            resolveAll(*parsed);
        else if (parsed.error().message.find('\n') != std::string::npos)
            __builtin_trap();
    }
    return 0;
}
