// The module table of a model for a quantization spec (the convert check, `inspect`): every Linear,
// embedding and norm with its type before/after prepare/convert, dtype, shape and bytes. Computed from
// the config alone (no weights are read). Int4 PLAIN convert: qdata [N, K/2] int8 + scale and
// zero_point [K/g, N] in the weight dtype; a Linear whose K does not divide by the group stays float.
#pragma once

#include <ATen/ATen.h>

#include <optional>
#include <vector>

#include "quant/fake_quant_spec.h"
#include "quantlens/model_config.h"
#include "quantlens/model_forms.h"

namespace ql::model {

std::vector<ModuleRow> moduleTable(const ModelConfig& config, at::ScalarType dtype,
                                   const std::optional<quant::LinearFakeQuant>& quant, bool quantizeLmHead = true);

}  // namespace ql::model
