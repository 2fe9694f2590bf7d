// What the user set up to verify: the two recipes, the prompts and the run options.
// Saved as a small JSON file ("QuantLens session", version 1) so a setup can be reopened.
#pragma once

#include <quantlens/result.h>
#include <quantlens/verify.h>

#include <QString>
#include <QStringList>

namespace ql::ui {

struct Session {
    QString trainRecipe;     // path of the train-side recipe YAML
    QString evalRecipe;      // path of the eval-side recipe YAML
    QString prompts;         // one prompt per line; blank lines ignored
    QString device = QStringLiteral("cpu");
    double logitAtol = 1e-5;
    double logitRtol = 1e-5;
    bool checkActivations = true;
    bool checkConvert = true;
    bool checkAdapterMerge = true;

    QStringList promptList() const;
    bool isRunnable() const { return !trainRecipe.isEmpty() && !evalRecipe.isEmpty(); }
};

QByteArray sessionToJson(const Session& session);
Result<Session> sessionFromJson(const QByteArray& json, const QString& sourceName);
Status saveSession(const Session& session, const QString& path);
Result<Session> loadSession(const QString& path);

// Loads both recipes and assembles the request; errors name the recipe file.
Result<VerifyRequest> makeVerifyRequest(const Session& session);

}  // namespace ql::ui
