// The per-module part of a side's plan: how each Linear and the embedding of one side run, decided once
// from the side's coverage (quantlens/coverage.h: module_forms, filters such as min_in_features,
// transformers' skips, switched-off fake quantizers, QAT after PEFT on the LoRA factors, embedding
// QAT). Every pass reads it through the side's RunSpec (RunSpec::module / formOf / embedding); nothing
// else decides per module.
#pragma once

#include <quantlens/coverage.h>
#include <quantlens/recipe.h>

#include <vector>

#include "model/layer_weights.h"

namespace ql::checks {

// Fills run.modules (every Linear of the coverage) and run.embedding from `rows` (moduleCoverage of
// the side's recipe). `run.form` must already hold the side's form and fake-quant spec. Errors: an
// embedding quantized other than by QAT prepare (converted or from an HF config), which the forward
// does not model, named as the recipe key; an embedding spec torchao's prepare rejects.
Status planModules(const Recipe& recipe, const std::vector<CoverageRow>& rows, model::RunSpec& run);

}  // namespace ql::checks
