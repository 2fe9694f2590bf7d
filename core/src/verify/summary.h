// How a pass words its verdict: the CheckSummary every check returns, and number formatting.
#pragma once

#include <string>
#include <vector>

#include "quantlens/result.h"
#include "quantlens/verify_report.h"

namespace ql::checks {

CheckSummary makeSummary(CheckKind kind, CheckStatus status, std::string headline, std::vector<KeyNumber> numbers,
                         std::string rule, std::string explanation);
std::string fmt(double value);  // "%.4g", "inf" for infinity
std::string percent(double fraction);  // "97.3 %"
std::string toleranceText(const Tolerance& t);  // "atol 1e-05, rtol 1e-05"
std::string formatBytes(std::uint64_t bytes);    // "1.50 GiB", "12.0 MiB", "512 B"
Error cancelled();

}  // namespace ql::checks
