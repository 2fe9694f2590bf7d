#include "ui/check_display.h"

#include <QObject>
#include <QStringList>
#include <algorithm>

#include "ui/format.h"
#include "ui/module_names.h"
#include "ui/report_views.h"

namespace ql::ui {

namespace {
int differingFields(const ConfigDiff& config) {
    return static_cast<int>(std::count_if(config.fields.begin(), config.fields.end(),
                                          [](const ConfigFieldDiff& f) { return f.verdict != DiffClass::Same; }));
}

QString ratioText(std::uint64_t before, std::uint64_t after) {
    return after == 0 ? QStringLiteral("–")
                      : QString::number(static_cast<double>(before) / static_cast<double>(after), 'f', 2) +
                            QStringLiteral("×");
}

int modulesChangedByMerge(const AdapterMergeCheck& merge) {
    return static_cast<int>(std::count_if(merge.modules.begin(), merge.modules.end(),
                                          [](const AdapterMergeModule& m) { return m.weight.outOfTolerance > 0; }));
}

double worstMergeOutput(const AdapterMergeCheck& merge) {
    double worst = 0;
    for (const AdapterMergeModule& m : merge.modules) worst = std::max(worst, m.output.maxAbs);
    return worst;
}

// What the engine's convert headline says, in the inspector's spelling (agreement as %).
QString convertHeadline(const DeploymentView& d) {
    int codeMismatch = 0, weightsDiffering = 0;
    bool anyCodes = false;
    double maxAbs = 0;
    for (const ConvertModuleRow& row : *d.modules) {
        anyCodes = anyCodes || row.codesIdentical.has_value();
        codeMismatch += row.codesIdentical && !*row.codesIdentical ? 1 : 0;
        weightsDiffering += row.dequant.outOfTolerance > 0 ? 1 : 0;
        maxAbs = std::max(maxAbs, row.dequant.maxAbs);
    }
    const QString modules =
        anyCodes
            ? (codeMismatch == 0 ? QObject::tr("codes identical in every module")
                                 : QObject::tr("%1 modules change codes").arg(codeMismatch))
            : (weightsDiffering == 0 ? QObject::tr("converted weights equal the fake-quantized ones in every module")
                                     : QObject::tr("%1 modules' converted weights differ (max |Δ| %2)")
                                           .arg(weightsDiffering)
                                           .arg(formatNumber(maxAbs)));
    return QObject::tr("%1; converted logits max |Δ| %2, argmax agreement %3 (%4 near-tie, %5 real flips)")
        .arg(modules, formatNumber(d.logits ? d.logits->maxAbs : 0.0), formatPercent(d.argmaxAgreement))
        .arg(d.flipsNearTie)
        .arg(d.flipsBeyondTolerance);
}

QList<DisplayNumber> engineNumbers(const CheckSummary& check) {
    QList<DisplayNumber> numbers;
    for (const KeyNumber& n : check.numbers) numbers.append({qs(n.label), qs(n.display)});
    return numbers;
}
}  // namespace

QString displayHeadline(const VerifyReport& r, const CheckSummary& check) {
    if (check.status == CheckStatus::Skipped || check.status == CheckStatus::Error) return qs(check.headline);
    switch (check.kind) {
        case CheckKind::Weights:
            if (!r.weights) break;
            return r.weights->modulesDiffering == 0
                       ? QObject::tr("all %1 modules bit-identical").arg(r.weights->modules.size())
                       : QObject::tr("%1 of %2 modules differ (max |Δ| %3)")
                             .arg(r.weights->modulesDiffering)
                             .arg(r.weights->modules.size())
                             .arg(formatNumber(r.weights->overall.maxAbs));
        case CheckKind::Logits:
            if (!r.logits) break;
            return QObject::tr("logits max |Δ| %1, mean %2, top-1 agreement %3")
                .arg(formatNumber(r.logits->diff.maxAbs), formatNumber(r.logits->diff.meanAbs),
                     formatPercent(r.logits->top1Agreement));
        case CheckKind::Activations:
            if (!r.activations) break;
            return r.activations->firstDivergingLayer < 0
                       ? QObject::tr("hidden states within tolerance after every layer")
                       : QObject::tr("hidden states diverge from layer %1").arg(r.activations->firstDivergingLayer);
        case CheckKind::AdapterMerge:
            if (!r.adapterMerge) break;
            return QObject::tr("%1 of %2 adapted modules change when merged (max output |Δ| %3)")
                .arg(modulesChangedByMerge(*r.adapterMerge))
                .arg(r.adapterMerge->modules.size())
                .arg(formatNumber(worstMergeOutput(*r.adapterMerge)));
        case CheckKind::Convert: {
            const std::vector<DeploymentView> views = deployments(r);
            if (views.empty()) break;
            return convertHeadline(views.front());
        }
        case CheckKind::Config:
            break;
    }
    return qs(check.headline);
}

QList<DisplayNumber> displayNumbers(const VerifyReport& r, const CheckSummary& check) {
    switch (check.kind) {
        case CheckKind::Config:
            if (check.status == CheckStatus::Skipped) break;
            return {{QObject::tr("fields compared"), QString::number(r.config.fields.size())},
                    {QObject::tr("fields differing"), QString::number(differingFields(r.config))},
                    {QObject::tr("findings"), QString::number(r.config.findings.size())}};
        case CheckKind::Weights:
            if (!r.weights) break;
            return {{QObject::tr("modules"), QString::number(r.weights->modules.size())},
                    {QObject::tr("differing modules"), QString::number(r.weights->modulesDiffering)},
                    {QObject::tr("max |Δ|"), formatNumber(r.weights->overall.maxAbs)},
                    {QObject::tr("SQNR"), formatDb(r.weights->overall.sqnrDb)}};
        case CheckKind::Logits:
            if (!r.logits) break;
            return {{QObject::tr("positions"), QString::number(r.logits->tokens)},
                    {QObject::tr("max |Δ|"), formatNumber(r.logits->diff.maxAbs)},
                    {QObject::tr("mean |Δ|"), formatNumber(r.logits->diff.meanAbs)},
                    {QObject::tr("KL mean"), formatNumber(r.logits->klMean)},
                    {QObject::tr("KL max"), formatNumber(r.logits->klMax)},
                    {QObject::tr("top-1 agreement"), formatPercent(r.logits->top1Agreement)},
                    {QObject::tr("top-5 overlap"), formatPercent(r.logits->top5Agreement)}};
        case CheckKind::Activations:
            if (!r.activations) break;
            return {{QObject::tr("layers"), QString::number(r.activations->layers.size())},
                    {QObject::tr("first diverging layer"), firstDivergingLayerText(r.activations->firstDivergingLayer)},
                    {QObject::tr("last layer rel. L2"), r.activations->layers.empty()
                                                            ? QStringLiteral("–")
                                                            : formatNumber(r.activations->layers.back().relativeL2)}};
        case CheckKind::Convert: {
            const std::vector<DeploymentView> views = deployments(r);
            if (views.empty()) break;
            const DeploymentView& d = views.front();
            QList<DisplayNumber> numbers{{QObject::tr("bytes before"), formatBytes(d.bytesBefore)},
                                         {QObject::tr("bytes after"), formatBytes(d.bytesAfter)},
                                         {QObject::tr("compression"), ratioText(d.bytesBefore, d.bytesAfter)},
                                         {QObject::tr("logits max |Δ|"), formatNumber(d.logits->maxAbs)},
                                         {QObject::tr("argmax agreement"), formatPercent(d.argmaxAgreement)}};
            for (std::size_t i = 1; i < views.size(); ++i) {
                numbers.append({views[i].title + QObject::tr(": argmax agreement"),
                                formatPercent(views[i].argmaxAgreement) +
                                    (views[i].pass ? QObject::tr(" (pass)") : QObject::tr(" (fail)"))});
            }
            return numbers;
        }
        case CheckKind::AdapterMerge:
            if (!r.adapterMerge) break;
            return {{QObject::tr("adapted modules"), QString::number(r.adapterMerge->modules.size())},
                    {QObject::tr("modules changed by merge"), QString::number(modulesChangedByMerge(*r.adapterMerge))},
                    {QObject::tr("max output |Δ|"), formatNumber(worstMergeOutput(*r.adapterMerge))}};
    }
    return engineNumbers(check);
}

QString displayNumbersText(const VerifyReport& report, const CheckSummary& check) {
    QStringList parts;
    for (const DisplayNumber& n : displayNumbers(report, check)) parts << n.first + QStringLiteral(": ") + n.second;
    return parts.join(QStringLiteral(" · "));
}

}  // namespace ql::ui
