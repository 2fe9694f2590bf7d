// tinygemm int4 (torchao 0.18 Int4TilePackedTo4dTensor, TILE_PACKED_TO_4D, and the CPU
// Int4OpaqueTensor): qparams and codes as _choose_qparams_affine_tinygemm / _quantize_affine_tinygemm
// compute them (in the weight dtype, bf16), scale_and_zero as pack_tinygemm_scales_and_zeros lays it
// out; matmul through libtorch's CPU int4pack ops (_convert_weight_to_int4pack_for_cpu,
// _weight_int4pack_mm_for_cpu).
#pragma once

#include <ATen/ATen.h>

#include <optional>

#include "quant/fake_quant_spec.h"
#include "quantlens/result.h"

namespace ql::quant {

enum class TinygemmFormat {
    TilePackedTo4d,  // pads K to x1024, N to x8; eps = finfo(bf16).smallest_normal; bf16 only
    Opaque,          // CPU Int4OpaqueTensor: no padding; eps = 1e-6; group 32/64/128
};

struct Int4TinygemmWeight {
    at::Tensor codes;         // int32 [Np, Kp] unsigned codes in [0, 15] (padded for TilePackedTo4d)
    at::Tensor scaleAndZero;  // [Kp/g, Np, 2] in the weight dtype: [..., 0] scale, [..., 1] zero
    int groupSize = 128;
    int64_t outFeatures = 0;  // logical N, K
    int64_t inFeatures = 0;
};

// Unsupported for a format's preconditions (dtype, group size); InvalidInput for K % g != 0.
// `device` picks the rounding of (max - min) / 15.0 (TILE_PACKED_TO_4D converts on CUDA).
Result<Int4TinygemmWeight> int4TinygemmConvert(const at::Tensor& w, int groupSize, TinygemmFormat format,
                                               DeviceSemantics device = DeviceSemantics::Cpu);

// uint8 [Np, Kp/2], (u[n,2j] << 4) | u[n,2j+1]: what TILE_PACKED_TO_4D hands to
// aten._convert_weight_to_int4pack (CUDA) before tiling.
at::Tensor tinygemmNibbles(const at::Tensor& codes);

// _dequantize_affine_tinygemm: (u - 8) * scale + zero in the weight dtype, [N, K] (padding cut).
at::Tensor int4TinygemmDequantize(const Int4TinygemmWeight& weight);

// y = _weight_int4pack_mm_for_cpu(pad(x, Kp) as bf16, _convert_weight_to_int4pack_for_cpu(codes),
// g, scale_and_zero)[:, :N], then `+ bias` in the output dtype, cast to x's dtype (torchao's
// Int4OpaqueTensor linear; for TilePackedTo4d the same on the CPU ops instead of the CUDA kernel).
Result<at::Tensor> int4TinygemmLinearCpu(const at::Tensor& x, const Int4TinygemmWeight& weight,
                                         const std::optional<at::Tensor>& bias);

}  // namespace ql::quant
