// Names of check kinds and statuses (the report JSON spelling), VerifyReport::allPassed / verdictText.
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
        case CheckStatus::Info: return "info";
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

std::string VerifyReport::verdictText() const {
    std::string failed;
    int failures = 0, skipped = 0, info = 0;
    for (const auto& c : checks) {
        if (c.status == CheckStatus::Fail || c.status == CheckStatus::Error) {
            failed += (failures++ ? ", " : "") + std::string(checkKindName(c.kind));
        }
        skipped += c.status == CheckStatus::Skipped ? 1 : 0;
        info += c.status == CheckStatus::Info ? 1 : 0;
    }
    if (failures > 0) {
        return std::to_string(failures) + (failures == 1 ? " check failed: " : " checks failed: ") + failed;
    }
    std::string aside;
    if (skipped > 0) aside = std::to_string(skipped) + " skipped";
    if (info > 0) aside += (aside.empty() ? "" : ", ") + std::to_string(info) + " for information";
    return "all checks pass" + (aside.empty() ? std::string() : " (" + aside + ")");
}

}  // namespace ql
