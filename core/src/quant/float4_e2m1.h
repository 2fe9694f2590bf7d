// FP4 E2M1 element codes as torchao 0.18.0 writes them (prototype/custom_fp_utils.py
// _f32_to_floatx_unpacked / _floatx_unpacked_to_f32 with ebits=2, mbits=1; prototype/mx_formats/
// kernels.py pack_uint4 / unpack_uint4). Shared by MXFP4 (mx_kernels) and NVFP4 (nvfp4_kernels).
#pragma once

#include <ATen/ATen.h>

namespace ql::quant {

// fp32 -> uint8 codes (sign in bit 3, |x| rounded half-to-even onto {0, .5, 1, 1.5, 2, 3, 4, 6},
// saturating at 6; NaN maps to the code torchao's bit arithmetic yields). Same shape, contiguous.
at::Tensor float4E2m1Encode(const at::Tensor& x);

// uint8 codes (low nibble) -> fp32 values; code 8 is -0.0.
at::Tensor float4E2m1Decode(const at::Tensor& codes);

// [..., K] codes -> [..., K/2] bytes: element 2j in the low nibble, 2j+1 in the high nibble.
at::Tensor packUint4(const at::Tensor& codes);
at::Tensor unpackUint4(const at::Tensor& packed);  // [..., K/2] -> [..., K]

}  // namespace ql::quant
