// libFuzzer target: tokenizer.json (byte-level BPE) and, for one that loads, encode/decode of a
// fixed text with special tokens.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "quantlens/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto tokenizer = ql::Tokenizer::fromJson(text, "tokenizer.json");
    if (!tokenizer.ok()) return 0;
    auto ids = tokenizer->encode("Hello world! 123 <|im_start|>user\n\xc3\xa9t\xc3\xa9  \n", true);
    if (ids.ok()) {
        auto back = tokenizer->decode(*ids, false);
        (void)back;
    }
    return 0;
}
