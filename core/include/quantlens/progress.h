// Progress reporting and cancellation: one callback that returns false to stop.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace ql {

struct Progress {
    std::string stage;       // "config", "weights", "logits", "activations", "convert", "adapter merge"
    std::string item;        // what is being processed now, e.g. "model.layers.3.mlp.down_proj"
    std::int64_t done = 0;   // items finished in this stage
    std::int64_t total = 0;  // items in this stage (0 when unknown)
};

// Called from the worker thread between items (module, layer, prompt). Return false to cancel;
// the running function then returns Error{ErrorCode::Cancelled}.
using ProgressFn = std::function<bool(const Progress&)>;

}  // namespace ql
