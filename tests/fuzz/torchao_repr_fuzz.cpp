// libFuzzer target: torchao's printed config repr (a training log's print(config)).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "quantlens/torchao_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = ql::parseTorchaoConfigRepr(text, "train.yaml.quantization.repr");
    if (parsed.ok()) {
        const auto fq = ql::effectiveFakeQuant(*parsed, {0, 15});
        (void)fq;
    } else if (parsed.error().message.find('\n') != std::string::npos) {
        __builtin_trap();  // errors are one line
    }
    return 0;
}
