// Shared by the quant golden tests: read a reference safetensors file into at::Tensor by name.
#pragma once

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

#include "quantlens/safetensors_file.h"
#include "torch/torch_bridge.h"

namespace ql::golden {

inline std::filesystem::path referenceDir(const std::string& module) {
    return std::filesystem::path(QL_REFERENCE_DIR) / module;
}

// nullopt when the tensor is absent.
inline std::optional<at::Tensor> loadTensor(const SafetensorsFile& file, const std::string& name) {
    const TensorInfo* info = file.find(name);
    if (info == nullptr) {
        return std::nullopt;
    }
    TensorView view{info, file.data(*info), &file};
    auto tensor = torchbridge::copyToTensor(view);
    EXPECT_TRUE(tensor.ok()) << name << ": " << (tensor.ok() ? "" : tensor.error().message);
    return tensor.ok() ? std::optional<at::Tensor>(*tensor) : std::nullopt;
}

// Count of elements whose raw bits differ; NaN matches NaN whatever its payload.
inline int64_t bitMismatches(const at::Tensor& a, const at::Tensor& b) {
    if (!a.sizes().equals(b.sizes()) || a.scalar_type() != b.scalar_type()) {
        return std::max<int64_t>(1, a.numel());
    }
    if (!a.is_floating_point()) {
        return a.ne(b).sum().item<int64_t>();
    }
    at::Tensor an = at::isnan(a), bn = at::isnan(b);
    const auto intType = a.element_size() == 2 ? at::kShort : (a.element_size() == 1 ? at::kChar : at::kInt);
    at::Tensor ab = a.masked_fill(an, 0).contiguous().view(intType);
    at::Tensor bb = b.masked_fill(bn, 0).contiguous().view(intType);
    return (an.ne(bn) | ab.ne(bb)).sum().item<int64_t>();
}

}  // namespace ql::golden
