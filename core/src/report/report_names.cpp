// Names of check kinds and statuses (the report JSON spelling), VerifyReport::allPassed.
#include "quantlens/verify_report.h"

namespace ql {

std::string_view checkKindName(CheckKind kind) {
    switch (kind) {
        case CheckKind::Config: return "config";
        case CheckKind::Weights: return "weights";
        case CheckKind::Logits: return "logits";
        case CheckKind::Activations: return "activations";
        case CheckKind::Convert: return "convert";
        case CheckKind::AdapterMerge: return "adapter_merge";
    }
    return "config";
}

std::string_view checkStatusName(CheckStatus status) {
    switch (status) {
        case CheckStatus::Pass: return "pass";
        case CheckStatus::Fail: return "fail";
        case CheckStatus::Skipped: return "skipped";
        case CheckStatus::Error: return "error";
    }
    return "error";
}

bool VerifyReport::allPassed() const {
    for (const auto& c : checks) {
        if (c.status == CheckStatus::Fail || c.status == CheckStatus::Error) {
            return false;
        }
    }
    return true;
}

}  // namespace ql
