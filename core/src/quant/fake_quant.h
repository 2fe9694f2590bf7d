// Fake quantizers bit-identical with torchao 0.18.0 eager (qat/fake_quantizer.py:
// Int4WeightFakeQuantizer, IntxFakeQuantizer, Float8FakeQuantizer).
// Two implementations: a reference that issues the same ATen ops in the same order with the same
// dtypes as torchao, and a fused single-pass CPU loop for Int4Plain (tested bit-identical to it).
#pragma once

#include <ATen/ATen.h>

#include "quant/fake_quant_spec.h"
#include "quantlens/result.h"

namespace ql::quant {

// Fake-quantizes `x` (a weight [N, K], or for Int8Activation / Float8 activations [..., K]) as torchao
// does. Float32 / bfloat16 / float16 inputs; the output has x's dtype and shape. K not a multiple of
// the group -> InvalidInput (torchao's view/assert fails there too). Uses the fused path for Int4Plain
// on contiguous CPU tensors, the ATen reference otherwise.
Result<at::Tensor> fakeQuantize(const at::Tensor& x, const FakeQuantSpec& spec);

// The ATen op-for-op reference (any device; CUDA semantics emulated on CPU when spec.device == Cuda).
Result<at::Tensor> fakeQuantizeReference(const at::Tensor& x, const FakeQuantSpec& spec);

// Fused Int4Plain fake quant: one pass per group, fp32 arithmetic in torchao's order, no FMA.
// Preconditions (checked by fakeQuantize): 2-D, contiguous, CPU, bf16 or fp32, K % groupSize == 0.
at::Tensor int4FakeQuantFused(const at::Tensor& w, int groupSize, DeviceSemantics device);

// `t / d` as PyTorch computes it for a Python-scalar divisor on that device: CPU true division;
// CUDA t * fl32(1/d) in fp32 opmath, rounded back to t's dtype.
at::Tensor divScalar(const at::Tensor& t, double d, DeviceSemantics device);

}  // namespace ql::quant
