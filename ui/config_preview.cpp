#include "ui/config_preview.h"

#include <quantlens/recipe.h>

#include "ui/async.h"

namespace ql::ui {

void ConfigPreview::request(const QString& trainRecipe, const QString& evalRecipe) {
    const quint64 generation = ++m_generation;
    if (trainRecipe.isEmpty() || evalRecipe.isEmpty()) return;
    const std::string train = trainRecipe.toStdString(), eval = evalRecipe.toStdString();
    runOffGuiThread<Result<ConfigDiff>>(
        this,
        [train, eval]() -> Result<ConfigDiff> {
            Result<Recipe> t = loadRecipe(train);
            if (!t) return t.error();
            Result<Recipe> e = loadRecipe(eval);
            if (!e) return e.error();
            return diffConfigs(*t, *e, {});
        },
        [this, generation](Result<ConfigDiff> diff) {
            if (generation != m_generation) return;  // superseded
            if (diff)
                Q_EMIT ready(*diff);
            else
                Q_EMIT failed(QString::fromStdString(diff.error().message));
        });
}

}  // namespace ql::ui
