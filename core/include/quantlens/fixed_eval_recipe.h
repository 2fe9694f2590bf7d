// The eval recipe with train's numerics (`quantlens verify --write-fixed-eval`, the diagnosis' all-reverted
// track): eval's model, revision and adapter folder (pinned to the checkpoint it resolved), and train's
// dtype, device numerics, torchao release, quantization, embedding quantization, module forms and
// adapter form, copied from train's recipe text. Paths are written absolute.
#pragma once

#include <quantlens/recipe.h>
#include <quantlens/result.h>

#include <string>
#include <vector>

namespace ql {

// First line of every recipe written this way (replacing a file that starts with it is allowed).
inline constexpr const char* kFixedEvalHeader = "# Written by QuantLens (verify --write-fixed-eval)";

struct FixedEvalRecipe {
    std::string yaml;                  // parses as a recipe; see the header comment for what it holds
    std::vector<std::string> changed;  // "adapter.form: merged -> unmerged", one line per numerics field changed
};

// `changedFields`: the config check's numerics-changing fields with their values, written as comments.
Result<FixedEvalRecipe> fixedEvalRecipe(const Recipe& train, const Recipe& eval,
                                        const std::vector<std::string>& changedFields);

// Writes the recipe atomically; refuses to replace a file that QuantLens did not write this way.
Status writeFixedEvalRecipe(const FixedEvalRecipe& recipe, const std::string& path);

}  // namespace ql
