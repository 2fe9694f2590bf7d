// Private: typed access to one config_to_dict object ({"_type","_version","_data"}) with field
// bookkeeping: every key of `_data` must be one the caller reads or explicitly tolerates, and every
// error names the field path ("<source>: Int4WeightOnlyConfig._data.group_size: ...").
// Throws recipe::ParseFailure (caught by the public parse functions).
#pragma once

#include <quantlens/quant_config.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "recipe/enum_names.h"
#include "recipe/parse_failure.h"

namespace ql::recipe {

class TorchaoJsonReader {
public:
    // `object` must be a config_to_dict object whose `_type` is `typeName`; `where` is the path used in
    // errors. Checks that `_version` (missing = 1, as torchao reads it) is one of `versions`.
    TorchaoJsonReader(const nlohmann::json& object, std::string where, std::string_view typeName,
                      std::initializer_list<int> versions);

    int version() const { return m_version; }
    const std::string& where() const { return m_where; }

    bool has(std::string_view key) const;
    const nlohmann::json* raw(std::string_view key);  // nullptr when absent; marks it read
    std::optional<long long> integer(std::string_view key);
    std::optional<bool> boolean(std::string_view key);
    std::optional<double> number(std::string_view key);  // null -> nullopt
    std::optional<std::string> string(std::string_view key);
    std::optional<QuantDType> quantDType(std::string_view key);  // {"_type":"torch.dtype"}; null -> nullopt
    std::optional<DType> scaleDType(std::string_view key);       // torch.dtype of a scale; null -> nullopt

    template <typename E>
    std::optional<E> enumValue(std::string_view key, std::string_view enumType, std::span<const EnumName<E>> table);

    // Keys torchao of some release writes but that do not matter here (recorded as declared only).
    void tolerate(std::initializer_list<std::string_view> keys);
    // Fails naming the first key of `_data` nobody read or tolerated, listing the valid ones.
    void finish() const;

    std::string fieldPath(std::string_view key) const { return m_where + "." + std::string(key); }

private:
    const nlohmann::json* lookup(std::string_view key);
    std::string m_where;
    std::string m_typeName;
    const nlohmann::json* m_data = nullptr;
    int m_version = 1;
    std::set<std::string, std::less<>> m_known;
};

// Reads `_data` member-name text of an enum object ({"_type": enumType, "_data": "PLAIN"}) or a bare
// string (str-Enum fields default to plain strings, e.g. "preshuffled"); fails listing valid names.
template <typename E>
E enumFromJson(const nlohmann::json& value, const std::string& path, std::string_view enumType,
               std::span<const EnumName<E>> table);

std::string jsonTypeName(const nlohmann::json& value);

// Canonical one-token text of a declared JSON value for the config diff ("PLAIN", "PerGroup(32)", "null").
std::string declaredText(const nlohmann::json& value);

template <typename E>
std::optional<E> TorchaoJsonReader::enumValue(std::string_view key, std::string_view enumType,
                                              std::span<const EnumName<E>> table) {
    const nlohmann::json* value = raw(key);
    if (value == nullptr || value->is_null()) {
        return std::nullopt;
    }
    return enumFromJson(*value, fieldPath(key), enumType, table);
}

template <typename E>
E enumFromJson(const nlohmann::json& value, const std::string& path, std::string_view enumType,
               std::span<const EnumName<E>> table) {
    const nlohmann::json* name = &value;
    if (value.is_object()) {
        const auto type = value.find("_type");
        if (type == value.end() || !type->is_string() || *type != enumType) {
            failInput(path + ": expected an enum object with \"_type\": \"" + std::string(enumType) + "\"");
        }
        const auto data = value.find("_data");
        if (data == value.end()) {
            failInput(path + ": enum object has no \"_data\"");
        }
        name = &*data;
    }
    if (!name->is_string()) {
        failInput(path + ": expected a " + std::string(enumType) + " member name, got " + jsonTypeName(*name));
    }
    const auto text = name->get<std::string>();
    const auto parsed = enumFromName(table, text);
    if (!parsed) {
        failInput(path + ": unknown " + std::string(enumType) + " '" + text + "' (valid: " + enumNameList(table) + ")");
    }
    return *parsed;
}

}  // namespace ql::recipe
