// Private: regular expressions over module names (PEFT target_modules / rank_pattern /
// layers_pattern, recipe module_forms, HF modules_to_not_convert), with Python `re` semantics as far
// as module names need them (PCRE2 shares Python's syntax for these patterns). Matching is bounded
// (PCRE2 match and depth limits), so a pathological pattern in a user's file cannot hang or exhaust
// the stack: it then simply does not match.
#pragma once

#include <quantlens/result.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ql::detail {

class NameRegex {
public:
    // Error (InvalidInput): the PCRE2 message and offset, e.g. "missing closing parenthesis at offset 8".
    static Result<NameRegex> compile(const std::string& pattern);

    bool fullMatch(std::string_view text) const;    // re.fullmatch(pattern, text)
    bool prefixMatch(std::string_view text) const;  // re.match(pattern, text): anchored at the start
    // re.match(pattern, text).group(index); nullopt when there is no match or the group did not take part.
    std::optional<std::string> prefixGroup(std::string_view text, int index) const;

private:
    // pcre2_match anchored at the start (and at the end with `toEnd`); the ovector start/end of `group`.
    std::optional<std::pair<std::size_t, std::size_t>> match(std::string_view text, bool toEnd, int group) const;
    std::shared_ptr<const void> m_code;  // pcre2_code, freed by the deleter
};

}  // namespace ql::detail
