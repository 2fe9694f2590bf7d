// Private: torchao tensor-subclass weights as saved in safetensors (torchao 0.14
// prototype/safetensors/safetensors_support.py flatten_tensor_state_dict):
// tensors "<name>:qdata", "<name>:scale", "<name>:zero_point" and a metadata entry "<name>" =
// {"_type": "Int4Tensor", "_data": {"shape": [N, K], ...}}.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "quantlens/safetensors_file.h"

namespace ql::detail {

struct TorchaoTensorMeta {
    std::string type;                 // "_type", "" when absent
    std::vector<std::int64_t> shape;  // "_data.shape", empty when absent or unreadable
};

// Reads the metadata entry for the parameter `name` (never throws).
TorchaoTensorMeta torchaoTensorMeta(const SafetensorsFile& file, const std::string& name);

}  // namespace ql::detail
