// A recipe: how one side (train or eval) builds and quantizes its model (DESIGN.md "Recipe").
// YAML shape:
//   model: ../models/Qwen3-4B
//   adapter: {path: ../dump/run/checkpoint-1000, form: unmerged}   # unmerged | merged | qat_after_peft
//   dtype: bfloat16                    # bfloat16 | float16 | float32
//   device_numerics: cuda              # cuda | cpu
//   torchao_version: "0.15"            # 0.14 .. 0.18
//   quantization: {scheme: int4_weight_only, group_size: 128, packing_format: plain}
//     or {torchao_config: <config_to_dict map, or path to a .json>}  or {hf_config: path/to/config.json}
// Relative paths resolve against the recipe file's folder.
#pragma once

#include <quantlens/dtype.h>
#include <quantlens/quant_config.h>
#include <quantlens/result.h>

#include <optional>
#include <string>
#include <string_view>

namespace ql {

// How the LoRA adapter enters the forward (DESIGN.md "Forms"):
// Unmerged = FQ(W)x + s·B(Ax); Merged = FQ(W + s·BA)x; QatAfterPeft = FQ(W)x + s·FQ(B)(FQ(A)x).
enum class AdapterForm { Unmerged, Merged, QatAfterPeft };

// Which device's rounding the run used (CUDA divides by 15 as a multiply by fp32(1/15)).
enum class DeviceNumerics { Cpu, Cuda };

struct AdapterSpec {
    std::string path;  // absolute or relative to the working directory (already resolved)
    AdapterForm form = AdapterForm::Unmerged;
};

struct Recipe {
    std::string sourceFile;                 // the YAML file (or the sourceName given to parseRecipe)
    std::string modelDir;                   // resolved path of the HF checkpoint directory
    std::optional<AdapterSpec> adapter;
    DType dtype = DType::BF16;
    DeviceNumerics deviceNumerics = DeviceNumerics::Cuda;
    TorchaoVersion torchaoVersion;          // default 0.18
    QuantConfig quantization;               // scheme None when the recipe has no `quantization`
};

// Reads and parses a recipe file.
Result<Recipe> loadRecipe(const std::string& path);

// Parses recipe YAML text; `sourceName` names it in errors and its folder anchors relative paths.
Result<Recipe> parseRecipe(std::string_view yamlText, const std::string& sourceName);

std::string_view adapterFormName(AdapterForm form);         // "unmerged", "merged", "qat_after_peft"
std::string_view deviceNumericsName(DeviceNumerics device); // "cpu", "cuda"

}  // namespace ql
