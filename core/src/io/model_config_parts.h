// Private pieces of the config.json reader (model_config.cpp), split by topic.
#pragma once

#include <optional>

#include "io/json_fields.h"
#include "quantlens/model_config.h"

namespace ql::detail {

// rope_theta / rope_scaling (v4) or rope_parameters (v5) into c.ropeTheta / c.ropeScaling,
// following transformers' convert_rope_params_to_dict + standardize_rope_params.
Status readRope(FieldReader& r, ModelConfig& c);

// sliding_window, use_sliding_window, max_window_layers, layer_types (§2.7). `defaultWindow` is
// the family's class default for an absent sliding_window.
Status readAttentionLayout(FieldReader& r, std::optional<std::int64_t> defaultWindow, ModelConfig& c);

}  // namespace ql::detail
