#include "io/name_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace ql::detail {

namespace {

constexpr std::uint32_t kMatchLimit = 200000;  // backtracking steps per match
constexpr std::uint32_t kDepthLimit = 2000;    // nested backtracking frames

}  // namespace

Result<NameRegex> NameRegex::compile(const std::string& pattern) {
    int code = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* re =
        pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0, &code, &offset, nullptr);
    if (re == nullptr) {
        PCRE2_UCHAR buf[256];
        pcre2_get_error_message(code, buf, sizeof buf);
        return makeError(ErrorCode::InvalidInput,
                         std::string(reinterpret_cast<const char*>(buf)) + " at offset " + std::to_string(offset));
    }
    NameRegex out;
    out.m_code = std::shared_ptr<const void>(
        re, [](const void* p) { pcre2_code_free(static_cast<pcre2_code*>(const_cast<void*>(p))); });
    return out;
}

std::optional<std::pair<std::size_t, std::size_t>> NameRegex::match(std::string_view text, bool toEnd,
                                                                    int group) const {
    auto* re = static_cast<pcre2_code*>(const_cast<void*>(m_code.get()));
    pcre2_match_context* context = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(context, kMatchLimit);
    pcre2_set_depth_limit(context, kDepthLimit);
    pcre2_match_data* data = pcre2_match_data_create_from_pattern(re, nullptr);
    const std::uint32_t options = PCRE2_ANCHORED | (toEnd ? PCRE2_ENDANCHORED : 0);
    const int rc = pcre2_match(re, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, options, data, context);
    std::optional<std::pair<std::size_t, std::size_t>> out;
    // rc > group: the group exists in this match (no match, or a limit reached: not a match).
    if (rc > group) {
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
        if (ovector[2 * group] != PCRE2_UNSET) out = std::pair{ovector[2 * group], ovector[2 * group + 1]};
    }
    pcre2_match_data_free(data);
    pcre2_match_context_free(context);
    return out;
}

bool NameRegex::fullMatch(std::string_view text) const {
    return match(text, true, 0).has_value();
}
bool NameRegex::prefixMatch(std::string_view text) const {
    return match(text, false, 0).has_value();
}

std::optional<std::string> NameRegex::prefixGroup(std::string_view text, int index) const {
    const auto span = match(text, false, index);
    if (!span) return std::nullopt;
    return std::string(text.substr(span->first, span->second - span->first));
}

}  // namespace ql::detail
