#include "ui/diagnosis_text.h"

#include <QObject>

#include "ui/format.h"

namespace ql::ui {

QString effectText(const TrackEffect& e) {
    return QObject::tr("%1 modules differ · logits max |Δ| %2 · top-1 %3")
        .arg(e.weightsModulesDiffering)
        .arg(formatNumber(e.logitsMaxAbs), formatPercent(e.logitsTop1Agreement));
}

QString measuredEffect(const VerifyReport& report, const std::string& field) {
    if (!report.diagnosis) return {};
    for (const DiagnosisCause& c : report.diagnosis->causes) {
        if (c.field != field) continue;
        if (!c.effect) return qs(c.note);
        QString text = QObject::tr("reverted alone: %1").arg(effectText(*c.effect));
        return c.note.empty() ? text : text + QStringLiteral(" — ") + qs(c.note);
    }
    return {};
}

QString diagnosisHtml(const Diagnosis& d, bool heading) {
    QString rows = QObject::tr("<tr><td><i>eval as it is</i></td><td>%1</td><td></td></tr>").arg(effectText(d.before));
    for (const DiagnosisCause& c : d.causes) {
        rows += QStringLiteral("<tr><td><b>%1</b>: %2 → %3</td><td>%4</td><td>%5</td></tr>")
                    .arg(qs(c.field).toHtmlEscaped(), qs(c.eval).toHtmlEscaped(), qs(c.train).toHtmlEscaped(),
                         c.effect ? effectText(*c.effect) : QObject::tr("not run"), qs(c.note).toHtmlEscaped());
    }
    if (d.allReverted) {
        rows += QObject::tr("<tr><td><b>every difference reverted</b></td><td>%1</td><td>%2</td></tr>")
                    .arg(effectText(*d.allReverted), d.fixedRecipeMatchesTrain
                                                         ? QObject::tr("matches train: write the fixed eval recipe")
                                                         : QObject::tr("still differs from train"));
    }
    QString left;
    for (const std::string& r : d.remaining) left += QObject::tr("<br>Still different: %1").arg(qs(r).toHtmlEscaped());
    const QString intro = heading ? QObject::tr(
                                        "<p><b>What to change</b> — each difference the config check found, "
                                        "reverted alone to train's value and run as one more track of the same "
                                        "walk (smallest gap left first):</p>")
                                  : QString();
    return intro + QObject::tr(
                       "<table border='0' cellspacing='0' cellpadding='2'><tr><th align='left'>eval with "
                       "(smallest gap left first)</th><th align='left'>measured against train</th>"
                       "<th align='left'>note</th></tr>%1</table>%2")
                       .arg(rows, left);
}

}  // namespace ql::ui
