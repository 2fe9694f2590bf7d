// Private: where a recipe's model and adapter really are. `model:` may be a folder or a hub id in
// the local Hugging Face cache; the adapter may be a Trainer output folder (checkpoint-N/ inside);
// without `model:` the adapter's adapter_config.json names the base. Each function fills the
// Recipe's resolution fields (ModelSource, CheckpointChoice) for the report and throws
// recipe::ParseFailure with a one-line error naming the field.
#pragma once

#include <quantlens/recipe.h>

#include <optional>
#include <string>

namespace ql::recipe {

// `written` as the recipe wrote it; relative folders resolve against `baseDir`. A folder that
// exists wins; otherwise a repo-id-shaped text is looked up in the Hub cache (at `revision`, "" =
// main). Anything else is kept as a path (opened, and reported missing, when the model is loaded).
void resolveModel(Recipe& recipe, const std::string& written, const std::string& revision, const std::string& baseDir,
                  const std::string& field);

// `spec.path` is already resolved. A folder with adapter_config.json is the adapter; a folder with
// checkpoint-N/ sub-folders is a Trainer output folder: `checkpoint` ("" = latest, "latest",
// "best" or N) picks one. An existing folder with neither is an error; a missing path is kept.
// `adapterField` ("<recipe>.adapter") prefixes the errors (.path or .checkpoint).
void resolveAdapterFolder(AdapterSpec& spec, const std::string& checkpoint, const std::string& adapterField);

// The recipe has no `model:`: take adapter_config.json's base_model_name_or_path (an absolute
// folder, a folder relative to the adapter folder, or a hub id in the cache at the config's
// `revision`).
void resolveModelFromAdapter(Recipe& recipe, const std::string& field);

}  // namespace ql::recipe
