#include "recipe/yaml_fields.h"

#include <charconv>

namespace ql::recipe {

std::string yamlKindName(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
            return "null";
        case YAML::NodeType::Scalar:
            return "a scalar";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Map:
            return "a map";
        default:
            return "nothing";
    }
}

YamlMap::YamlMap(const YAML::Node& node, std::string where) : m_node(node), m_where(std::move(where)) {
    if (!node.IsMap()) {
        failInput(m_where + ": expected a map, got " + yamlKindName(node));
    }
}

bool YamlMap::has(std::string_view key) const {
    return static_cast<bool>(m_node[std::string(key)]);
}

YAML::Node YamlMap::node(std::string_view key) const {
    return m_node[std::string(key)];
}

std::string YamlMap::scalar(std::string_view key) const {
    const auto n = node(key);
    if (!n) failInput(path(key) + ": missing");
    if (!n.IsScalar()) failInput(path(key) + ": expected a scalar, got " + yamlKindName(n));
    return n.Scalar();
}

std::string YamlMap::scalarOr(std::string_view key, std::string fallback) const {
    return has(key) ? scalar(key) : std::move(fallback);
}

int YamlMap::positiveInt(std::string_view key) const {
    const auto text = scalar(key);
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
        failInput(path(key) + ": expected a positive integer, got '" + text + "'");
    }
    return value;
}

bool YamlMap::boolean(std::string_view key) const {
    const auto text = scalar(key);
    if (text == "true" || text == "True") return true;
    if (text == "false" || text == "False") return false;
    failInput(path(key) + ": expected true or false, got '" + text + "'");
}

void YamlMap::checkKeys(std::initializer_list<std::string_view> valid) const {
    for (const auto& entry : m_node) {
        const auto key = entry.first.as<std::string>();
        bool ok = false;
        for (auto v : valid) ok = ok || v == key;
        if (!ok) {
            std::string list;
            for (auto v : valid) list += (list.empty() ? "" : ", ") + std::string(v);
            failInput(m_where + ": unknown field '" + key + "' (valid: " + list + ")");
        }
    }
}

void checkNoDuplicateKeys(const YAML::Node& node, const std::string& where) {
    if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            checkNoDuplicateKeys(node[i], where + "[" + std::to_string(i) + "]");
        return;
    }
    if (!node.IsMap()) return;
    std::vector<std::pair<std::string, int>> seen;  // key, line (1-based)
    for (const auto& entry : node) {
        const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "?";
        const int line = entry.first.Mark().line + 1;
        const std::string path = where + (where.find(':') == std::string::npos ? ": " : ".") + key;
        for (const auto& [other, otherLine] : seen) {
            if (other == key) {
                failInput(path + ": key given twice (lines " + std::to_string(otherLine) + " and " +
                          std::to_string(line) + "); keep one");
            }
        }
        seen.emplace_back(key, line);
        checkNoDuplicateKeys(entry.second, path);
    }
}

}  // namespace ql::recipe
