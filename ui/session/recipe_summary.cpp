#include "ui/session/recipe_summary.h"

#include <QDir>
#include <QFileInfo>

namespace ql::ui {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QString modelText(const Recipe& r) {
    const auto& m = r.modelSource;
    QString text = m.hubRepoId.empty() ? QObject::tr("model %1").arg(QDir::toNativeSeparators(qs(r.modelDir)))
                                       : QObject::tr("model %1 @ %2 → snapshot %3 (HF cache)")
                                             .arg(qs(m.hubRepoId), qs(m.hubRevision), qs(m.hubCommit).left(12));
    if (m.origin.rfind("adapter_config.json", 0) == 0) text += QObject::tr(", named by the adapter");
    return text;
}

QString adapterText(const Recipe& r) {
    if (!r.adapter) return QObject::tr("no adapter");
    const auto& a = *r.adapter;
    QString text = QObject::tr("adapter %1 (%2)")
                       .arg(QDir::toNativeSeparators(qs(a.path)), qs(std::string(adapterFormName(a.form))));
    if (a.checkpoint) {
        text += QObject::tr(": checkpoint-%1 of %2 found, %3")
                    .arg(a.checkpoint->step)
                    .arg(a.checkpoint->available.size())
                    .arg(qs(a.checkpoint->rule));
    }
    return text;
}

}  // namespace

QString recipeSummary(const Recipe& recipe) {
    return modelText(recipe) + QStringLiteral(" · ") + adapterText(recipe);
}

QString recipeSummaryFor(const QString& path, bool* ok) {
    if (ok) *ok = false;
    if (path.trimmed().isEmpty()) return {};
    const Result<Recipe> recipe = loadRecipe(path.toStdString());
    if (!recipe) return qs(recipe.error().message);
    if (!QFileInfo(qs(recipe->modelDir)).isDir()) {  // the run would fail on it: say so when it is chosen
        return QObject::tr("%1: the model folder %2 does not exist")
            .arg(path, QDir::toNativeSeparators(qs(recipe->modelDir)));
    }
    if (ok) *ok = true;
    return recipeSummary(*recipe);
}

}  // namespace ql::ui
