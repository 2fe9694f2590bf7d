// The one source of check kind and status names (the report JSON spelling, snake_case), and
// VerifyReport::allPassed / verdict / verdictText.
#include <array>

#include "quantlens/verify_report.h"

namespace ql {

namespace {
constexpr std::array kAllKinds{CheckKind::Config,      CheckKind::Weights, CheckKind::Logits,
                               CheckKind::Activations, CheckKind::Convert, CheckKind::AdapterMerge};
constexpr std::array kAllStatuses{CheckStatus::Pass, CheckStatus::Fail, CheckStatus::Skipped, CheckStatus::Error,
                                  CheckStatus::Info};
}  // namespace

std::string_view checkKindName(CheckKind kind) {
    switch (kind) {
        case CheckKind::Config:
            return "config";
        case CheckKind::Weights:
            return "weights";
        case CheckKind::Logits:
            return "logits";
        case CheckKind::Activations:
            return "activations";
        case CheckKind::Convert:
            return "convert";
        case CheckKind::AdapterMerge:
            return "adapter_merge";
    }
    return "config";
}

std::string_view checkStatusName(CheckStatus status) {
    switch (status) {
        case CheckStatus::Pass:
            return "pass";
        case CheckStatus::Fail:
            return "fail";
        case CheckStatus::Skipped:
            return "skipped";
        case CheckStatus::Error:
            return "error";
        case CheckStatus::Info:
            return "info";
    }
    return "error";
}

std::optional<CheckKind> checkKindFromName(std::string_view name) {
    for (const CheckKind k : kAllKinds) {
        if (checkKindName(k) == name) return k;
    }
    return std::nullopt;
}

std::optional<CheckStatus> checkStatusFromName(std::string_view name) {
    for (const CheckStatus s : kAllStatuses) {
        if (checkStatusName(s) == name) return s;
    }
    return std::nullopt;
}

ReportVerdict VerifyReport::verdict() const {
    ReportVerdict v;
    for (const auto& c : checks) {
        switch (c.status) {
            case CheckStatus::Pass:
                ++v.passed;
                break;
            case CheckStatus::Fail:
                ++v.failed;
                break;
            case CheckStatus::Error:
                ++v.errors;
                break;
            case CheckStatus::Skipped:
                ++v.skipped;
                break;
            case CheckStatus::Info:
                ++v.info;
                break;
        }
    }
    v.pass = allPassed();
    v.text = verdictText();
    return v;
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
