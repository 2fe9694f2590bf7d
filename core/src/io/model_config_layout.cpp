#include "io/model_config_layout.h"

namespace ql::detail {
namespace {

Error layoutError(const FieldReader& r, const std::string& field, const std::string& what) {
    return makeError(ErrorCode::InvalidInput, r.sourceName() + ": field '" + field + "': " + what);
}

}  // namespace

Status readAttentionLayout(FieldReader& r, std::optional<std::int64_t> defaultWindow, ModelConfig& c) {
    const bool isQwen = c.family == ModelFamily::Qwen2 || c.family == ModelFamily::Qwen3;
    const std::optional<std::int64_t> window =
        r.contains("sliding_window") ? r.optInt("sliding_window") : defaultWindow;
    c.useSlidingWindow = r.boolOr("use_sliding_window", false);
    c.maxWindowLayers = r.intOr("max_window_layers", 28);
    const auto saved = r.stringList("layer_types");
    if (r.error()) {
        return *r.error();
    }
    if (c.family == ModelFamily::Llama) {
        c.slidingWindow.reset();
    } else {
        c.slidingWindow = (isQwen && !c.useSlidingWindow) ? std::nullopt : window;
    }
    if (c.slidingWindow && *c.slidingWindow <= 0) {
        return layoutError(r, "sliding_window", "expected a positive integer or null");
    }
    if (!saved.empty() && isQwen) {
        if (saved.size() != static_cast<std::size_t>(c.numHiddenLayers)) {
            return layoutError(
                r, "layer_types",
                "expected " + std::to_string(c.numHiddenLayers) + " entries, got " + std::to_string(saved.size()));
        }
        for (const auto& t : saved) {
            if (t != "full_attention" && t != "sliding_attention") {
                return layoutError(r, "layer_types",
                                   "expected 'full_attention' or 'sliding_attention', got '" + t + "'");
            }
        }
        c.layerTypes = saved;
        return Ok{};
    }
    c.layerTypes.clear();
    for (std::int64_t i = 0; i < c.numHiddenLayers; ++i) {
        const bool sliding = c.slidingWindow.has_value() && (!isQwen || i >= c.maxWindowLayers);
        c.layerTypes.push_back(sliding ? "sliding_attention" : "full_attention");
    }
    return Ok{};
}

}  // namespace ql::detail
