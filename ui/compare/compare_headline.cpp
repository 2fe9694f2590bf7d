#include "ui/compare/compare_headline.h"

#include "ui/models/check_summary_model.h"
#include "ui/plots/plot_style.h"

namespace ql::ui {

namespace {
const QColor kStillFailing{0xb2, 0x6a, 0x00};  // amber: nothing got worse, but B does not pass

bool failing(const std::optional<CheckStatus>& status) {
    return status && (*status == CheckStatus::Fail || *status == CheckStatus::Error);
}

}  // namespace

QStringList worseLines(const ReportComparison& c) {
    QStringList lines;
    for (const CheckChange& check : c.checks) {
        if (!check.worse) continue;
        lines << QObject::tr("%1 check %2 → %3")
                     .arg(checkTitle(check.kind), check.a ? statusSymbol(*check.a) : QObject::tr("absent"),
                          statusSymbol(*check.b));
    }
    for (const DeploymentDelta& d : c.deployments) {
        if (d.worse())
            lines << QObject::tr("convert deployment “%1” ✓ pass → ✗ fail")
                         .arg(QString::fromStdString(d.title.empty() ? d.id : d.title));
    }
    for (const ModuleDelta& m : c.modules) {
        if (m.worse())
            lines << QObject::tr("module %1 within → out of tolerance").arg(QString::fromStdString(m.module));
    }
    return lines;
}

namespace {
VerdictHeadline headline(const QString& text, const QColor& colour, bool passed) {
    return {text, passed, colour, QColor::fromHslF(colour.hslHueF(), 0.6, 0.95)};
}
}  // namespace

VerdictHeadline comparisonHeadline(const ReportComparison& c) {
    const QStringList worse = worseLines(c);
    if (!worse.isEmpty()) {
        return headline((worse.size() == 1 ? QObject::tr("1 verdict got worse from A to B: %1")
                                           : QObject::tr("%1 verdicts got worse from A to B: %2, …").arg(worse.size()))
                            .arg(worse.front()),
                        plotStyle::kFail, false);
    }
    QStringList failingB, failingBoth;
    for (const CheckChange& check : c.checks) {
        if (!failing(check.b)) continue;
        failingB << checkTitle(check.kind);
        if (failing(check.a)) failingBoth << checkTitle(check.kind);
    }
    const QString better =
        c.modulesBetter() > 0 ? QObject::tr(" (%1 modules got better)").arg(c.modulesBetter()) : QString();
    if (failingB.isEmpty()) {
        return headline(QObject::tr("No verdict got worse from A to B, and every check passes in B%1").arg(better),
                        plotStyle::kPass, true);
    }
    const bool allAlsoInA = failingBoth.size() == failingB.size();
    return headline(QObject::tr("No verdict got worse from A to B%1, but %2 of %3 checks fail in %4: %5")
                        .arg(better)
                        .arg(failingB.size())
                        .arg(c.checks.size())
                        .arg(allAlsoInA ? QObject::tr("both") : QObject::tr("B"), failingB.join(QStringLiteral(", "))),
                    kStillFailing, false);
}

}  // namespace ql::ui
