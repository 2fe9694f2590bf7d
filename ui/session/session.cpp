#include "ui/session/session.h"

#include <quantlens/recipe.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace ql::ui {

namespace {
constexpr int kSessionVersion = 1;
const QString kFormat = QStringLiteral("QuantLens session");
}  // namespace

QStringList Session::promptList() const {
    QStringList result;
    for (const QString& line : prompts.split(QLatin1Char('\n'))) {
        if (!line.trimmed().isEmpty()) {
            result << line;
        }
    }
    return result;
}

QByteArray sessionToJson(const Session& session) {
    QJsonObject object{
        {QStringLiteral("format"), kFormat},
        {QStringLiteral("version"), kSessionVersion},
        {QStringLiteral("train_recipe"), session.trainRecipe},
        {QStringLiteral("eval_recipe"), session.evalRecipe},
        {QStringLiteral("prompts"), session.prompts},
        {QStringLiteral("device"), session.device},
        {QStringLiteral("attention"), session.attention},
        {QStringLiteral("weight_atol"), session.weightAtol},
        {QStringLiteral("weight_rtol"), session.weightRtol},
        {QStringLiteral("logit_atol"), session.logitAtol},
        {QStringLiteral("logit_rtol"), session.logitRtol},
        {QStringLiteral("check_activations"), session.checkActivations},
        {QStringLiteral("check_convert"), session.checkConvert},
        {QStringLiteral("check_adapter_merge"), session.checkAdapterMerge},
        {QStringLiteral("report"), session.reportPath},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Indented);
}

Result<Session> sessionFromJson(const QByteArray& json, const QString& sourceName) {
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject()) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("%1: not a JSON object (%2)").arg(sourceName, parseError.errorString()).toStdString());
    }
    const QJsonObject object = document.object();
    if (object.value(QStringLiteral("format")).toString() != kFormat ||
        object.value(QStringLiteral("version")).toInt() != kSessionVersion) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("%1: expected \"format\": \"%2\" and \"version\": %3")
                                                      .arg(sourceName, kFormat)
                                                      .arg(kSessionVersion)
                                                      .toStdString());
    }
    Session session;
    session.trainRecipe = object.value(QStringLiteral("train_recipe")).toString();
    session.evalRecipe = object.value(QStringLiteral("eval_recipe")).toString();
    session.prompts = object.value(QStringLiteral("prompts")).toString();
    session.device = object.value(QStringLiteral("device")).toString(QStringLiteral("cpu"));
    session.attention = object.value(QStringLiteral("attention")).toString(QStringLiteral("sdpa"));
    if (session.attention != QLatin1String("sdpa") && session.attention != QLatin1String("eager")) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("%1: \"attention\" must be \"sdpa\" or \"eager\", got \"%2\"")
                             .arg(sourceName, session.attention)
                             .toStdString());
    }
    session.weightAtol = object.value(QStringLiteral("weight_atol")).toDouble(session.weightAtol);
    session.weightRtol = object.value(QStringLiteral("weight_rtol")).toDouble(session.weightRtol);
    session.logitAtol = object.value(QStringLiteral("logit_atol")).toDouble(session.logitAtol);
    session.logitRtol = object.value(QStringLiteral("logit_rtol")).toDouble(session.logitRtol);
    session.checkActivations = object.value(QStringLiteral("check_activations")).toBool(true);
    session.checkConvert = object.value(QStringLiteral("check_convert")).toBool(true);
    session.checkAdapterMerge = object.value(QStringLiteral("check_adapter_merge")).toBool(true);
    session.reportPath = object.value(QStringLiteral("report")).toString();
    return session;
}

Status saveSession(const Session& session, const QString& path) {
    QSaveFile file(path);  // atomic: temporary file + rename
    if (!file.open(QIODevice::WriteOnly) || file.write(sessionToJson(session)) < 0 || !file.commit()) {
        return makeError(
            ErrorCode::Io,
            QStringLiteral("%1: cannot write the session (%2)").arg(path, file.errorString()).toStdString());
    }
    return Ok{};
}

Result<Session> loadSession(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(
            ErrorCode::NotFound,
            QStringLiteral("%1: cannot open the session (%2)").arg(path, file.errorString()).toStdString());
    }
    return sessionFromJson(file.readAll(), path);
}

Result<VerifyRequest> makeVerifyRequest(const Session& session) {
    if (session.promptList().isEmpty()) {
        return makeError(ErrorCode::InvalidInput, "Prompts: no prompt given (one per line expected)");
    }
    Result<Recipe> train = loadRecipe(session.trainRecipe.toStdString());
    if (!train) {
        return train.error();
    }
    Result<Recipe> eval = loadRecipe(session.evalRecipe.toStdString());
    if (!eval) {
        return eval.error();
    }
    VerifyRequest request;
    request.train = std::move(train).value();
    request.eval = std::move(eval).value();
    for (const QString& text : session.promptList()) {
        request.prompts.push_back(Prompt{text.toStdString(), {}});
    }
    request.device = session.device.toStdString();
    request.attention = session.attention == QLatin1String("eager") ? AttentionImpl::Eager : AttentionImpl::Sdpa;
    request.weightTolerance = Tolerance{session.weightAtol, session.weightRtol};
    request.logitTolerance = Tolerance{session.logitAtol, session.logitRtol};
    request.checkActivations = session.checkActivations;
    request.checkConvert = session.checkConvert;
    request.checkAdapterMerge = session.checkAdapterMerge;
    return request;
}

}  // namespace ql::ui
