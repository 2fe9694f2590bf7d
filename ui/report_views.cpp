#include "ui/report_views.h"

#include <QHash>
#include <QObject>

#include "ui/format.h"

namespace ql::ui {

namespace {
QString groupText(int group) {
    return group > 0 ? QString::number(group) : QObject::tr("none");
}
}  // namespace

QString groupSizesText(const WeightModuleResult& module, GroupSizesForm form) {
    if (module.trainGroupSize == module.groupSize) return groupText(module.groupSize);
    return form == GroupSizesForm::Short
               ? QStringLiteral("%1 / %2").arg(groupText(module.trainGroupSize), groupText(module.groupSize))
               : QObject::tr("train %1, eval %2").arg(groupText(module.trainGroupSize), groupText(module.groupSize));
}

std::vector<DeploymentView> deployments(const VerifyReport& report) {
    std::vector<DeploymentView> views;
    if (!report.convert) return views;
    for (const ConvertDeployment& d : report.convert->deployments) {
        DeploymentView view;
        view.id = qs(d.id);
        view.title = qs(d.title.empty() ? d.id : d.title);
        view.compares = qs(d.compares);
        view.modules = &d.modules;
        view.bytesBefore = d.bytesBefore;
        view.bytesAfter = d.bytesAfter;
        view.modulesCodesDiffer = d.modulesCodesDiffer;
        view.logits = &d.logits;
        view.logitsAbsDiff = &d.logitsAbsDiff;
        view.argmaxAgreement = d.argmaxAgreement;
        view.argmaxThreshold = report.convert->argmaxThreshold;
        view.flipsNearTie = d.flipsNearTie;
        view.flipsBeyondTolerance = d.flipsBeyondTolerance;
        view.flips = &d.flips;
        view.tolerance = report.convertTolerance;
        view.pass = d.pass;
        views.push_back(view);
    }
    return views;
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
        const bool decoded = prompt.tokens.size() == prompt.ids.size();
        for (std::size_t i = 0; i < prompt.ids.size(); ++i) {
            tokens << (decoded ? qs(prompt.tokens[i]) : QStringLiteral("#%1").arg(prompt.ids[i]));
        }
    }
    return tokens;
}

std::vector<std::vector<double>> positionDivergence(const VerifyReport& report) {
    std::vector<std::vector<double>> rows;
    if (!report.activations) return rows;
    for (const LayerDivergence& layer : report.activations->layers) rows.push_back(layer.perPositionRelativeL2);
    return rows;
}

std::vector<TopToken> topTokens(const VerifyReport& report, bool trainSide, int position) {
    if (!report.logits || position < 0 || position >= static_cast<int>(report.logits->topTokens.size())) return {};
    QHash<int, QString> known;  // ids whose text the prompts decode
    for (const Prompt& prompt : report.prompts) {
        if (prompt.tokens.size() != prompt.ids.size()) continue;
        for (std::size_t i = 0; i < prompt.ids.size(); ++i) known.insert(prompt.ids[i], qs(prompt.tokens[i]));
    }
    const PositionTopTokens& at = report.logits->topTokens[static_cast<std::size_t>(position)];
    const std::vector<std::int32_t>& ids = trainSide ? at.trainIds : at.evalIds;
    const std::vector<float>& logits = trainSide ? at.trainLogits : at.evalLogits;
    const std::vector<std::string>& texts = trainSide ? at.trainTexts : at.evalTexts;  // absent in older reports
    std::vector<TopToken> out;
    for (std::size_t k = 0; k < ids.size() && k < logits.size(); ++k) {
        QString text = k < texts.size() ? qs(texts[k]) : known.value(ids[k]);
        if (text.isEmpty()) text = QStringLiteral("#%1").arg(ids[k]);  // undecodable (a partial UTF-8 byte) or unknown
        out.push_back({ids[k], logits[k], text});
    }
    return out;
}

QString checkRule(const CheckSummary& check) {
    return qs(check.rule);
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
