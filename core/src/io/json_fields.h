// Private helpers for reading HF/PEFT/Trainer JSON files (config.json, adapter_config.json,
// trainer_state.json): parsing with key order kept (PEFT's rank_pattern is order-sensitive) and
// typed field access that records the first error as one line naming the file and field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quantlens/result.h"

namespace ql::detail {

using OrderedJson = nlohmann::ordered_json;

// Parses `text`; the top level must be an object. With `allowNonFinite`, the Python json
// literals NaN, Infinity and -Infinity outside strings are accepted (they become the strings
// kNaNText / kInfText / kNegInfText, which numberOr/optNumber read back as doubles).
Result<OrderedJson> parseJsonObject(std::string_view text, const std::string& sourceName, bool allowNonFinite = false);

inline constexpr const char* kNaNText = "\x01NaN";
inline constexpr const char* kInfText = "\x01Infinity";
inline constexpr const char* kNegInfText = "\x01-Infinity";

// A number, or one of the non-finite markers above; nullopt otherwise.
std::optional<double> jsonNumber(const OrderedJson& value);
bool isJsonInteger(const OrderedJson& value);
// "a string", "an array", "a non-integer number" ... for "got ..." in messages.
std::string describeJson(const OrderedJson& value);

// Reads the whole file; errors name the path (NotFound, Io).
Result<std::string> readTextFile(const std::filesystem::path& path);

// Typed reads of an object's fields. An absent or null field gives the fallback; a field of the
// wrong type records "<source>: field '<prefix><key>': expected <what>, got <what>" (first error
// only) and gives the fallback too. Callers check error() once at the end.
class FieldReader {
public:
    FieldReader(const OrderedJson& object, std::string sourceName, std::string prefix = {});

    bool has(const char* key) const;                // present and not null
    bool contains(const char* key) const;           // present (possibly null)
    const OrderedJson* get(const char* key) const;  // nullptr when absent or null

    std::int64_t requireInt(const char* key);
    std::int64_t intOr(const char* key, std::int64_t fallback);
    std::optional<std::int64_t> optInt(const char* key);
    double numberOr(const char* key, double fallback);
    std::optional<double> optNumber(const char* key);
    bool boolOr(const char* key, bool fallback);
    std::string stringOr(const char* key, std::string fallback);
    // A string or a list of strings.
    std::vector<std::string> stringList(const char* key);

    // Records an error about `key` (kept if none was recorded yet).
    void fail(const char* key, const std::string& expected, const std::string& got);
    void failMessage(std::string message);
    const std::optional<Error>& error() const { return m_error; }
    const std::string& sourceName() const { return m_source; }
    std::string fieldName(const char* key) const { return m_prefix + key; }

private:
    const OrderedJson& m_object;
    std::string m_source;
    std::string m_prefix;
    std::optional<Error> m_error;
};

}  // namespace ql::detail
