// torchao repr text -> config_to_dict JSON (see torchao_repr.h). A recursive-descent parser over
// the small subset of Python literal syntax that dataclass and enum reprs produce.
#include "recipe/torchao_repr.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "io/tokenizer_text.h"
#include "recipe/parse_failure.h"

namespace ql::recipe {

namespace {

using nlohmann::json;

// Dataclass field order of the classes whose constructor calls take positional arguments
// (torchao 0.18.0 quant_api.py, qat/api.py, granularity.py), and the default `version` that
// config_to_dict writes when the text does not say (a constructor call, not a printed repr).
struct ClassInfo {
    std::string_view name;
    int defaultVersion;
    std::vector<std::string_view> fields;
};

const std::vector<ClassInfo>& classTable() {
    static const std::vector<ClassInfo> table = {
        {"QATConfig", 1, {"base_config", "activation_config", "weight_config", "step"}},
        {"Int4WeightOnlyConfig",
         2,
         {"group_size", "set_inductor_config", "int4_packing_format", "int4_choose_qparams_algorithm",
          "int4_tile_packed_ntile"}},
        {"IntxWeightOnlyConfig",
         2,
         {"weight_dtype", "granularity", "mapping_type", "scale_dtype", "intx_packing_format",
          "intx_choose_qparams_algorithm"}},
        {"Int8DynamicActivationIntxWeightConfig",
         2,
         {"weight_dtype", "weight_granularity", "weight_mapping_type", "weight_scale_dtype", "act_mapping_type",
          "intx_packing_format", "intx_choose_qparams_algorithm"}},
        {"Int8DynamicActivationInt4WeightConfig", 1, {"group_size", "act_mapping_type", "set_inductor_config"}},
        {"Float8DynamicActivationFloat8WeightConfig", 2, {"activation_dtype", "weight_dtype", "granularity"}},
        {"Float8DynamicActivationInt4WeightConfig", 1, {"int4_packing_format"}},
        {"MXDynamicActivationMXWeightConfig",
         1,
         {"block_size", "activation_dtype", "weight_dtype", "kernel_preference", "scaling_mode"}},
        {"NVFP4DynamicActivationNVFP4WeightConfig", 1, {"use_triton_kernel", "use_dynamic_per_tensor_scale", "step"}},
        {"PerGroup", 1, {"group_size"}},
        {"PerAxis", 1, {"axis"}},
        {"PerRow", 1, {"dim"}},
        {"PerTensor", 1, {}},
        {"PerToken", 1, {}},
    };
    return table;
}

const ClassInfo* findClass(std::string_view name) {
    for (const auto& c : classTable()) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

// The classes a config text can start with (everything before the first one is a log prefix).
constexpr std::array<std::string_view, 9> kTopLevel = {"QATConfig",
                                                       "Int4WeightOnlyConfig",
                                                       "IntxWeightOnlyConfig",
                                                       "Int8DynamicActivationIntxWeightConfig",
                                                       "Int8DynamicActivationInt4WeightConfig",
                                                       "Float8DynamicActivationFloat8WeightConfig",
                                                       "Float8DynamicActivationInt4WeightConfig",
                                                       "MXDynamicActivationMXWeightConfig",
                                                       "NVFP4DynamicActivationNVFP4WeightConfig"};

constexpr int kMaxDepth = 32;

bool isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isIdentChar(char c) {
    return isIdentStart(c) || (c >= '0' && c <= '9');
}

class ReprParser {
public:
    ReprParser(std::string_view text, std::string where) : m_text(text), m_where(std::move(where)) {}

    json parseDocument() {
        m_pos = startOfConfig();
        json value = parseValue(0);
        skipSpace();
        if (m_pos != m_text.size()) fail("the end of the config", describeHere());
        if (!value.is_object() || !value.contains("_data"))
            fail("a torchao config such as QATConfig(...)", "another value");
        return value;
    }

private:
    std::size_t startOfConfig() const {
        std::size_t best = std::string_view::npos;
        for (auto name : kTopLevel) {
            for (auto at = m_text.find(name); at != std::string_view::npos; at = m_text.find(name, at + 1)) {
                const bool wordStart = at == 0 || !isIdentChar(m_text[at - 1]);
                const std::size_t after = at + name.size();
                if (wordStart && after < m_text.size() && m_text[after] == '(') {
                    best = std::min(best, at);
                    break;
                }
            }
        }
        if (best == std::string_view::npos) {
            std::string names;
            for (auto n : kTopLevel) names += (names.empty() ? "" : ", ") + std::string(n);
            failInput(m_where + ": expected the printed repr of a torchao config (" + names + "), found none");
        }
        return best;
    }

    [[noreturn]] void fail(const std::string& expected, const std::string& got) const {
        failInput(m_where + ": at character " + std::to_string(m_pos + 1) + ": expected " + expected + ", got " + got);
    }

    std::string describeHere() const {
        if (m_pos >= m_text.size()) return "the end of the text";
        std::string snippet(m_text.substr(m_pos, 16));
        for (auto& c : snippet) {
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
        }
        return "'" + snippet + (m_pos + 16 < m_text.size() ? "...'" : "'");
    }

    void skipSpace() {
        while (m_pos < m_text.size() &&
               (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n' || m_text[m_pos] == '\r')) {
            ++m_pos;
        }
    }

    bool accept(char c) {
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

    void expect(char c) {
        if (!accept(c)) fail(std::string("'") + c + "'", describeHere());
    }

    std::string identifier() {
        skipSpace();
        if (m_pos >= m_text.size() || !isIdentStart(m_text[m_pos])) fail("a name", describeHere());
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && isIdentChar(m_text[m_pos])) ++m_pos;
        return std::string(m_text.substr(start, m_pos - start));
    }

    // Name(.Name)*
    std::vector<std::string> dottedName() {
        std::vector<std::string> parts{identifier()};
        while (m_pos < m_text.size() && m_text[m_pos] == '.') {
            ++m_pos;
            parts.push_back(identifier());
        }
        return parts;
    }

    json parseValue(int depth) {
        if (depth > kMaxDepth) fail("at most " + std::to_string(kMaxDepth) + " nested values", "deeper nesting");
        skipSpace();
        if (m_pos >= m_text.size()) fail("a value", "the end of the text");
        const char c = m_text[m_pos];
        if (c == '\'' || c == '"') return parseString();
        if (c == '<') return parseEnumRepr();
        if (c == '[' || c == '(') return parseSequence(depth);
        if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) return parseNumber();
        if (isIdentStart(c)) return parseNamed(depth);
        fail("a value", describeHere());
    }

    json parseNamed(int depth) {
        const auto parts = dottedName();
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == '(') return parseCall(parts.back(), depth);
        if (parts.size() == 1) {
            const auto& n = parts[0];
            if (n == "None") return nullptr;
            if (n == "True") return true;
            if (n == "False") return false;
            if (n == "inf") return std::numeric_limits<double>::infinity();
            if (n == "nan") return std::numeric_limits<double>::quiet_NaN();
            fail("None, True, False, a number, a string or a call", "the name '" + n + "'");
        }
        if (parts.size() == 2 && parts[0] == "torch") return json{{"_type", "torch.dtype"}, {"_data", parts[1]}};
        // Enum.MEMBER, possibly module-qualified (torchao.quantization.MappingType.SYMMETRIC).
        return enumValue(parts[parts.size() - 2], parts.back());
    }

    static json enumValue(const std::string& enumClass, const std::string& member) {
        if (enumClass == "QATStep") {  // QATConfig.step: config_to_dict writes the plain lower-case string
            std::string lower = member;
            for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            return lower;
        }
        return json{{"_type", enumClass}, {"_data", member}};
    }

    // <Enum.MEMBER: value>
    json parseEnumRepr() {
        expect('<');
        const auto parts = dottedName();
        if (parts.size() < 2) fail("<Enum.MEMBER: value>", "'<" + parts[0] + "'");
        expect(':');
        skipSpace();
        const char c = m_pos < m_text.size() ? m_text[m_pos] : '\0';
        if (c == '\'' || c == '"')
            parseString();
        else if (c == '-' || (c >= '0' && c <= '9'))
            parseNumber();
        else
            fail("the enum's value", describeHere());
        expect('>');
        return enumValue(parts[parts.size() - 2], parts.back());
    }

    json parseSequence(int depth) {
        const char close = m_text[m_pos] == '[' ? ']' : ')';
        ++m_pos;
        json out = json::array();
        if (accept(close)) return out;
        while (true) {
            out.push_back(parseValue(depth + 1));
            if (accept(close)) return out;
            expect(',');
            if (accept(close)) return out;
        }
    }

    json parseCall(const std::string& name, int depth) {
        expect('(');
        const ClassInfo* info = findClass(name);
        json data = json::object();
        std::optional<long long> version;
        std::size_t positional = 0;
        bool sawKeyword = false;
        while (!accept(')')) {
            if (!data.empty() || positional > 0 || version) expect(',');
            if (accept(')')) break;
            skipSpace();
            const std::size_t save = m_pos;
            std::string key;
            if (m_pos < m_text.size() && isIdentStart(m_text[m_pos])) {
                key = identifier();
                if (!accept('=')) {
                    m_pos = save;
                    key.clear();
                }
            }
            if (key.empty()) {
                if (sawKeyword) fail("name=value (a positional argument follows a keyword one)", describeHere());
                if (info == nullptr || positional >= info->fields.size()) {
                    fail("name=value (positional arguments of " + name + " are not supported here)", describeHere());
                }
                key = std::string(info->fields[positional++]);
            } else {
                sawKeyword = true;
            }
            if (data.contains(key) || (key == "version" && version)) fail("each field once", "'" + key + "' again");
            json value = parseValue(depth + 1);
            if (key == "version") {
                if (!value.is_number_integer()) fail("an integer version", "another value for version");
                version = value.get<long long>();
            } else {
                data[key] = std::move(value);
            }
        }
        json object{{"_type", name}};
        object["_version"] = version.value_or(info != nullptr ? info->defaultVersion : 1);
        object["_data"] = std::move(data);
        return object;
    }

    json parseNumber() {
        const std::size_t start = m_pos;
        if (m_text[m_pos] == '-' || m_text[m_pos] == '+') ++m_pos;
        if (m_text.substr(m_pos, 3) == "inf") {
            m_pos += 3;
            return m_text[start] == '-' ? -std::numeric_limits<double>::infinity()
                                        : std::numeric_limits<double>::infinity();
        }
        bool isFloat = false;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c >= '0' && c <= '9') {
                ++m_pos;
            } else if (c == '.' || c == 'e' || c == 'E') {
                isFloat = true;
                ++m_pos;
                if ((c == 'e' || c == 'E') && m_pos < m_text.size() && (m_text[m_pos] == '-' || m_text[m_pos] == '+'))
                    ++m_pos;
            } else {
                break;
            }
        }
        std::string token(m_text.substr(start, m_pos - start));
        if (!token.empty() && token[0] == '+') token.erase(0, 1);
        const char* first = token.data();
        const char* last = token.data() + token.size();
        if (!isFloat) {
            long long v = 0;
            const auto [end, ec] = std::from_chars(first, last, v);
            if (ec == std::errc() && end == last) return v;
        } else {
            double v = 0;
            const auto [end, ec] = std::from_chars(first, last, v);
            if (ec == std::errc() && end == last) return v;
        }
        m_pos = start;
        fail("a number", "'" + token + "'");
    }

