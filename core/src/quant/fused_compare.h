// Weight comparison of two int4 fake-quantized sides in one call: both sides' Int4Plain fake quant
// (each with its own group size and device semantics), the checks::DiffAccumulator sums, the |Δ|
// log histogram (checks::absDiffHistogram) and the per-group max |Δ| map (checks::groupErrorMap before
// pooling). Two implementations with the same contract: the plain-ATen one here (any device) and the
// fused CUDA kernel (cuda/cuda_dispatch.h: fusedInt4Compare), tested against each other.
#pragma once

#include <ATen/ATen.h>

#include "quant/fake_quant_spec.h"
#include "quantlens/result.h"
#include "quantlens/verify_report.h"
#include "verify/metrics.h"

namespace ql::quant {

// One side: int4 PLAIN fake quant with its group and device semantics, or the weight as it is.
struct Int4Side {
    bool quantize = true;
    int groupSize = 128;
    DeviceSemantics device = DeviceSemantics::Cuda;
};

struct CompareRequest {
    Int4Side train;
    Int4Side eval;
    Tolerance tolerance;
    int mapGroupSize = 128;    // map cell width along K; <= 0 or not dividing K: one cell per row
    bool keepOutputs = false;  // also return both sides' effective weights
};

struct CompareResult {
    checks::DiffAccumulator diff;  // raw sums; diff.result() gives the DiffMetrics
    Histogram absDiff;             // checks::absDiffHistogram(train, eval)
    at::Tensor groupMaxAbs;        // fp32 [N, K / mapGroup] on the input device (NaN where a cell has one)
    at::Tensor train, eval;        // effective weights when keepOutputs, else undefined
};

// Inputs: two [N, K] floating tensors of the same shape, dtype and device (they may be the same
// tensor). A quantized side's group must divide K (else InvalidInput naming K and the group).
Status checkCompareInputs(const at::Tensor& train, const at::Tensor& eval, const CompareRequest& request);

// The map group actually used: request.mapGroupSize when it divides K, else K.
std::int64_t effectiveMapGroup(std::int64_t k, int mapGroupSize);

// Int4Plain fake quant as torchao issues it, op for op, on w's device with `device` division semantics
// (on a CUDA tensor, CPU semantics divide by a device tensor: a true division, not PyTorch's reciprocal
// multiply for a Python-scalar divisor).
at::Tensor int4FakeQuantAten(const at::Tensor& w, int groupSize, DeviceSemantics device);

// The plain-ATen implementation (CPU: the fused CPU fake quant; CUDA: int4FakeQuantAten), then the
// verify metric functions.
Result<CompareResult> compareInt4Aten(const at::Tensor& train, const at::Tensor& eval, const CompareRequest& request);

// checks::groupErrorMap's pooling applied to an unpooled [N, G] map (any device; result on the host).
GroupErrorMap poolGroupMap(const at::Tensor& groupMaxAbs, std::int64_t maxCells = 256);

}  // namespace ql::quant
