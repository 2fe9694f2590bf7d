// torchao-quantized weights stored in safetensors (torch-free). Two layouts are read:
// - flattened (torchao.prototype.safetensors.flatten_tensor_state_dict, what transformers'
//   save_pretrained writes for a TorchAoConfig model, torchao 0.14+): tensors
//   "<module>._<param>_<component>" (e.g. "lm_head._weight_qdata") and __metadata__ entries
//   "<module>.<param>" = {"_type": "Int4Tensor", "_data": {...}, "_tensor_data_names": [...]},
//   "tensor_names" = JSON list of every parameter name (plain tensors have {"_type": "Tensor"}).
//   Sharded checkpoints repeat the whole metadata in every shard.
// - colon (older writers, e.g. transformers' ":qdata" converters): tensors "<param>:<component>",
//   metadata "<param>" = {"_type": ..., "_data": {...}}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quantlens/checkpoint.h"
#include "quantlens/dtype.h"
#include "quantlens/result.h"

namespace ql {

enum class TorchaoLayout { Flattened, Colon };

struct TorchaoComponent {
    std::string name;  // "qdata", "scale", "zero_point", "scale_and_zero", "act_pre_scale", ...
    TensorView view;   // the stored tensor (valid while the Checkpoint lives)
};

// One quantized parameter (a torchao tensor subclass).
struct TorchaoWeight {
    std::string parameter;  // "model.layers.0.mlp.up_proj.weight"
    std::string module;     // "model.layers.0.mlp.up_proj"
    std::string type;       // "_type": "Int4Tensor", "IntxUnpackedToInt8Tensor", ...
    TorchaoLayout layout = TorchaoLayout::Flattened;
    std::vector<TorchaoComponent> components;  // in _tensor_data_names order
    std::vector<std::int64_t> blockSize;       // "_data.block_size" (empty when absent)
    std::vector<std::int64_t> shape;           // logical shape: "_data.shape", else qdata's shape
    std::optional<DType> dtype;                // high-precision dtype ("dtype" / "activation_dtype")
    std::string targetDtype;                   // Intx "target_dtype" ("int4"), "" otherwise
    std::string activationQuantization;        // Intx "activation_quantization", "" when null
    std::string attributesJson;                // the raw "_data" object

    // nullptr when the component is absent.
    const TorchaoComponent* component(std::string_view name) const;
    std::uint64_t bytes() const;  // all components
};

struct TorchaoCheckpoint {
    std::vector<TorchaoWeight> weights;     // sorted by parameter name
    std::vector<std::string> plainTensors;  // stored parameters that are ordinary tensors
};

// True when any file of the checkpoint carries torchao metadata or "<param>:<component>" tensors.
bool hasTorchaoTensors(const Checkpoint& checkpoint);

// Tensor subclass types this reader knows (component names and, for Int4Tensor,
// IntxUnpackedToInt8Tensor, Float8Tensor and Int4TilePackedTo4dTensor, shapes and dtypes are
// checked against block_size and the logical shape).
const std::vector<std::string>& knownTorchaoTypes();

// Parses and validates every torchao weight. Errors name the file, parameter and field:
// unknown "_type" (Unsupported), missing component tensor (NotFound), component shape or dtype
// inconsistent with block_size / shape (InvalidInput), malformed metadata JSON (InvalidInput).
// A checkpoint without torchao tensors gives an empty result.
Result<TorchaoCheckpoint> readTorchaoCheckpoint(const Checkpoint& checkpoint);

}  // namespace ql
