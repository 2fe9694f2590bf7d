// What the inspector shows for a check's result: the engine's headline and key numbers, as the check
// summary of the report states them (the engine is the one author of every headline, label and
// number). The inspector only spells each number its own way from the number's value and unit
// (fractions as %, bytes in KiB/MiB, decibels, other measures with 4 significant digits), so the
// Overview, the tabs and the exports agree; a number without a value (text, or a report written before
// key numbers carried units) shows the engine's display text.
#pragma once

#include <quantlens/verify_report.h>

#include <QList>
#include <QPair>
#include <QString>

namespace ql::ui {

using DisplayNumber = QPair<QString, QString>;  // label, value

QString displayHeadline(const CheckSummary& check);
QString displayValue(const KeyNumber& number);
QList<DisplayNumber> displayNumbers(const CheckSummary& check);
QString displayNumbersText(const CheckSummary& check);  // "a: 1 · b: 2"

}  // namespace ql::ui
