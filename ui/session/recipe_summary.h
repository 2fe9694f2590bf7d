// One line saying where a recipe's model and adapter really are: the folder, or the hub id with
// its revision and snapshot; the adapter, or which checkpoint-N of a Trainer output folder was
// taken and why. Shown under each recipe in the session panel.
#pragma once

#include <quantlens/recipe.h>

#include <QString>

namespace ql::ui {

QString recipeSummary(const Recipe& recipe);

// Loads the recipe at `path` (empty: ""); on failure the recipe reader's one-line error, or that
// the model folder it resolved to does not exist (an error when the recipe is chosen, not at Run).
// `ok` tells which of the two was returned.
QString recipeSummaryFor(const QString& path, bool* ok = nullptr);

}  // namespace ql::ui