    unsigned long hexDigits(std::size_t count) {
        if (m_pos + count > m_text.size()) fail(std::to_string(count) + " hex digits", "the end of the text");
        unsigned long v = 0;
        const auto [end, ec] = std::from_chars(m_text.data() + m_pos, m_text.data() + m_pos + count, v, 16);
        if (ec != std::errc() || end != m_text.data() + m_pos + count)
            fail(std::to_string(count) + " hex digits", describeHere());
        m_pos += count;
        return v;
    }

    json parseString() {
        const char quote = m_text[m_pos++];
        std::string out;
        while (true) {
            if (m_pos >= m_text.size()) fail(std::string("the closing ") + quote, "the end of the text");
            const char c = m_text[m_pos++];
            if (c == quote) break;
            if (c == '\n') fail(std::string("the closing ") + quote, "a line break");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_text.size()) fail("an escape", "the end of the text");
            const char e = m_text[m_pos++];
            switch (e) {
                case 'n':
                    out += '\n';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case '0':
                    out += '\0';
                    break;
                case '\\':
                case '\'':
                case '"':
                    out += e;
                    break;
                case 'x':
                    detail::appendUtf8(out, static_cast<char32_t>(hexDigits(2)));
                    break;
                case 'u':
                    detail::appendUtf8(out, static_cast<char32_t>(hexDigits(4)));
                    break;
                case 'U': {
                    const auto cp = hexDigits(8);
                    if (cp > 0x10FFFF) fail("a code point up to U+10FFFF", "\\U" + std::to_string(cp));
                    detail::appendUtf8(out, static_cast<char32_t>(cp));
                    break;
                }
                default:
                    out += '\\';
                    out += e;
                    break;  // Python keeps unknown escapes as written
            }
        }
        return out;
    }

    std::string_view m_text;
    std::string m_where;
    std::size_t m_pos = 0;
};

}  // namespace

json reprToConfigJson(std::string_view text, const std::string& where) {
    return ReprParser(text, where).parseDocument();
}

}  // namespace ql::recipe
