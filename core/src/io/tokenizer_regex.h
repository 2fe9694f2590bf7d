// A compiled split regex of a tokenizer pre-tokenizer, with the semantics of the Oniguruma engine
// that HF tokenizers uses (utils/onig.rs, default feature `onig`): PCRE2 in UTF + UCP mode, JIT
// when available. Oniguruma's Unicode \s (White_Space), \w and \d are spelled out as properties
// before compiling because PCRE2's UCP classes differ from them (e.g. U+0085 is White_Space, not
// \p{Z}).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quantlens/result.h"

namespace ql::detail {

struct Pcre2Code;

class SplitRegex {
public:
    // `pattern` in Oniguruma (Ruby) syntax; `what` names it in errors (file and field).
    static Result<SplitRegex> compile(const std::string& pattern, const std::string& what);
    // Escapes `literal` so that it matches itself (the Split pre-tokenizer's String pattern).
    static std::string escape(std::string_view literal);

    // Non-overlapping leftmost matches of valid UTF-8 `text`, as [begin, end) byte offsets
    // (onig find_iter: after an empty match the search resumes one code point further).
    // Internal error only if PCRE2 gives up (match/JIT stack limits).
    Result<std::vector<std::pair<std::size_t, std::size_t>>> matches(std::string_view text) const;

    // Appends the pieces of `text` in Isolated behaviour: every match and every gap between them.
    Status splitIsolated(std::string_view text, std::vector<std::string_view>& pieces) const;

    // The pattern as compiled by PCRE2 (after the Oniguruma translation).
    const std::string& compiledPattern() const { return m_translated; }

private:
    std::shared_ptr<const Pcre2Code> m_code;
    std::string m_translated;
};

// Rust `regex` crate classes used by added-token matching: \w (Alphabetic, M, Nd, Pc,
// Join_Control) and \s (White_Space).
bool isRustWordChar(char32_t c);
bool isRustWhiteSpace(char32_t c);

}  // namespace ql::detail
