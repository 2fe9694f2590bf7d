// Torch-free CPU kernels of the LoRA side of a Linear's rows, for the verify walk's row blocks.
//
// loraDeltaRows reproduces, bit for bit, what PEFT's get_delta_weight computes on the CPU for fp32
// factors, `(lora_B.weight @ lora_A.weight) * scaling` (peft/tuners/lora/layer.py): the BLAS product
// of a whole [out, r] x [r, in] pair accumulates each element as one fused multiply-add chain over
// r in order, starting from zero; the product is then rounded and multiplied by the scaling (one more
// rounding). Blocks of rows give the same bits as the whole product, which BLAS itself does not
// promise for small blocks. Whether the BLAS in use follows that rule is checked at run time
// (verify/lora_delta_source.h) before these kernels stand in for it.
#pragma once

#include <cstdint>

namespace ql::quant::kernels {

// out[i, k] = fl(fl(sum_j b[i, j] * a[j, k]) * scaling), sum as fma(b[i,j], a[j,k], acc) for j = 0..r-1.
// b: [rows, r] row-major, a: [r, k] row-major, out: [rows, k]; fp32 everywhere.
void loraDeltaRows(const float* b, const float* a, float* out, std::int64_t rows, std::int64_t r, std::int64_t k,
                   float scaling);

// PEFT's merge into a bf16 weight, `W.data += delta` (one rounding of the fp32 sum to bf16):
// out[i] = bf16(float(w[i]) + delta[i]); bf16 as uint16 bit patterns, round to nearest even.
void mergeIntoBf16(const std::uint16_t* w, const float* delta, std::uint16_t* out, std::int64_t n);

// The dense map of an unmerged LoRA: out[i] = float(w[i]) + delta[i] (one fp32 rounding).
void addDeltaBf16(const std::uint16_t* w, const float* delta, float* out, std::int64_t n);

// Per row of an fp32 [rows, k] block: max |d| (NaN ignored, as fmax does) and the sum of d² in float64,
// accumulated in 8 lanes (element j into lane j % 8, in order) that are then added lane 0 to 7: a
// fixed order, so the bits do not depend on how rows are grouped into blocks or threads.
void rowAbsMaxSumSq(const float* d, std::int64_t rows, std::int64_t k, double* rowMax, double* rowSumSq);

// out[i] = float(in[i]) for bf16 bit patterns (exact).
void bf16ToF32(const std::uint16_t* in, float* out, std::int64_t n);

// max |d[i]| over n fp32 values (NaN ignored).
float absMax(const float* d, std::int64_t n);

}  // namespace ql::quant::kernels
