// MX (OCP Microscaling) block quantization exactly as torchao 0.18.0 computes it on CPU:
// prototype/mx_formats/mx_tensor.py to_mx (+ _to_mx_rceil), to_dtype and get_fp_scale; the same ATen
// ops in the same order with the same dtypes. MXFakeQuantizedLinear (prototype/qat/mx.py) with
// KernelPreference.EMULATED multiplies exactly mxDequantize(mxQuantize(x)) of input and weight.
#pragma once

#include <ATen/ATen.h>

#include "quantlens/quant_config.h"

namespace ql::quant {

// One MXTensor's payload, scales unswizzled (is_swizzled_scales=False layout).
struct MxBlocks {
    at::Tensor scale;  // uint8 [..., K/block]: biased E8M0 exponents (255 = NaN)
    at::Tensor qdata;  // float8_e4m3fn / float8_e5m2 [..., K], or uint8 [..., K/2] packed fp4 e2m1
};

// True for the element types MX supports here: Float8E4M3, Float8E5M2, Float4E2M1.
bool isMxElement(QuantDType elem);

// to_mx(x, elem, block, mode). Preconditions (torchao asserts them; callers check): x bf16 or fp32,
// contiguous, x.size(-1) % block == 0, isMxElement(elem).
MxBlocks mxQuantize(const at::Tensor& x, QuantDType elem, int block, MxScaleMode mode);

// to_dtype(qdata, scale, elem, block, outType): codes times 2^(scale-127) rounded to outType; shape of x.
at::Tensor mxDequantize(const MxBlocks& blocks, QuantDType elem, int block, at::ScalarType outType);

// mxDequantize(mxQuantize(x)) in x's dtype and shape: MX fake quant of a weight or an activation
// (torchao views activations as [-1, K] first; blocks never cross rows, so the values are the same).
at::Tensor mxFakeQuantize(const at::Tensor& x, QuantDType elem, int block, MxScaleMode mode);

}  // namespace ql::quant
