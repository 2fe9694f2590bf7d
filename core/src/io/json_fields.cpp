#include "io/json_fields.h"

#include <fstream>
#include <limits>
#include <sstream>

#include "io/safetensors_json.h"

namespace ql::detail {
namespace {

constexpr int kMaxDepth = 64;

struct DepthExceeded {};

// Replaces the bare literals NaN, Infinity, -Infinity (outside strings) with marker strings.
std::string replaceNonFinite(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            out += c;
            if (c == '\\' && i + 1 < text.size()) {
                out += text[++i];
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        const std::string_view rest = text.substr(i);
        if (c == '"') {
            inString = true;
            out += c;
        } else if (rest.starts_with("NaN")) {
            out += "\"\\u0001NaN\"";
            i += 2;
        } else if (rest.starts_with("Infinity")) {
            out += "\"\\u0001Infinity\"";
            i += 7;
        } else if (rest.starts_with("-Infinity")) {
            out += "\"\\u0001-Infinity\"";
            i += 8;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

Result<OrderedJson> parseJsonObject(std::string_view text, const std::string& sourceName, bool allowNonFinite) {
    const std::string prepared = allowNonFinite ? replaceNonFinite(text) : std::string(text);
    const auto limitDepth = [](int depth, OrderedJson::parse_event_t, OrderedJson&) {
        if (depth > kMaxDepth) {
            throw DepthExceeded{};
        }
        return true;
    };
    OrderedJson value;
    try {
        value = OrderedJson::parse(prepared, limitDepth);
    } catch (const DepthExceeded&) {
        return makeError(ErrorCode::InvalidInput, sourceName + ": invalid JSON: expected nesting depth <= 64");
    } catch (const std::exception& e) {
        return makeError(ErrorCode::InvalidInput, sourceName + ": invalid JSON: " + quoted(e.what()));
    }
    if (!value.is_object()) {
        return makeError(ErrorCode::InvalidInput,
                         sourceName + ": expected a JSON object at the top level, got " + describeJson(value));
    }
    return value;
}

std::optional<double> jsonNumber(const OrderedJson& value) {
    if (value.is_number()) {
        return value.get<double>();
    }
    if (value.is_string()) {
        const auto& s = value.get_ref<const std::string&>();
        if (s == kNaNText) {
            return std::numeric_limits<double>::quiet_NaN();
        }
        if (s == kInfText) {
            return std::numeric_limits<double>::infinity();
        }
        if (s == kNegInfText) {
            return -std::numeric_limits<double>::infinity();
        }
    }
    return std::nullopt;
}

bool isJsonInteger(const OrderedJson& value) {
    return value.is_number_integer();
}

std::string describeJson(const OrderedJson& value) {
    switch (value.type()) {
        case OrderedJson::value_t::null:
            return "null";
        case OrderedJson::value_t::boolean:
            return value.get<bool>() ? "true" : "false";
        case OrderedJson::value_t::string:
            return "a string " + quoted(value.get_ref<const std::string&>());
        case OrderedJson::value_t::array:
            return "an array";
        case OrderedJson::value_t::object:
            return "an object";
        case OrderedJson::value_t::number_float:
            return "the non-integer number " + value.dump();
        case OrderedJson::value_t::number_integer:
        case OrderedJson::value_t::number_unsigned:
            return "the integer " + value.dump();
        default:
            return std::string("a JSON ") + value.type_name();
    }
}

Result<std::string> readTextFile(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return makeError(ErrorCode::NotFound, path.string() + ": file not found");
    }
    if (std::filesystem::is_directory(path, ec)) {
        return makeError(ErrorCode::InvalidInput, path.string() + ": expected a file, got a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return makeError(ErrorCode::Io, path.string() + ": cannot open for reading");
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        return makeError(ErrorCode::Io, path.string() + ": read failed");
    }
    return buffer.str();
}

FieldReader::FieldReader(const OrderedJson& object, std::string sourceName, std::string prefix)
    : m_object(object), m_source(std::move(sourceName)), m_prefix(std::move(prefix)) {}

const OrderedJson* FieldReader::get(const char* key) const {
    const auto it = m_object.find(key);
    if (it == m_object.end() || it->is_null()) {
        return nullptr;
    }
    return &*it;
}

bool FieldReader::contains(const char* key) const {
    return m_object.contains(key);
}

bool FieldReader::has(const char* key) const {
    return get(key) != nullptr;
}

void FieldReader::failMessage(std::string message) {
    if (!m_error) {
        m_error = makeError(ErrorCode::InvalidInput, std::move(message));
    }
}

void FieldReader::fail(const char* key, const std::string& expected, const std::string& got) {
    failMessage(m_source + ": field '" + fieldName(key) + "': expected " + expected + ", got " + got);
}

std::optional<std::int64_t> FieldReader::optInt(const char* key) {
    const OrderedJson* v = get(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > std::uint64_t(INT64_MAX)) {
        fail(key, "an integer that fits in 64 bits", describeJson(*v));
        return std::nullopt;
    }
    if (!v->is_number_integer()) {
        fail(key, "an integer", describeJson(*v));
        return std::nullopt;
    }
    return v->get<std::int64_t>();
}

std::int64_t FieldReader::requireInt(const char* key) {
    if (!m_object.contains(key)) {
        failMessage(m_source + ": missing required field '" + fieldName(key) + "' (expected an integer)");
        return 0;
    }
    if (m_object.at(key).is_null()) {
        fail(key, "an integer", "null");
        return 0;
    }
    return optInt(key).value_or(0);
}

std::int64_t FieldReader::intOr(const char* key, std::int64_t fallback) {
    return optInt(key).value_or(fallback);
}

std::optional<double> FieldReader::optNumber(const char* key) {
    const OrderedJson* v = get(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    const auto number = jsonNumber(*v);
    if (!number) {
        fail(key, "a number", describeJson(*v));
    }
    return number;
}

double FieldReader::numberOr(const char* key, double fallback) {
    return optNumber(key).value_or(fallback);
}

bool FieldReader::boolOr(const char* key, bool fallback) {
    const OrderedJson* v = get(key);
    if (v == nullptr) {
        return fallback;
    }
    if (!v->is_boolean()) {
        fail(key, "true or false", describeJson(*v));
        return fallback;
    }
    return v->get<bool>();
}

std::string FieldReader::stringOr(const char* key, std::string fallback) {
    const OrderedJson* v = get(key);
    if (v == nullptr) {
        return fallback;
    }
    if (!v->is_string()) {
        fail(key, "a string", describeJson(*v));
        return fallback;
    }
    return v->get<std::string>();
}

std::vector<std::string> FieldReader::stringList(const char* key) {
    std::vector<std::string> out;
    const OrderedJson* v = get(key);
    if (v == nullptr) {
        return out;
    }
    if (v->is_string()) {
        out.push_back(v->get<std::string>());
        return out;
    }
    if (!v->is_array()) {
        fail(key, "a string or a list of strings", describeJson(*v));
        return out;
    }
    for (const auto& item : *v) {
        if (!item.is_string()) {
            fail(key, "a list of strings", "an element that is " + describeJson(item));
            return {};
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

}  // namespace ql::detail
