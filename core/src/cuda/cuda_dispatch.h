// Entry points of the CUDA kernels for the rest of core (no CUDA headers; safe to include anywhere).
// Built with CUDA (QL_WITH_CUDA): core/src/cuda/dispatch.cpp. Without: core/src/quant/cuda_dispatch_stub.cpp,
// where the *Cuda functions return Unsupported and the dispatchers run the CPU implementations.
#pragma once

#include <ATen/ATen.h>

#include <optional>

#include "quant/fake_quant_spec.h"
#include "quant/fused_compare.h"
#include "quant/int4_convert.h"
#include "quantlens/result.h"

namespace ql::cuda {

// True when this build has the CUDA kernels and a CUDA device is present.
bool cudaKernelsAvailable();

// Fused kernel: both sides' int4 fake quant + metrics + map + histogram in one pass over the inputs
// (CUDA tensors; same contract as quant::compareInt4Aten). Falls back to compareInt4Aten on the GPU
// when the row tile (lcm of the groups and the map group) exceeds the kernel's shared-memory tile.
Result<quant::CompareResult> fusedInt4Compare(const at::Tensor& train, const at::Tensor& eval,
                                              const quant::CompareRequest& request);

// Int4Plain fake quant of a CUDA [N, K] weight (bf16/fp16/fp32), bit-identical with torchao eager
// for the same device semantics.
Result<at::Tensor> int4FakeQuantCuda(const at::Tensor& w, int groupSize, quant::DeviceSemantics device);

// The deployed kernel's dequant ŵ = T(T(c·s) + z) of a weight whose tensors are on a CUDA device.
Result<at::Tensor> int4PlainDequantizeCuda(const quant::Int4PlainWeight& weight);

// y = x · ŵᵀ with fp32 accumulation, rounded to the scale dtype, then `+ bias` in that dtype.
// rawAccumulators: return the fp32 accumulators instead (no rounding, no bias), for tests.
Result<at::Tensor> int4PlainLinearCuda(const at::Tensor& x, const quant::Int4PlainWeight& weight,
                                       const std::optional<at::Tensor>& bias, bool rawAccumulators = false);

// Dispatchers: the CUDA kernel when the tensors are on a CUDA device, the CPU implementation otherwise
// (quant::fakeQuantize, quant::compareInt4Aten, quant::int4PlainLinear).
Result<at::Tensor> fakeQuantize(const at::Tensor& x, const quant::FakeQuantSpec& spec);
Result<quant::CompareResult> compareInt4(const at::Tensor& train, const at::Tensor& eval,
                                         const quant::CompareRequest& request);
Result<at::Tensor> int4PlainLinear(const at::Tensor& x, const quant::Int4PlainWeight& weight,
                                   const std::optional<at::Tensor>& bias);

}  // namespace ql::cuda
