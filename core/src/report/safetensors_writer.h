// Private: writes a safetensors file (hf-peft-formats.md §1.1): 8-byte little-endian header length,
// compact JSON header (__metadata__ first, then tensors in the given order), padded with spaces to
// a multiple of 8, tensor bytes back to back. Used by the demo workspace.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "quantlens/result.h"

namespace ql::report {

struct TensorBlob {
    std::string name;
    std::string dtype;                  // "BF16", "F32", ...
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> bytes;    // little-endian, numel × element size
};

std::string buildSafetensorsBytes(const std::vector<TensorBlob>& tensors,
                                  const std::map<std::string, std::string>& metadata = {});

// Builds and writes atomically; errors name the path.
Status writeSafetensors(const std::string& path, const std::vector<TensorBlob>& tensors,
                        const std::map<std::string, std::string>& metadata = {});

}  // namespace ql::report
