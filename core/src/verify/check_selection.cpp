// --checks LIST: which of the six checks a verify run computes (quantlens/verify.h).
#include <quantlens/verify.h>

#include <array>
#include <utility>

namespace ql {

namespace {

constexpr std::array kAllChecks{CheckKind::Config,      CheckKind::Weights, CheckKind::Logits,
                                CheckKind::Activations, CheckKind::Convert, CheckKind::AdapterMerge};

bool& flagOf(CheckKind kind, VerifyRequest& r) {
    switch (kind) {
        case CheckKind::Config:
            return r.checkConfig;
        case CheckKind::Weights:
            return r.checkWeights;
        case CheckKind::Logits:
            return r.checkLogits;
        case CheckKind::Activations:
            return r.checkActivations;
        case CheckKind::Convert:
            return r.checkConvert;
        case CheckKind::AdapterMerge:
            return r.checkAdapterMerge;
    }
    return r.checkConfig;
}

std::string knownNames() {
    std::string names;
    for (CheckKind k : kAllChecks) names += (names.empty() ? "" : ", ") + std::string(checkKindName(k));
    return names;
}

}  // namespace

Status selectChecks(std::string_view list, VerifyRequest& request) {
    std::array<bool, kAllChecks.size()> chosen{};
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        const std::string_view name = list.substr(start, comma - start);
        std::size_t i = 0;
        while (i < kAllChecks.size() && checkKindName(kAllChecks[i]) != name) ++i;
        if (i == kAllChecks.size()) {
            return makeError(ErrorCode::InvalidInput, "--checks: unknown check '" + std::string(name) +
                                                          "' (expected a comma-separated list of " + knownNames() +
                                                          ")");
        }
        if (chosen[i])
            return makeError(ErrorCode::InvalidInput, "--checks: '" + std::string(name) + "' is listed twice");
        chosen[i] = true;
        start = comma + 1;
    }
    for (std::size_t i = 0; i < kAllChecks.size(); ++i) flagOf(kAllChecks[i], request) = chosen[i];
    return Ok{};
}

}  // namespace ql
