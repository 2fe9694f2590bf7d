#include "io/tokenizer_text.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdlib>

namespace ql::detail {
namespace {

// GPT-2 bytes_to_unicode: printable bytes map to themselves, the other 68 to U+0100.. in order.
struct ByteTables {
    std::array<char32_t, 256> toChar{};
    std::array<int, 324> toByte{};  // indexed by char (< U+0144), -1 if not in the alphabet
    ByteTables() {
        toByte.fill(-1);
        char32_t next = 0x100;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            toChar[b] = printable ? static_cast<char32_t>(b) : next++;
            toByte[toChar[b]] = b;
        }
    }
};

const ByteTables& tables() {
    static const ByteTables t;
    return t;
}

// Length of the valid UTF-8 sequence at `i`, or the length of its maximal invalid subpart
// (negated) following the Unicode "maximal subpart" rule that Rust's lossy decoding uses.
int sequenceAt(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return 1;
    int need = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF)
        need = 1;
    else if (b0 == 0xE0) {
        need = 2;
        lo = 0xA0;
    } else if (b0 >= 0xE1 && b0 <= 0xEC)
        need = 2;
    else if (b0 == 0xED) {
        need = 2;
        hi = 0x9F;
    } else if (b0 >= 0xEE && b0 <= 0xEF)
        need = 2;
    else if (b0 == 0xF0) {
        need = 3;
        lo = 0x90;
    } else if (b0 >= 0xF1 && b0 <= 0xF3)
        need = 3;
    else if (b0 == 0xF4) {
        need = 3;
        hi = 0x8F;
    } else
        return -1;
    for (int k = 1; k <= need; ++k) {
        if (i + k >= s.size()) return -k;
        const auto b = static_cast<unsigned char>(s[i + k]);
        const unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
        if (b < l || b > h) return -k;
    }
    return need + 1;
}

}  // namespace

bool isValidUtf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const int n = sequenceAt(text, i);
        if (n < 0) return false;
        i += static_cast<std::size_t>(n);
    }
    return true;
}

std::size_t utf8Length(unsigned char lead) {
    if (lead < 0xC0) return 1;
    if (lead < 0xE0) return 2;
    if (lead < 0xF0) return 3;
    return lead < 0xF8 ? 4 : 1;
}

char32_t nextCodePoint(std::string_view text, std::size_t& pos) {
    const auto b0 = static_cast<unsigned char>(text[pos]);
    const std::size_t n = std::min(utf8Length(b0), text.size() - pos);
    static constexpr unsigned char kLeadMask[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    char32_t cp = b0 & kLeadMask[n];
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[pos + k]) & 0x3F);
    pos += n;
    return cp;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

char32_t byteToChar(std::uint8_t b) {
    return tables().toChar[b];
}

std::optional<std::uint8_t> charToByte(char32_t c) {
    if (c >= tables().toByte.size() || tables().toByte[c] < 0) return std::nullopt;
    return static_cast<std::uint8_t>(tables().toByte[c]);
}

std::string byteLevelEncode(std::string_view text) {
    std::string out;
    out.reserve(text.size() * 2);
    for (const char c : text) appendUtf8(out, byteToChar(static_cast<std::uint8_t>(c)));
    return out;
}

std::string utf8Lossy(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size();) {
        const int n = sequenceAt(bytes, i);
        if (n > 0) {
            out.append(bytes.substr(i, static_cast<std::size_t>(n)));
            i += static_cast<std::size_t>(n);
        } else {
            out += "\xEF\xBF\xBD";
            i += static_cast<std::size_t>(-n);
        }
    }
    return out;
}

std::string nfc(std::string_view text) {
    if (text.empty()) return {};
    utf8proc_uint8_t* dst = nullptr;
    const auto len =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()), static_cast<utf8proc_ssize_t>(text.size()),
                     &dst, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (len < 0) return std::string(text);  // only on invalid UTF-8, which callers exclude
    std::string out(reinterpret_cast<const char*>(dst), static_cast<std::size_t>(len));
    std::free(dst);
    return out;
}

}  // namespace ql::detail
