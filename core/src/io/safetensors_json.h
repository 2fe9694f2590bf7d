// Private JSON helpers shared by the safetensors reader and the sharded-index parser:
// strict UTF-8 validation, parsing that rejects duplicate keys, and quoting names for messages.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "quantlens/result.h"

namespace ql::detail {

// Byte offset of the first byte that is not well-formed UTF-8 (overlongs, surrogates and code
// points above U+10FFFF are ill-formed); nullopt when all of `text` is valid.
std::optional<std::size_t> findInvalidUtf8(std::string_view text);

// Parses `text` as JSON. Duplicate keys in any object, nesting deeper than kMaxJsonDepth and
// syntax errors give InvalidInput errors "<sourceName>: <what>: expected ..., got ...".
// `what` names the document in messages (e.g. "header", "index").
constexpr int kMaxJsonDepth = 64;
Result<nlohmann::json> parseStrictJson(std::string_view text, const std::string& sourceName, std::string_view what);

// `name` in single quotes with control characters, quotes and backslashes escaped, cut to 200
// characters, so that messages stay on one line.
std::string quoteName(std::string_view name);
// Same as quoteName; the exact-match overloads win over std::quoted found by ADL.
inline std::string quoted(std::string_view name) {
    return quoteName(name);
}
inline std::string quoted(const std::string& name) {
    return quoteName(name);
}
inline std::string quoted(const char* name) {
    return quoteName(name);
}

// "object", "array", "string", "number" ... of a JSON value, for "got ..." in messages.
std::string jsonTypeName(const nlohmann::json& value);

}  // namespace ql::detail
