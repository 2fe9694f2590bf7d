// Description of one tensor stored in a safetensors file (no data).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "quantlens/dtype.h"

namespace ql {

struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;  // logical shape as in the header (F4: element count)
    std::uint64_t dataBegin = 0;      // byte offsets relative to the data buffer, end exclusive
    std::uint64_t dataEnd = 0;

    std::uint64_t numel() const;
    std::uint64_t byteSize() const { return dataEnd - dataBegin; }
};

// "[4096, 2560]"
std::string formatShape(const std::vector<std::int64_t>& shape);

}  // namespace ql
