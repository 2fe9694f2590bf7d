// Private: writes a safetensors file in the layout of huggingface/safetensors (safetensors/src/tensor.rs,
// `serialize`): an 8-byte little-endian header length N, a compact JSON header (`__metadata__` first,
// then the tensors in the given order with `data_offsets` back to back), padded with spaces to a
// multiple of 8, then the tensor bytes back to back. The demo workspace writes through it; the tests'
// malformed-file builder (tests/support) reuses its header and framing.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "quantlens/result.h"

namespace ql::io {

struct TensorBlob {
    std::string name;
    std::string dtype;  // "BF16", "F32", ... (written as is)
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> bytes;  // little-endian, numel × element size
};

// Where one tensor sits: what the header says about it.
struct TensorLayout {
    std::string name;
    std::string dtype;
    std::vector<std::int64_t> shape;
    std::uint64_t byteSize = 0;
};

// The JSON header for tensors stored back to back in the given order.
nlohmann::ordered_json safetensorsHeader(const std::vector<TensorLayout>& tensors,
                                         const std::map<std::string, std::string>& metadata);

// `text` followed by spaces up to a multiple of 8 bytes.
std::string padToEight(std::string text);

// N as the 8 little-endian bytes that start the file.
std::string headerLengthPrefix(std::uint64_t n);

std::string buildSafetensorsBytes(const std::vector<TensorBlob>& tensors,
                                  const std::map<std::string, std::string>& metadata = {});

// Builds and writes atomically; errors name the path.
Status writeSafetensors(const std::string& path, const std::vector<TensorBlob>& tensors,
                        const std::map<std::string, std::string>& metadata = {});

}  // namespace ql::io
