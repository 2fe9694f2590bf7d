// Text helpers of the tokenizer: UTF-8 iteration and validation, the GPT-2 byte-level alphabet
// (tokenizers pre_tokenizers/byte_level.rs bytes_char), Rust's String::from_utf8_lossy, and
// Unicode NFC (utf8proc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ql::detail {

// True if `text` is well-formed UTF-8 (no surrogates, no overlongs, <= U+10FFFF).
bool isValidUtf8(std::string_view text);

// Byte length of the UTF-8 sequence starting with lead byte `lead` (1 for invalid leads).
std::size_t utf8Length(unsigned char lead);

// Decodes the code point at `pos` of valid UTF-8 `text`; advances `pos` past it.
char32_t nextCodePoint(std::string_view text, std::size_t& pos);

void appendUtf8(std::string& out, char32_t cp);

// The byte-level char of byte `b` (e.g. 0x20 -> U+0120 'Ġ'), and the inverse (nullopt for a char
// that is not in the alphabet).
char32_t byteToChar(std::uint8_t b);
std::optional<std::uint8_t> charToByte(char32_t c);

// Replaces every byte of `text` by its byte-level char (UTF-8 encoded).
std::string byteLevelEncode(std::string_view text);

// Rust String::from_utf8_lossy: each maximal invalid subpart becomes one U+FFFD.
std::string utf8Lossy(std::string_view bytes);

// Unicode NFC of valid UTF-8 `text` (embedded NULs kept).
std::string nfc(std::string_view text);

}  // namespace ql::detail
