// Check 1's verdict and wording from the config diff (the diff itself: quantlens/config_diff.h).
#pragma once

#include "quantlens/config_diff.h"
#include "quantlens/verify_report.h"

namespace ql::checks {

CheckSummary configSummary(const ConfigDiff& diff);

}  // namespace ql::checks
