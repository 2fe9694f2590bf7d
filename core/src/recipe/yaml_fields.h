// Private: typed reads of yaml-cpp nodes with errors that name "<source>: <field path>" and, for
// enumerations, list the valid values. Throws recipe::ParseFailure.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "recipe/enum_names.h"
#include "recipe/parse_failure.h"

namespace ql::recipe {

class YamlMap {
public:
    // `node` must be a map (fails otherwise); `where` = "<source>: quantization" etc.
    YamlMap(const YAML::Node& node, std::string where);

    bool has(std::string_view key) const;
    YAML::Node node(std::string_view key) const;  // marks key as known; null node when absent
    std::string path(std::string_view key) const { return m_where + "." + std::string(key); }

    std::string scalar(std::string_view key) const;  // required scalar string
    std::string scalarOr(std::string_view key, std::string fallback) const;
    int positiveInt(std::string_view key) const;  // required
    bool boolean(std::string_view key) const;     // required

    template <typename E>
    E enumValue(std::string_view key, std::span<const EnumName<E>> table) const;

    // Fails naming the first key not in `valid` (listing them).
    void checkKeys(std::initializer_list<std::string_view> valid) const;

    const std::string& where() const { return m_where; }

private:
    YAML::Node m_node;
    std::string m_where;
};

std::string yamlKindName(const YAML::Node& node);

// Fails when any map in `node` (recursively) has a key twice, naming the key's path and both lines:
// yaml-cpp keeps both entries and lookups see the first, PyYAML keeps the last, so the recipe would
// mean different things to QuantLens and to a Python script reading it. `where` = "<source>".
void checkNoDuplicateKeys(const YAML::Node& node, const std::string& where);

template <typename E>
E YamlMap::enumValue(std::string_view key, std::span<const EnumName<E>> table) const {
    const auto text = scalar(key);
    const auto value = enumFromName(table, text);
    if (!value) {
        std::string valid;
        for (const auto& e : table) {
            std::string lower(e.name);
            for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            valid += (valid.empty() ? "" : ", ") + lower;
        }
        failInput(path(key) + ": unknown value '" + text + "' (valid: " + valid + ")");
    }
    return *value;
}

}  // namespace ql::recipe
