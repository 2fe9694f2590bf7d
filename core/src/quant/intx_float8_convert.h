// Real (convert-step) weights of torchao 0.18's IntxUnpackedToInt8Tensor and Float8Tensor, computed
// with the same ATen ops in the same order and dtypes as their from_hp / dequantize
// (quantize_/workflows/intx/intx_unpacked_to_int8_tensor.py, float8/float8_tensor.py;
// quant_primitives.py choose_qparams_affine, quantize_affine, dequantize_affine,
// _choose_scale_float8, _quantize_affine_float8, _dequantize_affine_float8).
#pragma once

#include <ATen/ATen.h>

#include "quant/fake_quant_spec.h"
#include "quantlens/result.h"

namespace ql::quant {

// IntxWeightOnlyConfig / Int8DynamicActivationIntxWeightConfig weight (SYMMETRIC, AFFINE).
struct IntxWeight {
    at::Tensor qdata;      // int8 [N, K], values in [-2^(b-1), 2^(b-1)-1]
    at::Tensor scale;      // [N, K/g] in the weight dtype
    at::Tensor zeroPoint;  // int8 [N, K/g] (all zero: symmetric)
    int bits = 4;
    int groupSize = 32;  // K for per-axis (PerAxis(0))
};

// groupSize 0 = per axis. K % groupSize != 0 -> InvalidInput (torchao's block_size assert fails).
// The scale clamp follows `eps` (SmallestNormal from 0.18); the division by (qmax-qmin)/2 follows
// `device`.
Result<IntxWeight> intxConvert(const at::Tensor& w, int bits, int groupSize, EpsPolicy eps, DeviceSemantics device);

// dequantize_affine(..., output_dtype = dtype): (q - zp) * scale in `dtype`.
at::Tensor intxDequantize(const IntxWeight& weight, at::ScalarType dtype);

// Float8Tensor.from_hp with the torch kernel choice (no mslk; the mslk/triton row quantizer used
// on SM90 with mslk installed has other numerics).
struct Float8Weight {
    at::Tensor qdata;  // float8_e4m3fn [N, K]
    at::Tensor scale;  // float32 [N, 1] (per row) or [1, 1] (per tensor)
};

Result<Float8Weight> float8Convert(const at::Tensor& w, bool perRow, DeviceSemantics device);

// _dequantize_affine_float8: fp32(qdata) * scale, cast to `dtype`.
at::Tensor float8Dequantize(const Float8Weight& weight, at::ScalarType dtype);

}  // namespace ql::quant
