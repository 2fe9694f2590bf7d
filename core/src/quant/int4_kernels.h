// Vectorized int4 PLAIN group kernels on the CPU, torch-free (pointers in, pointers out).
// Every kernel performs the fp32 operations of torchao's eager sequence (fake:
// qat/fake_quantizer.py Int4WeightFakeQuantizer._bf16_activations_forward; convert:
// mslk.quantize.shuffle int4_row_quantize_zp, called by Int4Tensor.from_hp) in the same order, each
// rounded on its own (no FMA contraction), 16 lanes at a time:
//   M = amax(g), m = amin(g) (NaN-propagating), s = clamp_min(M - m, 1e-6) / 15 (CPU: a division;
//   CUDA: * fl32(1/15)), z = m + s·8, c = clamp(round_half_even((w - m) / s), 0, 15) - 8.
// Fake quant returns c·s + z rounded to the input dtype; convert returns c, s and z.
// bf16 values travel as their uint16 bit patterns. Rows are [groups · groupSize] contiguous.
// Built for AVX-512, AVX2 and baseline x86-64 (picked at load time); every build gives the same bits.
#pragma once

#include <cstdint>

namespace ql::quant::kernels {

// out[i] = FQ(in[i]) for `groups` consecutive groups of `groupSize` elements.
void int4FakeQuantBf16(const std::uint16_t* in, std::uint16_t* out, std::int64_t groups, std::int64_t groupSize,
                       bool cudaDivision);
void int4FakeQuantF32(const float* in, float* out, std::int64_t groups, std::int64_t groupSize, bool cudaDivision);
// int4FakeQuantBf16 that also writes each group's fp32 scale and zero.
void int4FakeQuantBf16WithParams(const std::uint16_t* in, std::uint16_t* out, float* scale, float* zero,
                                 std::int64_t groups, std::int64_t groupSize, bool cudaDivision);

// Codes c in [-8, 7] (int8, one per element; NaN groups give code 0 as ATen's float->int8 does here),
// and per group the fp32 scale s and zero z.
void int4CodesBf16(const std::uint16_t* in, std::int8_t* codes, float* scale, float* zero, std::int64_t groups,
                   std::int64_t groupSize, bool cudaDivision);
void int4CodesF32(const float* in, std::int8_t* codes, float* scale, float* zero, std::int64_t groups,
                  std::int64_t groupSize, bool cudaDivision);

// The deployed kernel's dequant in bf16: w = bf16(bf16(c · s) + z) with s, z the group's bf16 scale
// and zero (as float values); written as float (exact) for the fp32 matmul that follows.
void int4DequantBf16ToF32(const std::int8_t* codes, const float* scale, const float* zero, float* out,
                          std::int64_t groups, std::int64_t groupSize);

// Fake quant and convert of the same groups in one pass (one group size and division for both):
// fake[i] = int4FakeQuantBf16's output, dequant[i] = int4DequantBf16ToF32 of the codes with the
// scale and zero rounded to bf16, scale/zero = the fp32 per-group values.
void int4FakeAndDequantBf16(const std::uint16_t* in, std::uint16_t* fake, float* dequant, float* scale, float* zero,
                            std::int64_t groups, std::int64_t groupSize, bool cudaDivision);

// Everything the verify walk derives from one int4 fake quant of bf16 rows, in one pass (null: not
// wanted): the fake quant (bf16), the deployed kernel's dequant (as int4DequantBf16ToF32, fp32), the
// fake quant as fp32 values, the fake quant plus `delta` (the dense map of an unmerged LoRA,
// float(fake) + delta[i] in fp32), and per group the fp32 scale and zero.
struct Int4RowOutputs {
    std::uint16_t* fake = nullptr;
    float* dequant = nullptr;
    float* fakeF32 = nullptr;
    const float* delta = nullptr;
    float* plusDelta = nullptr;
    float* scale = nullptr;
    float* zero = nullptr;
};
void int4FakeQuantRowsBf16(const std::uint16_t* in, const Int4RowOutputs& out, std::int64_t groups,
                           std::int64_t groupSize, bool cudaDivision);

// bf16 round-to-nearest-even of fp32 values (c10::BFloat16's rounding; NaN -> 0x7FC0), as float.
float roundToBf16(float v);

}  // namespace ql::quant::kernels
