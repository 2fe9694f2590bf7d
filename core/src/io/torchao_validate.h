// Private to readTorchaoCheckpoint: metadata entry -> TorchaoWeight, and per-type component checks.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "quantlens/torchao_checkpoint.h"

namespace ql::detail {

struct TorchaoContext {
    const Checkpoint* checkpoint = nullptr;
    std::string source;  // file named in errors (the one holding the metadata)
};

// Type and "_data" attributes of one metadata entry; unknown "_type" -> Unsupported.
Result<TorchaoWeight> torchaoWeightFromEntry(const TorchaoContext& ctx, const std::string& param,
                                             const nlohmann::json& entry, TorchaoLayout layout);

// "_tensor_data_names" (empty when absent).
std::vector<std::string> componentNames(const nlohmann::json& entry);

// Component names found as "<param>:<name>" tensors, "qdata" first, the rest sorted.
std::vector<std::string> orderedComponents(std::vector<std::string> names);

// Required components present; shapes and dtypes consistent with block_size and shape. Fills
// `shape` from qdata for types that do not store it (Intx, Float8).
Status validateTorchaoWeight(const TorchaoContext& ctx, TorchaoWeight& weight);

}  // namespace ql::detail
