// A recipe: how one side (train or eval) builds and quantizes its model.
// YAML shape:
//   model: ../models/Qwen3-4B          # a folder, or a hub id (Qwen/Qwen3-4B) in the local HF cache;
//                                      # optional with an adapter whose adapter_config.json names its base
//   revision: main                     # hub ids only: branch, tag or commit hash (default main)
//   adapter: {path: ../dump/run, checkpoint: 1000, form: unmerged}   # unmerged | merged | qat_after_peft
//                                      # path: an adapter folder, or a Trainer output folder holding
//                                      # checkpoint-N/ (checkpoint: N | latest | best; default latest)
//   dtype: bfloat16                    # bfloat16 | float16 | float32
//   device_numerics: cuda              # cuda | cpu
//   torchao_version: "0.15"            # 0.14 .. 0.18
//   quantization: {scheme: int4_weight_only, group_size: 128, packing_format: plain}
//     or {torchao_config: <config_to_dict map, or path to a .json>}  or {hf_config: path/to/config.json}
//     or {repr: "QATConfig(base_config=Int4WeightOnlyConfig(group_size=128, ...), step='prepare')"}
//     plus, in any form: step, include_embeddings, min_in_features, enabled, fake_quant_after_steps
//   embedding_quantization: {scheme: intx_weight_only, weight_dtype: int4, group_size: 32}   # same forms
//   module_forms: [{match: "lm_head", form: float}, {match: ".*layers\\.0\\..*", form: merged}]
// Relative paths resolve against the recipe file's folder.
#pragma once

#include <quantlens/dtype.h>
#include <quantlens/quant_config.h>
#include <quantlens/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ql {

// How the LoRA adapter enters the forward (forms in quantlens/model_forms.h):
// Unmerged = FQ(W)x + s·B(Ax); Merged = FQ(W + s·BA)x; QatAfterPeft = FQ(W)x + s·FQ(B)(FQ(A)x).
enum class AdapterForm { Unmerged, Merged, QatAfterPeft };

// Which device's rounding the run used (CUDA divides by 15 as a multiply by fp32(1/15)).
enum class DeviceNumerics { Cpu, Cuda };

// Which checkpoint-N of a Trainer output folder the adapter is, and why.
struct CheckpointChoice {
    std::string outputDir;                // the Trainer output folder the recipe named
    std::int64_t step = 0;                // N of the checkpoint-N taken
    std::string rule;                     // "latest by global step", "checkpoint: 500", "best (trainer_state.json ...)"
    std::vector<std::int64_t> available;  // every N found, ascending
};

struct AdapterSpec {
    std::string path;  // the adapter folder (checkpoint-N/ for a Trainer output folder), resolved
    AdapterForm form = AdapterForm::Unmerged;
    std::string requestedPath;                   // the path as the recipe wrote it ("" when built in code)
    std::optional<CheckpointChoice> checkpoint;  // set when `path` was a Trainer output folder
    std::optional<std::int64_t> globalStep;      // global_step of trainer_state.json in `path`, if readable
};

// Where the model folder came from, for the report.
struct ModelSource {
    std::string requested;    // as written: a path or hub id ("" when built in code)
    std::string origin;       // "recipe", "adapter_config.json base_model_name_or_path (<file>)", ...
    std::string hubRepoId;    // set when resolved in the Hugging Face cache
    std::string hubRevision;  // the revision asked for ("main" by default)
    std::string hubCommit;    // the snapshot's commit hash
    std::string hubCache;     // "<cache folder> (<rule that chose it>)"
};

// A per-module form forced by the recipe (`module_forms:`): the first rule whose regex fully
// matches the module name ("model.layers.0.mlp.down_proj", "lm_head", "model.embed_tokens") wins.
enum class ModuleFormOverride {
    Float,         // not quantized (form F; an adapter stays unmerged on it)
    Unmerged,      // FQ(W)x + s·B(Ax)
    Merged,        // FQ(W + s·BA)x
    QatAfterPeft,  // FQ(W)x + s·FQ(B)(FQ(A)x)
};

struct ModuleFormRule {
    std::string pattern;  // regular expression (Python re syntax), full match
    ModuleFormOverride form = ModuleFormOverride::Float;
};

struct Recipe {
    std::string sourceFile;  // the YAML file (or the sourceName given to parseRecipe)
    std::string yamlText;    // the text parsed (a fixed eval recipe is written from it)
    std::string modelDir;    // resolved path of the HF checkpoint directory
    ModelSource modelSource;
    std::optional<AdapterSpec> adapter;
    DType dtype = DType::BF16;
    DeviceNumerics deviceNumerics = DeviceNumerics::Cuda;
    TorchaoVersion torchaoVersion;  // default 0.18
    QuantConfig quantization;       // scheme None when the recipe has no `quantization`
    // QAT on nn.Embedding (torchao FakeQuantizedEmbedding via a filter_fn selecting embeddings):
    // `embedding_quantization:`, same forms as `quantization:`; int4_weight_only or intx_weight_only.
    std::optional<QuantConfig> embeddingQuantization;
    std::vector<ModuleFormRule> moduleForms;  // `module_forms: [{match: REGEX, form: ...}]`
};

// Reads and parses a recipe file.
Result<Recipe> loadRecipe(const std::string& path);

// Parses recipe YAML text; `sourceName` names it in errors and its folder anchors relative paths.
Result<Recipe> parseRecipe(std::string_view yamlText, const std::string& sourceName);

std::string_view adapterFormName(AdapterForm form);                // "unmerged", "merged", "qat_after_peft"
std::string_view moduleFormOverrideName(ModuleFormOverride form);  // "float", "unmerged", "merged", "qat_after_peft"
// The form `module` takes under `rules` (nullopt: no rule matches).
std::optional<ModuleFormOverride> moduleFormFor(const std::vector<ModuleFormRule>& rules, std::string_view module);
std::string_view deviceNumericsName(DeviceNumerics device);  // "cpu", "cuda"

}  // namespace ql
