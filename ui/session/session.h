// What the user set up to verify: the two recipes, the prompts and the run options (device,
// attention kernel, tolerances, checks), and the report last shown. Saved as a small JSON file
// ("QuantLens session", version 1; keys added later are optional) so a setup can be reopened.
#pragma once

#include <quantlens/result.h>
#include <quantlens/verify.h>

#include <QString>
#include <QStringList>

namespace ql::ui {

struct Session {
    QString trainRecipe;                                  // path of the train-side recipe YAML
    QString evalRecipe;                                   // path of the eval-side recipe YAML
    QString prompts = QString::fromUtf8(kDefaultPrompt);  // one prompt per line; blank lines ignored
    QString device = QStringLiteral("cpu");
    QString attention = QStringLiteral("sdpa");  // sdpa | eager (transformers' attn_implementation)
    double weightAtol = 0.0;                     // defaults of VerifyRequest: weights bit-exact,
    double weightRtol = 0.0;
    double logitAtol = 1e-5;  //   logits and hidden states within 1e-5
    double logitRtol = 1e-5;
    bool checkActivations = true;
    bool checkConvert = true;
    bool checkAdapterMerge = true;
    QString reportPath;  // the report JSON shown when the session was saved (empty: none)

    // What the CLI runs without --prompts; shown in the Prompts box, never substituted silently.
    static constexpr const char* kDefaultPrompt = "The quick brown fox jumps over the lazy dog.";

    QStringList promptList() const;
    bool isRunnable() const { return !trainRecipe.isEmpty() && !evalRecipe.isEmpty(); }
};

QByteArray sessionToJson(const Session& session);
Result<Session> sessionFromJson(const QByteArray& json, const QString& sourceName);
Status saveSession(const Session& session, const QString& path);
Result<Session> loadSession(const QString& path);

// Loads both recipes and assembles the request; errors name the recipe file, or the Prompts box
// when it holds no prompt (like the CLI, which refuses an empty prompt file).
Result<VerifyRequest> makeVerifyRequest(const Session& session);

}  // namespace ql::ui
