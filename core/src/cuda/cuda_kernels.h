// Private launch declarations of the CUDA kernels (core/src/cuda/*.cu). Plain C++ over at::Tensor:
// no CUDA headers here. Only core/src/cuda/dispatch.cpp includes this; it validates every argument
// (device, dtype, contiguity, shapes) before calling, so the launchers only TORCH_CHECK invariants.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace ql::cuda::detail {

// One side's int4 PLAIN fake quant (torchao Int4WeightFakeQuantizer, bf16-activation path).
struct SideParams {
    bool quantize = true;  // false: the side's weight is used as it is (form F)
    int groupSize = 128;   // divides K when quantize
    bool cudaDiv = true;   // s = R * fl32(1/15) (CUDA) or R / 15 (CPU, true division)
};

inline constexpr int kHistEdges = 53;  // checks::logHistogramEdges(): 10^(k/4), k = -40..12

// Everything the fused compare kernel needs besides the tensors (passed by value to the kernel).
struct CompareParams {
    SideParams train, eval;
    int mapGroup = 128;  // per-group max |Δ| map cell width along K (divides K)
    int tile = 128;      // elements of one row a block handles at once; a multiple of every group
    double atol = 0.0, rtol = 0.0;
    double edges[kHistEdges] = {};  // plain array: the struct is a kernel argument
};

// Stats slots of one block's partial result (double [grid, kStatCount]).
enum StatSlot { kSumAbs, kSumSq, kSumA2, kSumB2, kSumAB, kDiffering, kOutOfTol, kNonFinite, kMaxAbs, kStatCount };

// Outputs of launchFusedCompare, allocated by the caller on a's device.
struct CompareOutputs {
    at::Tensor partials;  // double [grid, kStatCount]
    at::Tensor hist;      // int64 [kHistEdges - 1 + 2]: bins, then zeros, then overflow
    at::Tensor groupMax;  // float [N, K / mapGroup]
    at::Tensor outTrain;  // [N, K] a's dtype, or undefined (not written)
    at::Tensor outEval;
};

// Blocks of the fused compare kernel (the caller sizes `partials` with it).
int compareGridSize(std::int64_t tiles);

// a, b: [N, K] contiguous, same dtype (bf16, fp16 or fp32), same CUDA device; b may alias a.
void launchFusedCompare(const at::Tensor& a, const at::Tensor& b, const CompareParams& params, CompareOutputs& out);

// out = int4 fake quant of w (same shape/dtype), tile a multiple of side.groupSize dividing K.
void launchInt4FakeQuant(const at::Tensor& w, const SideParams& side, int tile, at::Tensor& out);

// Deployed-kernel dequant ŵ[n,k] = T(T(c·s) + z) (fp32 op, rounded to T, after each step).
// qdata int8 [N, K/2]; scale, zero [K/g, N] of dtype T; out [N, K] of dtype T.
void launchInt4Dequant(const at::Tensor& qdata, const at::Tensor& scale, const at::Tensor& zero, int groupSize,
                       at::Tensor& out);

// y[m,n] = Σ_k x[m,k]·ŵ[n,k] accumulated in fp32; out is fp32 (raw accumulators) or T (rounded, then
// `+ bias` as a separate T-precision add when bias is defined). x [M, K] of dtype T.
void launchInt4Linear(const at::Tensor& x, const at::Tensor& qdata, const at::Tensor& scale, const at::Tensor& zero,
                      int groupSize, const at::Tensor& bias, at::Tensor& out);

}  // namespace ql::cuda::detail
