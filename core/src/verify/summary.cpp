#include "verify/summary.h"

#include <cstdio>
#include <limits>

namespace ql::checks {

CheckSummary makeSummary(CheckKind kind, CheckStatus status, std::string headline, std::vector<KeyNumber> numbers,
                         std::string rule, std::string explanation) {
    CheckSummary s;
    s.kind = kind;
    s.status = status;
    s.headline = std::move(headline);
    s.numbers = std::move(numbers);
    s.rule = std::move(rule);
    s.explanation = std::move(explanation);
    return s;
}

std::string fmt(double value) {
    if (value == std::numeric_limits<double>::infinity()) {
        return "inf";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", value);
    return buf;
}

std::string percent(double fraction) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %%", 100.0 * fraction);
    return buf;
}

std::string toleranceText(const Tolerance& t) {
    return "atol " + fmt(t.atol) + ", rtol " + fmt(t.rtol);
}

std::string formatBytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", v, units[u]);
    return buf;
}

KeyNumber keyCount(std::string label, std::int64_t count) {
    return {std::move(label), std::to_string(count), static_cast<double>(count), "count"};
}

KeyNumber keyCountOf(std::string label, std::uint64_t count, std::uint64_t of) {
    return {std::move(label), std::to_string(count) + " of " + std::to_string(of), static_cast<double>(count), "count"};
}

KeyNumber keyFraction(std::string label, double fraction) {
    return {std::move(label), percent(fraction), fraction, "fraction"};
}

KeyNumber keyBytes(std::string label, std::uint64_t bytes) {
    return {std::move(label), formatBytes(bytes), static_cast<double>(bytes), "bytes"};
}

KeyNumber keyMeasure(std::string label, double value, std::string unit) {
    return {std::move(label), fmt(value), value, std::move(unit)};
}

KeyNumber keyText(std::string label, std::string text) {
    return {std::move(label), std::move(text), std::nullopt, "text"};
}

Error cancelled() {
    return makeError(ErrorCode::Cancelled, "verify cancelled");
}

}  // namespace ql::checks
