// How a pass words its verdict: the CheckSummary every check returns, and number formatting.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "quantlens/result.h"
#include "quantlens/verify_report.h"

namespace ql::checks {

CheckSummary makeSummary(CheckKind kind, CheckStatus status, std::string headline, std::vector<KeyNumber> numbers,
                         std::string rule, std::string explanation);
std::string fmt(double value);                  // "%.4g", "inf" for infinity
std::string percent(double fraction);           // "97.3 %"
std::string toleranceText(const Tolerance& t);  // "atol 1e-05, rtol 1e-05"
std::string formatBytes(std::uint64_t bytes);   // "1.50 GiB", "12.0 MiB", "512 B"

// Key numbers (verify_report.h KeyNumber): the value and unit, displayed as the headline words it.
KeyNumber keyCount(std::string label, std::int64_t count);                       // "12"
KeyNumber keyCountOf(std::string label, std::uint64_t count, std::uint64_t of);  // "12 of 196", value 12
KeyNumber keyFraction(std::string label, double fraction);                       // "97.3 %", value 0.973
KeyNumber keyBytes(std::string label, std::uint64_t bytes);                      // "1.50 GiB"
KeyNumber keyMeasure(std::string label, double value, std::string unit);         // fmt(value)
KeyNumber keyText(std::string label, std::string text);                          // no number
Error cancelled();

}  // namespace ql::checks
