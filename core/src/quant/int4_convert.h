// Real int4 PLAIN quantization as torchao's Int4Tensor.from_hp (quantize_/workflows/int4/
// int4_tensor.py: codes from mslk.quantize.shuffle int4_row_quantize_zp, scale and zero cast to
// the weight dtype), and the deployed kernel's arithmetic emulated on CPU.
#pragma once

#include <ATen/ATen.h>

#include <optional>

#include "quant/fake_quant_spec.h"
#include "quantlens/result.h"

namespace ql::quant {

struct Int4PlainWeight {
    at::Tensor qdata;      // int8 [N, K/2]; byte j of row n: low nibble = c[n,2j], high = c[n,2j+1]
    at::Tensor scale;      // [K/g, N] in the weight dtype (bf16 for a bf16 model), group-major
    at::Tensor zeroPoint;  // [K/g, N] same dtype
    int groupSize = 128;
};

// Codes c in [-8, 7] (int8 [N, K]) exactly as mslk/FBGEMM int4_row_quantize_zp computes them; they
// equal the fake path's codes for the same device semantics.
at::Tensor int4PlainCodes(const at::Tensor& w, int groupSize, DeviceSemantics device);

// The codes with each group's fp32 scale and zero, before packing and the rounding of scale/zero
// to the weight dtype. Precondition: 2-D, K % groupSize == 0.
struct Int4Codes {
    at::Tensor codes;  // int8 [N, K]
    at::Tensor scale;  // fp32 [N, K/g]
    at::Tensor zero;   // fp32 [N, K/g]
    int groupSize = 128;
};
Int4Codes int4PlainQuantize(const at::Tensor& w, int groupSize, DeviceSemantics device);
// What Int4Tensor stores: packed codes, scale/zero group-major in `dtype`.
Int4PlainWeight int4PlainPack(const Int4Codes& codes, at::ScalarType dtype);

// int4PlainDequantize(int4PlainPack(codes, dtype)) as fp32 values, without the packing round trip.
at::Tensor int4PlainDequantizeCodes(const Int4Codes& codes, at::ScalarType dtype);

// Both sides of the convert check in one pass over a contiguous CPU bf16 weight [N, K], for one
// group size and division: `fake` = the fused fake quant (int4FakeQuantFused), `dequant` =
// int4PlainDequantizeCodes(int4PlainQuantize(w)), `scale`/`zero` = the fp32 per-group values.
struct Int4FakeAndReal {
    at::Tensor fake;     // bf16 [N, K]
    at::Tensor dequant;  // fp32 [N, K] (bf16 values)
    at::Tensor scale;    // fp32 [N, K/g]
    at::Tensor zero;     // fp32 [N, K/g]
};
Int4FakeAndReal int4FakeAndConverted(const at::Tensor& w, int groupSize, DeviceSemantics device);

// Int4Tensor.from_hp for a 2-D weight. K % groupSize != 0 -> Unsupported: torchao leaves that layer
// in its original dtype (the caller reports "stays bf16").
Result<Int4PlainWeight> int4PlainConvert(const at::Tensor& w, int groupSize, DeviceSemantics device);

at::Tensor packInt4(const at::Tensor& codes);    // int8 [N, K] -> int8 [N, K/2]
at::Tensor unpackInt4(const at::Tensor& qdata);  // int8 [N, K/2] -> int8 [N, K] (sign-extended)

// Kernel dequant: w = bf16(bf16(c * scale) + zero) (two roundings), [N, K] in scale's dtype.
at::Tensor int4PlainDequantize(const Int4PlainWeight& weight);

// y = bf16(x · ŵᵀ with fp32 accumulation), then a separate bias add in bf16 (Int4Tensor F.linear).
Result<at::Tensor> int4PlainLinear(const at::Tensor& x, const Int4PlainWeight& weight,
                                   const std::optional<at::Tensor>& bias);

}  // namespace ql::quant
