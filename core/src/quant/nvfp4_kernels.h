// NVFP4 block quantization exactly as torchao 0.18.0 computes it on CPU: prototype/mx_formats/
// nvfp4_tensor.py nvfp4_quantize (NVFP4Tensor.to_nvfp4 with use_triton_kernel=False), per_tensor_amax_to_scale
// and NVFP4Tensor.dequantize / get_hp_scales; the same ATen ops in the same order with the same dtypes.
// Blocks of 16 along K, float8_e4m3fn block scales, optional fp32 per-tensor scale amax / (448 * 6).
//
// Forward emulation: NVFP4FakeQuantizedLinear (prototype/qat/nvfp4.py) multiplies the codes with
// torch._scaled_mm on Blackwell (block scales inside the MMA, per-tensor scales on the bf16 output); that GEMM
// cannot run on CPU. The engine uses nvfp4FakeQuantize (= dequantize(to_nvfp4(x)), bit-exact with torchao on CPU)
// for input and weight and a high-precision F.linear: the quantized values are exact, the product is emulated.
#pragma once

#include <ATen/ATen.h>

#include <optional>

namespace ql::quant {

struct Nvfp4Blocks {
    at::Tensor scale;                          // float8_e4m3fn [M, K/16] (unswizzled)
    at::Tensor qdata;                          // uint8 [M, K/2] packed fp4 e2m1
    std::optional<at::Tensor> perTensorScale;  // fp32 0-dim, when two-level scaling is used
};

// per_tensor_amax_to_scale(max(|x|)): fp32(amax) / (448 * 6).
at::Tensor nvfp4PerTensorScale(const at::Tensor& x);

// to_nvfp4(x, per_tensor_scale). Preconditions (torchao asserts them; callers check): x 2-D, bf16 or fp32,
// contiguous, K % 16 == 0.
Nvfp4Blocks nvfp4Quantize(const at::Tensor& x, const std::optional<at::Tensor>& perTensorScale);

// dequantize(outType): fp32 codes times (per-tensor scale times) the fp32 block scale, cast once.
at::Tensor nvfp4Dequantize(const Nvfp4Blocks& blocks, at::ScalarType outType);

// dequantize(to_nvfp4(x2d, perTensor ? nvfp4PerTensorScale(x2d) : none)) in x's dtype and shape, x viewed as
// [-1, K] the way NVFP4FakeQuantizedLinear flattens a 3-D input.
at::Tensor nvfp4FakeQuantize(const at::Tensor& x, bool perTensor);

}  // namespace ql::quant
