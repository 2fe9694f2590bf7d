// `quantlens inspect`: what a checkpoint, adapter, Trainer checkpoint directory or single
// .safetensors file holds. Torch-free; reads headers and JSON only (tensor data is never touched).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "quantlens/adapter.h"
#include "quantlens/dtype.h"
#include "quantlens/hub_cache.h"
#include "quantlens/model_config.h"
#include "quantlens/result.h"
#include "quantlens/trainer_state.h"

namespace ql {

enum class InspectKind {
    ModelCheckpoint,    // directory with config.json and model safetensors (single or sharded)
    Adapter,            // directory with adapter_config.json (+ adapter_model.safetensors)
    TrainerCheckpoint,  // checkpoint-N directory: trainer_state.json (+ adapter or model)
    SafetensorsFile,    // one .safetensors file
    TrainerOutput,      // a Trainer output folder holding checkpoint-N/ sub-folders (the latest is inspected)
};

// Version of `quantlens inspect --json` (schemas/inspect.schema.json); bumps on change.
inline constexpr int kInspectSchemaVersion = 1;

// Display text: "model checkpoint", "adapter", "trainer checkpoint", "safetensors file", "trainer output folder".
const char* inspectKindName(InspectKind kind);
// JSON id: "model_checkpoint", "adapter", "trainer_checkpoint", "safetensors_file", "trainer_output".
const char* inspectKindId(InspectKind kind);

struct InspectTensorRow {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t bytes = 0;
    std::string file;  // file name relative to the inspected directory
};

// A 2-D "<module>.weight" tensor (a Linear or Embedding weight), or a torchao-quantized weight.
struct InspectModuleRow {
    std::string name;             // module name, e.g. "model.layers.0.mlp.up_proj"
    std::int64_t inFeatures = 0;  // weight shape [out, in] (logical shape when quantized)
    std::int64_t outFeatures = 0;
    DType dtype = DType::F32;  // weight dtype (quantized: dtype of :qdata)
    std::uint64_t bytes = 0;   // all tensors of the module (weight, bias, qdata/scale/zero_point)
    bool hasBias = false;
    std::string quantization;  // "" or e.g. "torchao Int4Tensor" (from metadata _type)
};

struct InspectDTypeTotal {
    DType dtype = DType::F32;
    std::uint64_t elements = 0;
    std::uint64_t bytes = 0;
};

struct InspectReport {
    InspectKind kind = InspectKind::SafetensorsFile;
    std::filesystem::path path;
    std::optional<ModelConfig> config;      // config.json when present
    std::vector<InspectTensorRow> tensors;  // sorted by name
    std::vector<InspectModuleRow> modules;  // sorted by name
    std::uint64_t totalElements = 0;        // sum of numel over tensors
    std::uint64_t totalBytes = 0;
    std::vector<InspectDTypeTotal> perDtype;  // in DType order
    std::optional<LoraConfig> adapterConfig;  // adapters
    std::vector<LoraModule> adapterModules;   // LoRA targets with rank/alpha/scaling
    std::vector<AdapterExtraTensor> adapterExtras;
    std::optional<TrainerState> trainerState;  // trainer checkpoints
    std::optional<TrainerCheckpointDir> trainerDir;
    std::vector<TrainerCheckpointSummary> trainerCheckpoints;  // checkpoint-N/ of a Trainer output folder
    std::optional<std::filesystem::path> inspectedCheckpoint;  // the checkpoint-N/ whose files are listed
    std::optional<HubSnapshot> hub;                            // set when PATH was a hub id resolved in the HF cache
    bool torchaoTensorsFound = false;                          // any "<name>:qdata" tensor
    std::string quantizationConfigJson;                        // config.json quantization_config, "" if none
    std::vector<std::string> notes;                            // non-fatal observations
};

struct InspectOptions {
    // Base model directory for an adapter: the adapter is checked against it (module names and
    // in/out features).
    std::optional<std::filesystem::path> base;
    // Revision of a hub id PATH ("" = main).
    std::string revision;
};

// PATH may also be a hub id ("Qwen/Qwen3-4B") in the local Hugging Face cache when no such path
// exists. Errors are one line naming the file/tensor/field (see the readers); never throws.
Result<InspectReport> inspectPath(const std::filesystem::path& path, const InspectOptions& options = {});

// Aligned human-readable tables (summary, modules, tensors, adapter, trainer state).
std::string formatInspectText(const InspectReport& report);
// The report as one JSON object (pretty-printed, 2-space indent).
std::string formatInspectJson(const InspectReport& report);
// "512 B", "1.50 KiB", "3.25 GiB" (binary units, two decimals above bytes).
std::string formatBytes(std::uint64_t bytes);

}  // namespace ql
