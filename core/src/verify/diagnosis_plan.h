// The diagnosis' counterfactual eval recipes: for every declared config field the config check says
// changes numerics, the eval recipe with that field alone set to train's value; and the fixed eval
// recipe with all of them set (fixed_eval_recipe.h). Each runs as one more track of the verify walk.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "quantlens/config_diff.h"
#include "quantlens/fixed_eval_recipe.h"
#include "quantlens/recipe.h"
#include "quantlens/verify_report.h"

namespace ql::checks {

struct CausePlan {
    std::string field, train, eval;
    Recipe recipe;  // eval with `field` set to train's value
};

struct DiagnosisPlan {
    std::vector<CausePlan> causes;         // config field order
    std::optional<FixedEvalRecipe> fixed;  // absent when it could not be built (see fixedError)
    std::optional<Recipe> fixedRecipe;     // `fixed` parsed: the all-reverted track
    std::string fixedError;
    std::vector<std::string> remaining;  // what the recipe fields do not cover (model, adapter folder)
};

DiagnosisPlan planDiagnosis(const Recipe& train, const Recipe& eval, const ConfigDiff& diff);

// The report section from the plan and each track's measured effect (`effects[i]` of cause i, nullopt
// when its track could not run, with `why[i]`); `allReverted` of the fixed recipe's track.
Diagnosis makeDiagnosis(const DiagnosisPlan& plan, const TrackEffect& before,
                        const std::vector<std::optional<TrackEffect>>& effects, const std::vector<std::string>& why,
                        const std::optional<TrackEffect>& allReverted);

}  // namespace ql::checks
