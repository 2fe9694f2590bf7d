#include "recipe/torchao_json_reader.h"

#include <algorithm>

namespace ql::recipe {

namespace {

std::string versionList(std::initializer_list<int> versions) {
    std::string out;
    for (int v : versions) {
        out += (out.empty() ? "" : ", ") + std::to_string(v);
    }
    return out;
}

}  // namespace

std::string jsonTypeName(const nlohmann::json& value) {
    if (value.is_object()) return "an object";
    if (value.is_array()) return "a list";
    if (value.is_string()) return "a string";
    if (value.is_boolean()) return "a boolean";
    if (value.is_number_integer()) return "an integer";
    if (value.is_number()) return "a number";
    if (value.is_null()) return "null";
    return "an unknown value";
}

TorchaoJsonReader::TorchaoJsonReader(const nlohmann::json& object, std::string where, std::string_view typeName,
                                     std::initializer_list<int> versions)
    : m_where(std::move(where)), m_typeName(typeName) {
    if (!object.is_object()) {
        failInput(m_where + ": expected a config_to_dict object, got " + jsonTypeName(object));
    }
    const auto version = object.find("_version");
    if (version != object.end()) {
        if (!version->is_number_integer()) {
            failInput(m_where + "._version: expected an integer, got " + jsonTypeName(*version));
        }
        m_version = version->get<int>();
    }
    if (std::find(versions.begin(), versions.end(), m_version) == versions.end()) {
        fail(ErrorCode::Unsupported, m_where + "._version: " + m_typeName + " version " + std::to_string(m_version) +
                                         (version == object.end() ? " (no _version: torchao reads it as 1)" : "") +
                                         " is not supported (known: " + versionList(versions) + ")");
    }
    const auto data = object.find("_data");
    if (data == object.end() || !data->is_object()) {
        failInput(m_where + "._data: expected an object of fields");
    }
    m_data = &*data;
    m_where += "._data";
}

bool TorchaoJsonReader::has(std::string_view key) const {
    return m_data->contains(key);
}

const nlohmann::json* TorchaoJsonReader::lookup(std::string_view key) {
    m_known.emplace(key);
    const auto it = m_data->find(key);
    return it == m_data->end() ? nullptr : &*it;
}

const nlohmann::json* TorchaoJsonReader::raw(std::string_view key) {
    return lookup(key);
}

std::optional<long long> TorchaoJsonReader::integer(std::string_view key) {
    const auto* value = lookup(key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_number_integer()) {
        failInput(fieldPath(key) + ": expected an integer, got " + jsonTypeName(*value));
    }
    return value->get<long long>();
}

std::optional<bool> TorchaoJsonReader::boolean(std::string_view key) {
    const auto* value = lookup(key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_boolean()) {
        failInput(fieldPath(key) + ": expected true or false, got " + jsonTypeName(*value));
    }
    return value->get<bool>();
}

std::optional<double> TorchaoJsonReader::number(std::string_view key) {
    const auto* value = lookup(key);
    if (value == nullptr || value->is_null()) return std::nullopt;
    if (!value->is_number()) {
        failInput(fieldPath(key) + ": expected a number or null, got " + jsonTypeName(*value));
    }
    return value->get<double>();
}

std::optional<std::string> TorchaoJsonReader::string(std::string_view key) {
    const auto* value = lookup(key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) {
        failInput(fieldPath(key) + ": expected a string, got " + jsonTypeName(*value));
    }
    return value->get<std::string>();
}

std::optional<QuantDType> TorchaoJsonReader::quantDType(std::string_view key) {
    const auto* value = lookup(key);
    if (value == nullptr || value->is_null()) return std::nullopt;
    const auto path = fieldPath(key);
    if (!value->is_object() || value->value("_type", "") != "torch.dtype") {
        failInput(path + ": expected {\"_type\": \"torch.dtype\", \"_data\": ...}, got " + jsonTypeName(*value));
    }
    return enumFromJson(value->value("_data", nlohmann::json()), path, "torch.dtype", quantDTypeTable());
}

std::optional<DType> TorchaoJsonReader::scaleDType(std::string_view key) {
    const auto* value = lookup(key);
    if (value == nullptr || value->is_null()) return std::nullopt;
    const auto path = fieldPath(key);
    if (!value->is_object() || value->value("_type", "") != "torch.dtype" ||
        !value->value("_data", nlohmann::json()).is_string()) {
        failInput(path + ": expected null or {\"_type\": \"torch.dtype\", \"_data\": ...}");
    }
    static constexpr std::pair<std::string_view, DType> kScaleTypes[] = {{"bfloat16", DType::BF16},
                                                                         {"float16", DType::F16},
                                                                         {"float32", DType::F32},
                                                                         {"float8_e4m3fn", DType::F8_E4M3},
                                                                         {"float8_e8m0fnu", DType::F8_E8M0}};
    const auto name = value->at("_data").get<std::string>();
    for (const auto& [text, dtype] : kScaleTypes) {
        if (text == name) return dtype;
    }
    failInput(path + ": unknown scale dtype '" + name +
              "' (valid: bfloat16, float16, float32, float8_e4m3fn, float8_e8m0fnu)");
}

void TorchaoJsonReader::tolerate(std::initializer_list<std::string_view> keys) {
    for (auto key : keys) m_known.emplace(key);
}

void TorchaoJsonReader::finish() const {
    for (const auto& [key, value] : m_data->items()) {
        if (!m_known.contains(key)) {
            std::string valid;
            for (const auto& k : m_known) valid += (valid.empty() ? "" : ", ") + k;
            failInput(fieldPath(key) + ": unknown field of " + m_typeName + " (valid: " + valid + ")");
        }
    }
}

std::string declaredText(const nlohmann::json& value) {
    if (value.is_null()) return "null";
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array()) {
        std::string out = "[";
        for (const auto& item : value) out += (out.size() > 1 ? ", " : "") + declaredText(item);
        return out + "]";
    }
    if (value.is_object() && value.contains("_type")) {
        const auto type = value.value("_type", std::string());
        const auto& data = value.contains("_data") ? value.at("_data") : nlohmann::json();
        if (!data.is_object()) return declaredText(data);  // enums and torch.dtype: the member name
        std::string args;
        for (const auto& [k, v] : data.items()) args += (args.empty() ? "" : ", ") + k + "=" + declaredText(v);
        return type + "(" + args + ")";
    }
    return value.dump();
}

}  // namespace ql::recipe
