// Private: which decoder layers use sliding-window attention, from config.json.
#pragma once

#include <cstdint>
#include <optional>

#include "io/json_fields.h"
#include "quantlens/model_config.h"

namespace ql::detail {

// sliding_window, use_sliding_window, max_window_layers, layer_types, derived as the Qwen2/Qwen3
// configs' __init__ does when layer_types is absent (transformers/models/qwen3/configuration_qwen3.py:
// "sliding_attention" for layers >= max_window_layers when use_sliding_window). `defaultWindow` is the
// family's class default for an absent sliding_window.
Status readAttentionLayout(FieldReader& r, std::optional<std::int64_t> defaultWindow, ModelConfig& c);

}  // namespace ql::detail
