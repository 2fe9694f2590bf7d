#include "io/tokenizer_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>

#include "io/tokenizer_text.h"
#include "io/tokenizer_unicode.h"

namespace ql::detail {

struct Pcre2Code {
    pcre2_code* code = nullptr;
    bool jit = false;
    ~Pcre2Code() { pcre2_code_free(code); }
};

namespace {

// Class items of property `name` (e.g. "L") with the Unicode 15-16 additions.
std::string propertyItems(std::string_view name) {
    std::string items("\\p{");
    items.append(name).append("}");
    if (const char* extra = unicode16Additions(name)) items += extra;
    return items;
}

// `items` as a standalone class (or negated class) outside brackets, or spliced into a class.
std::string asClass(const std::string& items, bool negated, bool inClass) {
    if (inClass) return items;
    std::string out(negated ? "[^" : "[");
    out.append(items).append("]");
    return out;
}

const std::string& wordItems() {  // Oniguruma \w: Letter, Mark, Decimal_Number, Connector_Punctuation
    static const std::string s = propertyItems("L") + propertyItems("M") + propertyItems("Nd") + "\\p{Pc}";
    return s;
}

// Rewrites Oniguruma's Unicode shorthand classes and \p{..} into PCRE2 with Unicode 16 sets.
std::string translate(const std::string& p) {
    std::string out;
    bool inClass = false;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            const char e = p[++i];
            const bool upper = e == 'S' || e == 'D' || e == 'W' || e == 'P';
            const bool negatable = !(inClass && upper);  // a negated shorthand inside [..] is left as is
            const std::size_t close = p.find('}', i);
            if ((e == 'p' || e == 'P') && i + 1 < p.size() && p[i + 1] == '{' && close != std::string::npos &&
                negatable) {
                out += asClass(propertyItems(std::string_view(p).substr(i + 2, close - i - 2)), e == 'P', inClass);
                i = close;
            } else if ((e == 's' || e == 'S') && negatable) {
                out += asClass("\\p{White_Space}", e == 'S', inClass);
            } else if ((e == 'd' || e == 'D') && negatable) {
                out += asClass(propertyItems("Nd"), e == 'D', inClass);
            } else if ((e == 'w' || e == 'W') && negatable) {
                out += asClass(wordItems(), e == 'W', inClass);
            } else {
                out += c;
                out += e;
            }
            continue;
        }
        if (!inClass && c == '[') {
            inClass = true;
            out += c;
            if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
            if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];  // a leading ']' is literal
            continue;
        }
        if (inClass && c == ']') inClass = false;
        out += c;
    }
    return out;
}

pcre2_code* compileRaw(const std::string& pattern, std::string& error) {
    int code = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_UTF | PCRE2_UCP,
                                   &code, &offset, nullptr);
    if (re == nullptr) {
        PCRE2_UCHAR buf[256];
        pcre2_get_error_message(code, buf, sizeof buf);
        error = std::string(reinterpret_cast<const char*>(buf)) + " at offset " + std::to_string(offset);
    }
    return re;
}

bool matchesOne(const Pcre2Code& re, char32_t c) {
    std::string s;
    appendUtf8(s, c);
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(re.code, nullptr);
    const int rc =
        pcre2_match(re.code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), 0, PCRE2_NO_UTF_CHECK, md, nullptr);
    pcre2_match_data_free(md);
    return rc > 0;
}

const Pcre2Code& classRegex(const char* pattern) {
    // Leaked on purpose: static singletons used until exit; the patterns are constants.
    auto* re = new Pcre2Code;
    std::string error;
    re->code = compileRaw(pattern, error);
    return *re;
}

}  // namespace

Result<SplitRegex> SplitRegex::compile(const std::string& pattern, const std::string& what) {
    SplitRegex r;
    r.m_translated = translate(pattern);
    std::string error;
    auto code = std::make_shared<Pcre2Code>();
    code->code = compileRaw(r.m_translated, error);
    if (code->code == nullptr) {
        return makeError(ErrorCode::InvalidInput, what + ": regex '" + pattern + "' does not compile: " + error);
    }
    code->jit = pcre2_jit_compile(code->code, PCRE2_JIT_COMPLETE) == 0;
    r.m_code = std::move(code);
    return r;
}

std::string SplitRegex::escape(std::string_view literal) {
    std::string out;
    for (const char c : literal) {
        if (std::string_view("\\^$.|?*+()[]{}-#&~ \t\n").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

namespace {

// One JIT stack and match context per thread (grows to 64 MiB for long whitespace runs).
struct JitContext {
    pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 64 * 1024 * 1024, nullptr);
    pcre2_match_context* context = pcre2_match_context_create(nullptr);
    JitContext() { pcre2_jit_stack_assign(context, nullptr, stack); }
    ~JitContext() {
        pcre2_match_context_free(context);
        pcre2_jit_stack_free(stack);
    }
};

int matchAt(const Pcre2Code& re, std::string_view text, std::size_t start, pcre2_match_data* md) {
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    if (re.jit) {
        thread_local JitContext jit;
        const int rc = pcre2_jit_match(re.code, subject, text.size(), start, 0, md, jit.context);
        if (rc > 0 || rc == PCRE2_ERROR_NOMATCH) return rc;
    }
    return pcre2_match(re.code, subject, text.size(), start, PCRE2_NO_UTF_CHECK, md, nullptr);
}

}  // namespace

Result<std::vector<std::pair<std::size_t, std::size_t>>> SplitRegex::matches(std::string_view text) const {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> md(
        pcre2_match_data_create_from_pattern(m_code->code, nullptr), &pcre2_match_data_free);
    std::size_t start = 0;
    while (start <= text.size()) {
        const int rc = matchAt(*m_code, text, start, md.get());
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc <= 0) {
            return makeError(ErrorCode::Internal, "tokenizer split regex failed with PCRE2 error " +
                                                      std::to_string(rc) + " on a " + std::to_string(text.size()) +
                                                      "-byte piece");
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md.get());
        out.emplace_back(ov[0], ov[1]);
        if (ov[1] > ov[0]) {
            start = ov[1];
        } else if (ov[1] < text.size()) {
            start = ov[1] + utf8Length(static_cast<unsigned char>(text[ov[1]]));
        } else {
            break;
        }
    }
    return out;
}

Status SplitRegex::splitIsolated(std::string_view text, std::vector<std::string_view>& pieces) const {
    auto found = matches(text);
    if (!found) return found.error();
    std::size_t prev = 0;
    for (const auto& [b, e] : *found) {
        if (prev != b) pieces.push_back(text.substr(prev, b - prev));
        pieces.push_back(text.substr(b, e - b));
        prev = e;
    }
    if (prev != text.size()) pieces.push_back(text.substr(prev));
    return Ok{};
}

bool isRustWordChar(char32_t c) {
    static const std::string pattern = [] {
        std::string p("[");
        p.append(propertyItems("Alphabetic")).append(propertyItems("M")).append(propertyItems("Nd"));
        return p.append("\\p{Pc}\\p{Join_Control}]");
    }();
    static const Pcre2Code& re = classRegex(pattern.c_str());
    return c < 0x80 ? (std::isalnum(static_cast<int>(c)) != 0 || c == '_') : matchesOne(re, c);
}

bool isRustWhiteSpace(char32_t c) {
    static const Pcre2Code& re = classRegex("\\p{White_Space}");
    return matchesOne(re, c);
}

}  // namespace ql::detail
