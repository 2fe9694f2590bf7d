#include "quantlens/tensor_info.h"

#include <limits>

namespace ql {

// Product of the dimensions; a negative dimension counts as 0 and an overflowing product saturates
// at UINT64_MAX (neither can happen for a TensorInfo produced by SafetensorsFile, which validates).
std::uint64_t TensorInfo::numel() const {
    for (const std::int64_t dim : shape) {
        if (dim <= 0) {
            return 0;
        }
    }
    std::uint64_t count = 1;
    for (const std::int64_t dim : shape) {
        const auto d = static_cast<std::uint64_t>(dim);
        if (count > std::numeric_limits<std::uint64_t>::max() / d) {
            return std::numeric_limits<std::uint64_t>::max();
        }
        count *= d;
    }
    return count;
}

std::string formatShape(const std::vector<std::int64_t>& shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) {
            text += ", ";
        }
        text += std::to_string(shape[i]);
    }
    text += "]";
    return text;
}

}  // namespace ql
