#include "ui/session/report_session_match.h"

#include <quantlens/recipe.h>

#include <QDir>
#include <QFileInfo>

namespace ql::ui {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

// The same file: canonical paths when both exist, else the cleaned absolute paths.
bool samePath(const QString& a, const QString& b) {
    const QFileInfo x(a), y(b);
    if (x.exists() && y.exists()) return x.canonicalFilePath() == y.canonicalFilePath();
    return QDir::cleanPath(x.absoluteFilePath()) == QDir::cleanPath(y.absoluteFilePath());
}

QString checkpointText(const std::optional<std::int64_t>& step) {
    return step ? QStringLiteral("checkpoint-%1").arg(*step) : QObject::tr("no Trainer checkpoint");
}

void compareResolved(const QString& side, const Recipe& now, const SideSummary& ran, QStringList& out) {
    const SideSummary nowSide{
        .recipeFile = now.sourceFile,
        .modelDir = now.modelDir,
        .adapterDir = now.adapter ? now.adapter->path : std::string(),
        .adapterForm = now.adapter ? std::string(adapterFormName(now.adapter->form)) : std::string(),
        .deviceNumerics = std::string(deviceNumericsName(now.deviceNumerics)),
        .torchaoVersion = std::to_string(now.torchaoVersion.major) + "." + std::to_string(now.torchaoVersion.minor)};
    const std::optional<std::int64_t> stepNow = now.adapter && now.adapter->checkpoint
                                                    ? std::optional<std::int64_t>(now.adapter->checkpoint->step)
                                                    : std::nullopt;
    const auto differ = [&](const QString& what, const QString& report, const QString& recipe) {
        if (report != recipe)
            out << QObject::tr("%1: the report ran %2 %3; the recipe now gives %4").arg(side, what, report, recipe);
    };
    differ(QObject::tr("the Trainer checkpoint"), checkpointText(ran.resolution.checkpointStep),
           checkpointText(stepNow));
    if (!samePath(qs(ran.adapterDir), qs(nowSide.adapterDir)) && stepNow == ran.resolution.checkpointStep) {
        differ(QObject::tr("the adapter"), qs(ran.adapterDir), qs(nowSide.adapterDir));
    }
    if (!samePath(qs(ran.modelDir), qs(nowSide.modelDir)))
        differ(QObject::tr("the model"), qs(ran.modelDir), qs(nowSide.modelDir));
    differ(QObject::tr("adapter form"), qs(ran.adapterForm), qs(nowSide.adapterForm));
    if (!ran.deviceNumerics.empty())
        differ(QObject::tr("device numerics"), qs(ran.deviceNumerics), qs(nowSide.deviceNumerics));
    if (!ran.torchaoVersion.empty()) differ(QObject::tr("torchao"), qs(ran.torchaoVersion), qs(nowSide.torchaoVersion));
}

void compareSide(const QString& side, const QString& recipePath, const SideSummary& ran, QStringList& out) {
    if (recipePath.trimmed().isEmpty() || ran.recipeFile.empty()) return;  // nothing to compare
    if (!samePath(recipePath, qs(ran.recipeFile))) {
        out << QObject::tr("%1: the report ran the recipe %2; the session has %3")
                   .arg(side, QDir::toNativeSeparators(qs(ran.recipeFile)), QDir::toNativeSeparators(recipePath));
        return;
    }
    const Result<Recipe> now = loadRecipe(recipePath.toStdString());
    if (!now) {
        out << QObject::tr("%1: the session's recipe no longer reads: %2").arg(side, qs(now.error().message));
        return;
    }
    compareResolved(side, *now, ran, out);
}

}  // namespace

QStringList reportSessionDifferences(const Session& session, const VerifyReport& report) {
    QStringList out;
    compareSide(QObject::tr("train"), session.trainRecipe, report.train, out);
    compareSide(QObject::tr("eval"), session.evalRecipe, report.eval, out);
    return out;
}

}  // namespace ql::ui
