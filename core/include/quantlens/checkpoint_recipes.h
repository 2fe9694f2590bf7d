// The notebook's two recipes built from a training checkpoint alone (`quantlens verify --adapter DIR`,
// the GUI's "Open checkpoint..."): by default train = the adapter unmerged on the QAT-prepared base (as
// training ran it), eval = the adapter merged (merge_and_unload, as evaluation rebuilds it), both on the
// same numerics (dtype, device numerics, torchao release, quantization); `trainForm` / `evalForm` pick
// other adapter forms. The recipes are YAML texts that are parsed exactly as a recipe file would be, so
// what is printed or saved is what ran. A Trainer output folder's checkpoint is pinned: the texts name
// the checkpoint-N that "latest" or "best" resolved to, so a saved recipe keeps meaning that checkpoint
// after training writes more.
#pragma once

#include <quantlens/recipe.h>
#include <quantlens/result.h>

#include <optional>
#include <string>

namespace ql {

struct CheckpointRecipeOptions {
    std::string adapter;                      // adapter folder or Trainer output folder (required)
    std::string model;                        // folder or hub id; "" = adapter_config.json's base_model_name_or_path
    std::string revision;                     // of a hub id model
    std::string checkpoint;                   // N, "latest" or "best"; "" = latest
    std::string scheme = "int4_weight_only";  // recipe scheme name; ignored when `repr` is set
    std::optional<int> groupSize;             // absent: the scheme's torchao default
    std::string repr;                         // torchao's printed config, instead of scheme/group size
    std::string dtype = "bfloat16";
    std::string deviceNumerics = "cuda";
    std::string torchaoVersion = "0.18";
    std::string trainForm = "unmerged";  // adapter form on each side: unmerged, merged or qat_after_peft
    std::string evalForm = "merged";
};

struct CheckpointRecipes {
    std::string trainYaml;  // exactly the texts parsed into `train` and `eval`
    std::string evalYaml;
    Recipe train;
    Recipe eval;
};

// First line of every recipe written this way (saving over a file that starts with it is allowed).
inline constexpr const char* kCheckpointRecipeHeader = "# Built by QuantLens from a training checkpoint";

// Paths in the YAML are absolute (relative ones resolve against the working directory), so the texts
// can be saved anywhere. `trainName` / `evalName` name the recipes in errors and in the report.
// Errors: the recipe parser's (one line naming the field), e.g. a missing adapter or hub model.
Result<CheckpointRecipes> buildCheckpointRecipes(const CheckpointRecipeOptions& options, const std::string& trainName,
                                                 const std::string& evalName);

// Writes train.yaml and eval.yaml into `folder` (created if missing) atomically; refuses to replace
// a file that QuantLens did not write (its first line is not kCheckpointRecipeHeader).
Status saveCheckpointRecipes(const CheckpointRecipes& recipes, const std::string& folder);

}  // namespace ql
