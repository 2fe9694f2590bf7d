// PEFT LoRA adapter directories (peft/utils/save_and_load.py): adapter_config.json + adapter_model.safetensors.
// Only peft_type "LORA" is supported. The pickle adapter_model.bin is never unpickled: a directory
// holding only that file is refused with a message saying how to convert it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quantlens/dtype.h"
#include "quantlens/model_config.h"
#include "quantlens/result.h"
#include "quantlens/safetensors_file.h"

namespace ql {

class Checkpoint;

// adapter_config.json, LoRA fields (names follow PEFT's LoraConfig).
struct LoraConfig {
    std::string peftType = "LORA";    // peft_type
    std::string taskType;             // task_type ("" when null)
    std::string baseModelNameOrPath;  // base_model_name_or_path ("" when null)
    std::string peftVersion;          // peft_version ("" when absent)
    std::string revision;             // revision of the base model on the Hub ("" when null)
    std::int64_t r = 8;               // r
    double loraAlpha = 8.0;           // lora_alpha
    bool useRslora = false;           // use_rslora: scaling = alpha / sqrt(r)
    // target_modules: a list (match = exact name or name ends with "." + entry), or one regex
    // string (full match), or "all-linear" (all Linear modules except the output layer).
    std::vector<std::string> targetModules;
    std::optional<std::string> targetModulesRegex;
    bool targetAllLinear = false;
    std::vector<std::string> excludeModules;  // exclude_modules, list form
    std::optional<std::string> excludeModulesRegex;
    // rank_pattern / alpha_pattern in JSON order (PEFT takes the first matching key).
    std::vector<std::pair<std::string, std::int64_t>> rankPattern;
    std::vector<std::pair<std::string, double>> alphaPattern;
    std::vector<std::string> modulesToSave;       // modules_to_save
    bool fanInFanOut = false;                     // fan_in_fan_out
    bool useDora = false;                         // use_dora
    bool loraBias = false;                        // lora_bias
    std::string bias = "none";                    // bias: "none", "all", "lora_only"
    std::vector<std::int64_t> layersToTransform;  // layers_to_transform (int or list); empty = all
    std::vector<std::string> layersPattern;       // layers_pattern (string or list); empty = default

    // Rank / alpha / scaling for the module `name` (e.g. "model.layers.3.self_attn.q_proj"),
    // applying rank_pattern/alpha_pattern with PEFT's get_pattern_key rule: the first key k (JSON
    // order) such that re.match(r"(.*\.)?(" + k + r")$", name).
    std::int64_t rankFor(std::string_view name) const;
    double alphaFor(std::string_view name) const;
    double scalingFor(std::string_view name) const;  // alpha/r, or alpha/sqrt(r) with use_rslora
    // Whether PEFT would target `name` (target_modules, exclude_modules, layers_to_transform).
    // "all-linear" answers true for every name except "lm_head".
    bool targets(std::string_view name) const;
};

// Parses adapter_config.json text; regex fields are compiled here, so a bad regex is an error.
// Errors: InvalidInput (JSON, field types, r <= 0), Unsupported (peft_type other than LORA).
Result<LoraConfig> parseLoraConfig(std::string_view jsonText, const std::string& sourceName);

enum class LoraModuleKind { Linear, Embedding };

// One LoRA-adapted base module.
struct LoraModule {
    std::string name;  // base module name, e.g. "model.layers.0.self_attn.q_proj"
    LoraModuleKind kind = LoraModuleKind::Linear;
    std::int64_t rank = 0;         // rows of lora_A (checked against config/pattern)
    double alpha = 0.0;            // from lora_alpha / alpha_pattern
    double scaling = 0.0;          // alpha / r or alpha / sqrt(r)
    std::int64_t inFeatures = 0;   // lora_A [r, in] (Embedding: num_embeddings)
    std::int64_t outFeatures = 0;  // lora_B [out, r] (Embedding: embedding_dim)
    DType dtype = DType::F32;      // dtype of lora_A
    std::string loraAKey;          // tensor names in adapter_model.safetensors
    std::string loraBKey;
    std::string loraBBiasKey;  // "" unless lora_bias
    std::string magnitudeKey;  // "" unless DoRA (lora_magnitude_vector)
};

// A tensor of the adapter file that is not a LoRA factor: modules_to_save copies, trained
// biases, saved embedding matrices.
struct AdapterExtraTensor {
    std::string key;       // name in the file
    std::string baseName;  // the base-model parameter it replaces (prefix/adapter name removed)
};

struct LoraAdapter {
    std::filesystem::path directory;
    LoraConfig config;
    SafetensorsFile weights;          // adapter_model.safetensors (mmapped)
    std::vector<LoraModule> modules;  // sorted by name
    std::vector<AdapterExtraTensor> extras;
};

// Opens an adapter directory (or the adapter_model.safetensors file inside one). Keys are
// mapped as PEFT saves them (base_model.model.<module>.lora_A.weight ...), also tolerating an
// adapter name (".lora_A.default.weight") and a missing "base_model.model." prefix.
// Errors name the file and key: lora_A not [r, in], lora_B not [out, r], A/B rank disagreeing,
// rank differing from r/rank_pattern, lora_A without lora_B, unknown LoRA key forms.
Result<LoraAdapter> openLoraAdapter(const std::filesystem::path& path);

// Checks the adapter against base parameters (name + shape, e.g. from Checkpoint or
// expectedParameters): each LoRA module's "<name>.weight" must exist with shape [out, in]
// (Embedding: [in, out]); each extra's base parameter must exist. Error names the missing
// modules (first few and the count) or the first in/out mismatch.
Status checkAdapterAgainstBase(const LoraAdapter& adapter, std::span<const ParameterShape> base);
// Same, with the parameters of a checkpoint (torchao "<name>:qdata" tensors count with their
// logical shape from the file metadata).
Status checkAdapterAgainstCheckpoint(const LoraAdapter& adapter, const Checkpoint& base);
// The parameter names+shapes a checkpoint holds (logical shapes for torchao-quantized weights).
std::vector<ParameterShape> checkpointParameters(const Checkpoint& checkpoint);

}  // namespace ql
