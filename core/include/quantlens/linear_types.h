// The decoder layer's Linear types in forward order, read from the one Linear table
// (core/src/model/linear_table.cpp), for code outside the engine that orders or lists them.
#pragma once

#include <string_view>
#include <vector>

namespace ql {

// "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj".
const std::vector<std::string_view>& decoderLinearTypes();

}  // namespace ql
