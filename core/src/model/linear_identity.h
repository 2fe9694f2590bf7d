// Whether two prepared Linear row blocks compute the same function of their input bit for bit: the same
// weight (or int4 kernel weight), bias and LoRA factors, compared as values (the same tensor is the
// fast path). Blocks with an activation fake quantizer or a packed CUDA int4 weight are never called
// identical (their extra state is not compared). LockstepForward computes a track's Linear once when
// an earlier track has the same input and an identical block.
#pragma once

#include "model/linear_forms.h"

namespace ql::model {

bool sameTensorValues(const at::Tensor& a, const at::Tensor& b);
bool sameLinearRows(const PreparedLinear& a, const PreparedLinear& b);

}  // namespace ql::model
