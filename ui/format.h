// Display formatting shared by models, pages and exporters (one spelling of each number kind).
#pragma once

#include <QString>
#include <cstdint>
#include <string>

namespace ql::ui {

QString qs(const std::string& text);       // UTF-8 std::string -> QString
QString formatNumber(double value);        // 3 significant digits, scientific when tiny/huge
QString formatDb(double value);            // "42.1 dB", "∞ dB" (identical)
QString formatBytes(std::uint64_t bytes);  // "1.5 MiB"
QString formatPercent(double fraction);    // 0.973 -> "97.3 %"
QString formatCount(std::uint64_t count);  // 1234567 -> "1,234,567"

}  // namespace ql::ui
