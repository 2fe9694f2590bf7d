#include "safetensors_json.h"

#include <algorithm>
#include <set>
#include <vector>

namespace ql::detail {
namespace {

// Length of the UTF-8 sequence starting at text[i], or 0 when it is ill-formed (RFC 3629).
std::size_t utf8SequenceLength(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
        return 1;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;   // no overlongs
        high = lead == 0xED ? 0x9F : 0xBF;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;  // not above U+10FFFF
    } else {
        return 0;
    }
    if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high) {
        return 0;
    }
    for (std::size_t k = 2; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
            return 0;
        }
    }
    return length;
}

// Thrown from the parser callback to stop at the first structural problem.
struct StrictJsonStop {
    std::string problem;
};

// Tracks the key sets of the open objects; stops on a duplicate key or too deep nesting.
class DuplicateKeyGuard {
public:
    bool operator()(int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if (depth > kMaxJsonDepth) {
            throw StrictJsonStop{"expected nesting depth at most " + std::to_string(kMaxJsonDepth) + ", got deeper"};
        }
        if (event == Event::object_start) {
            m_keys.emplace_back();
        } else if (event == Event::object_end && !m_keys.empty()) {
            m_keys.pop_back();
        } else if (event == Event::key && !m_keys.empty()) {
            const auto& key = parsed.get_ref<const std::string&>();
            if (!m_keys.back().insert(key).second) {
                throw StrictJsonStop{"duplicate key " + quoteName(key) + ": expected each key once, got it twice"};
            }
        }
        return true;
    }

private:
    std::vector<std::set<std::string>> m_keys;
};

// nlohmann's message without its "[json.exception.parse_error.101] " prefix.
std::string parseErrorText(const nlohmann::json::exception& e) {
    std::string text = e.what();
    const auto close = text.find("] ");
    if (text.rfind("[json.exception.", 0) == 0 && close != std::string::npos) {
        text.erase(0, close + 2);
    }
    return text;
}

}  // namespace

std::optional<std::size_t> findInvalidUtf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t length = utf8SequenceLength(text, i);
        if (length == 0) {
            return i;
        }
        i += length;
    }
    return std::nullopt;
}

Result<nlohmann::json> parseStrictJson(std::string_view text, const std::string& sourceName, std::string_view what) {
    const std::string prefix = sourceName + ": " + std::string(what);
    try {
        DuplicateKeyGuard guard;
        return nlohmann::json::parse(text.begin(), text.end(), std::ref(guard));
    } catch (const StrictJsonStop& stop) {
        return makeError(ErrorCode::InvalidInput, prefix + " JSON rejected: " + stop.problem);
    } catch (const nlohmann::json::parse_error& e) {
        return makeError(ErrorCode::InvalidInput,
                         prefix + " is not valid JSON: expected JSON text, got " + parseErrorText(e));
    } catch (const std::exception& e) {
        return makeError(ErrorCode::InvalidInput, prefix + " JSON rejected: " + e.what());
    }
}

std::string quoteName(std::string_view name) {
    constexpr std::size_t kMaxShown = 200;
    std::size_t shown = std::min(name.size(), kMaxShown);
    while (shown < name.size() && shown > 0 && (static_cast<unsigned char>(name[shown]) & 0xC0) == 0x80) {
        --shown;  // never cut a UTF-8 sequence
    }
    std::string out = "'";
    for (std::size_t i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c < 0x20 || c == 0x7F) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        } else if (c == '\'' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else {
            out += static_cast<char>(c);
        }
    }
    if (shown < name.size()) {
        out += "...";
    }
    out += "'";
    return out;
}

std::string jsonTypeName(const nlohmann::json& value) {
    if (value.is_number_float()) {
        return "a non-integer number";
    }
    if (value.is_number_integer() && value.is_number_unsigned()) {
        return "a non-negative integer";
    }
    if (value.is_number_integer()) {
        return "a negative integer";
    }
    return std::string("a JSON ") + value.type_name();
}

}  // namespace ql::detail
