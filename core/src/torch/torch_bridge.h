// The only place that turns stored bytes into at::Tensor. Private to core.
#pragma once

#include <ATen/ATen.h>

#include <string>

#include "quantlens/checkpoint.h"
#include "quantlens/dtype.h"
#include "quantlens/result.h"
#include "quantlens/tensor_info.h"

namespace ql::torchbridge {

// at::ScalarType of a safetensors dtype; Unsupported for sub-byte and complex types.
Result<at::ScalarType> scalarType(DType dtype);

// A CPU tensor that owns a copy of the view's bytes (safe against unaligned data).
Result<at::Tensor> copyToTensor(const TensorView& view);

// "[4096, 2560]", the same spelling as formatShape() for stored tensors.
inline std::string shapeText(const at::Tensor& t) {
    return formatShape(t.sizes().vec());
}

}  // namespace ql::torchbridge
