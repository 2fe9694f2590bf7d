// torchao weights read from a checkpoint (quantlens/torchao_checkpoint.h) as the quant structs this
// engine computes, so a saved converted checkpoint can be compared with our own convert / fake quant.
#pragma once

#include "quant/int4_convert.h"
#include "quant/intx_float8_convert.h"
#include "quantlens/torchao_checkpoint.h"

namespace ql::quant {

// Int4Tensor (PLAIN), 2-D: qdata, scale, zero_point copied; group = block_size[1].
Result<Int4PlainWeight> int4PlainFromTorchao(const TorchaoWeight& weight);

// IntxUnpackedToInt8Tensor, 2-D; bits from target_dtype ("int1".."int8").
Result<IntxWeight> intxFromTorchao(const TorchaoWeight& weight);

// Float8Tensor, 2-D, per row or per tensor scale.
Result<Float8Weight> float8FromTorchao(const TorchaoWeight& weight);

}  // namespace ql::quant
