// libFuzzer target: the safetensors header parser on in-memory bytes, and the sharded-index
// parser on the same bytes as JSON text (directory that does not exist, so no file is read).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/sharded_index.h"
#include "quantlens/safetensors_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto file = ql::SafetensorsFile::open(ql::makeMemorySource(bytes, "fuzz.safetensors"));
    if (file.ok()) {
        for (const ql::TensorInfo& info : file->tensors()) {
            const auto view = file->data(info);
            if (view.size() != info.byteSize()) {
                __builtin_trap();  // a validated tensor must lie inside the buffer
            }
        }
    }
    auto index = ql::detail::parseShardedIndex(bytes, "/nonexistent-ql-fuzz/ckpt", "fuzz.index.json");
    (void)index;
    return 0;
}
