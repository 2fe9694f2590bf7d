#include "ui/report_compat.h"

#include <QObject>

#include "ui/format.h"

namespace ql::ui {

namespace {
const ConfigFieldDiff* configField(const VerifyReport& report, const std::string& name) {
    for (const ConfigFieldDiff& field : report.config.fields) {
        if (field.field == name) return &field;
    }
    return nullptr;
}

QString tolerance(const Tolerance& t) {
    return QObject::tr("atol %1, rtol %2").arg(formatNumber(t.atol), formatNumber(t.rtol));
}
}  // namespace

int trainGroupSize(const VerifyReport& report, const WeightModuleResult& module) {
    const ConfigFieldDiff* field = configField(report, "effective.weight_group_size");
    bool ok = false;
    const int train = field ? qs(field->train).toInt(&ok) : 0;
    return ok ? train : module.groupSize;
}

std::vector<DeploymentView> deployments(const VerifyReport& report) {
    if (!report.convert) return {};
    const ConvertCheck& c = *report.convert;
    DeploymentView view;
    view.id = QStringLiteral("like_for_like");
    view.title = QObject::tr("Like for like");
    view.compares = QObject::tr("the eval side's fake-quantized model vs the same model converted to real low-bit weights");
    view.modules = &c.modules;
    view.bytesBefore = c.bytesBefore;
    view.bytesAfter = c.bytesAfter;
    view.logits = &c.logits;
    view.logitsAbsDiff = &c.logitsAbsDiff;
    view.argmaxAgreement = c.argmaxAgreement;
    for (const CheckSummary& check : report.checks) {
        if (check.kind == CheckKind::Convert) view.pass = check.status != CheckStatus::Fail && check.status != CheckStatus::Error;
    }
    return {view};
}

std::vector<ConvertRowRef> convertRowsFor(const VerifyReport& report, const std::string& module) {
    std::vector<ConvertRowRef> rows;
    for (const DeploymentView& deployment : deployments(report)) {
        for (const ConvertModuleRow& row : *deployment.modules) {
            if (row.module == module) rows.push_back({deployment.title, &row});
        }
    }
    return rows;
}

QStringList positionTokens(const VerifyReport& report) {
    QStringList tokens;
    for (const Prompt& prompt : report.prompts) {
        for (std::int32_t id : prompt.ids) tokens << QStringLiteral("#%1").arg(id);
    }
    return tokens;
}

std::vector<std::vector<double>> positionDivergence(const VerifyReport&) {
    return {};
}

std::vector<TopToken> topTokens(const VerifyReport&, bool, int) {
    return {};
}

QString checkRule(const VerifyReport& report, const CheckSummary& check) {
    switch (check.kind) {
    case CheckKind::Config:
        return QObject::tr("pass when no field that changes numerics differs");
    case CheckKind::Weights:
        return QObject::tr("pass when every module's effective weights are close (%1)").arg(tolerance(report.weightTolerance));
    case CheckKind::Logits:
        return QObject::tr("pass when every logit is close (%1)").arg(tolerance(report.logitTolerance));
    case CheckKind::Activations:
        return QObject::tr("pass when every layer's hidden state is close (%1)").arg(tolerance(report.logitTolerance));
    case CheckKind::Convert:
        return QObject::tr("pass when the converted codes equal the fake-quant codes in every module");
    case CheckKind::AdapterMerge:
        return QObject::tr("fail only when one side merges the LoRA and the other does not, and merging changes a module; "
                           "with the same LoRA form on both sides it is shown for information");
    }
    return {};
}

QString checkExplanation(const VerifyReport& report, const CheckSummary& check) {
    QString text = qs(check.explanation);
    if (check.kind == CheckKind::AdapterMerge && report.adapterMerge && !report.adapterMerge->recommendation.empty() &&
        !text.contains(qs(report.adapterMerge->recommendation))) {
        text += (text.isEmpty() ? QString() : QStringLiteral(" ")) + qs(report.adapterMerge->recommendation);
    }
    return text.isEmpty() ? qs(check.headline) + QLatin1Char('.') : text;
}

}  // namespace ql::ui
