#include "ui/check_display.h"

#include <QStringList>
#include <cmath>

#include "ui/format.h"

namespace ql::ui {

QString displayHeadline(const CheckSummary& check) {
    return qs(check.headline);
}

QString displayValue(const KeyNumber& number) {
    if (!number.value || (!std::isfinite(*number.value) && number.unit != "decibel")) return qs(number.display);
    const double v = *number.value;
    if (number.unit == "fraction") return formatPercent(v);
    if (number.unit == "bytes") return formatBytes(static_cast<std::uint64_t>(v));
    if (number.unit == "decibel") return formatDb(v);
    if (number.unit == "count" || number.unit == "layer") return qs(number.display);  // "12", "12 of 196"
    return formatNumber(v);
}

QList<DisplayNumber> displayNumbers(const CheckSummary& check) {
    QList<DisplayNumber> numbers;
    for (const KeyNumber& n : check.numbers) numbers.append({qs(n.label), displayValue(n)});
    return numbers;
}

QString displayNumbersText(const CheckSummary& check) {
    QStringList parts;
    for (const DisplayNumber& n : displayNumbers(check)) parts << n.first + QStringLiteral(": ") + n.second;
    return parts.join(QStringLiteral(" · "));
}

}  // namespace ql::ui
