// What the inspector shows for a check's result: the headline and key numbers, formatted from the
// report's structured data with the inspector's own spelling of each number kind (fractions as %,
// bytes in KiB/MiB, "none" for a layer that does not exist), so the Overview, the tabs and the
// exports agree. Falls back to the engine's strings when the check's section is absent.
#pragma once

#include <quantlens/verify_report.h>

#include <QList>
#include <QPair>
#include <QString>

namespace ql::ui {

using DisplayNumber = QPair<QString, QString>;  // name, value

QString displayHeadline(const VerifyReport& report, const CheckSummary& check);
QList<DisplayNumber> displayNumbers(const VerifyReport& report, const CheckSummary& check);
QString displayNumbersText(const VerifyReport& report, const CheckSummary& check);  // "a: 1 · b: 2"

}  // namespace ql::ui
