// Private: the rope fields of config.json.
#pragma once

#include "io/json_fields.h"
#include "quantlens/model_config.h"

namespace ql::detail {

// rope_theta / rope_scaling (v4) or rope_parameters (v5) into c.ropeTheta / c.ropeScaling,
// following transformers' convert_rope_params_to_dict + standardize_rope_params
// (transformers/modeling_rope_utils.py).
Status readRope(FieldReader& r, ModelConfig& c);

}  // namespace ql::detail
