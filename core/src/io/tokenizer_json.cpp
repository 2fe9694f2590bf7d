// tokenizer.json -> TokenizerImpl (layout of tokenizers' tokenizer/serialization.rs). Uses
// nlohmann::json with std::map objects: a 150k-entry vocab would be quadratic in ordered_json.
#include <limits>
#include <nlohmann/json.hpp>

#include "io/tokenizer_impl.h"
#include "io/tokenizer_text.h"

namespace ql::detail {
namespace {

using Json = nlohmann::json;

constexpr const char* kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

std::string describe(const Json& v) {
    switch (v.type()) {
        case Json::value_t::null:
            return "null";
        case Json::value_t::object:
            return "an object";
        case Json::value_t::array:
            return "an array";
        case Json::value_t::string:
            return "the string '" + v.get<std::string>() + "'";
        case Json::value_t::boolean:
            return "a boolean";
        default:
            return "a number";
    }
}

// Typed access to one JSON object; errors read "<source>: field '<path>.<key>': expected X, got Y".
class Fields {
public:
    Fields(const Json& obj, const std::string& source, std::string path)
        : m_obj(obj), m_source(source), m_path(std::move(path)) {}

    std::string name(const std::string& key) const { return m_path.empty() ? key : m_path + "." + key; }
    const Json* get(const char* key) const {
        const auto it = m_obj.find(key);
        return it == m_obj.end() || it->is_null() ? nullptr : &*it;
    }
    Error error(const std::string& key, const std::string& expected, const std::string& got) const {
        return makeError(ErrorCode::InvalidInput,
                         m_source + ": field '" + name(key) + "': expected " + expected + ", got " + got);
    }
    Result<bool> boolean(const char* key, bool fallback) const {
        const Json* v = get(key);
        if (v == nullptr) return fallback;
        if (!v->is_boolean()) return error(key, "a boolean", describe(*v));
        return v->get<bool>();
    }
    Result<std::optional<std::string>> optString(const char* key) const {
        const Json* v = get(key);
        if (v == nullptr) return std::optional<std::string>();
        if (!v->is_string()) return error(key, "a string", describe(*v));
        return std::optional<std::string>(v->get<std::string>());
    }
    Result<std::string> string(const char* key) const {
        auto s = optString(key);
        if (!s) return s.error();
        if (!s.value()) return error(key, "a string", m_obj.contains(key) ? "null" : "nothing (missing)");
        return **s;
    }
    Result<const Json*> typed(const char* key, Json::value_t type, const char* what) const {
        const Json* v = get(key);
        if (v == nullptr || v->type() != type) {
            return error(key, what, v == nullptr ? (m_obj.contains(key) ? "null" : "nothing (missing)") : describe(*v));
        }
        return v;
    }
    const std::string& source() const { return m_source; }

private:
    const Json& m_obj;
    const std::string& m_source;
    std::string m_path;
};

// The member `key` of `obj` if `obj` is an object that has it, else nullptr.
const Json* child(const Json& obj, const char* key) {
    if (!obj.is_object()) return nullptr;
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

Error unsupported(const std::string& source, const std::string& field, const std::string& type, const char* supported) {
    return makeError(ErrorCode::Unsupported,
                     source + ": " + field + " type '" + type + "' is not supported; supported: " + supported);
}

#define QL_TRY(var, expr)                         \
    auto var##Result = (expr);                    \
    if (!var##Result) return var##Result.error(); \
    auto var = std::move(var##Result).value()

Result<std::unordered_map<std::string, std::int32_t>> parseVocab(const Fields& f) {
    QL_TRY(vocab, f.typed("vocab", Json::value_t::object, "an object of token -> id"));
    std::unordered_map<std::string, std::int32_t> out;
    out.reserve(vocab->size());
    for (const auto& [token, id] : vocab->items()) {
        if (!id.is_number_integer() || id.get<std::int64_t>() < 0 ||
            id.get<std::int64_t>() > std::numeric_limits<std::int32_t>::max()) {
            return f.error("vocab['" + token + "']", "a token id in [0, 2^31)", describe(id));
        }
        out[token] = static_cast<std::int32_t>(id.get<std::int64_t>());
    }
    return out;
}

Result<std::vector<std::pair<std::string, std::string>>> parseMerges(const Fields& f) {
    QL_TRY(merges, f.typed("merges", Json::value_t::array, "a list of merges"));
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(merges->size());
    for (std::size_t i = 0; i < merges->size(); ++i) {
        const Json& m = (*merges)[i];
        const std::string key = "merges[" + std::to_string(i) + "]";
        if (m.is_string()) {  // legacy "a b"
            const std::string s = m.get<std::string>();
            if (s.rfind("#version", 0) == 0) continue;
            const auto sp = s.find(' ');
            if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos) {
                return f.error(key, "'a b' (two tokens separated by one space)", describe(m));
            }
            out.emplace_back(s.substr(0, sp), s.substr(sp + 1));
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            out.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
        } else {
            return f.error(key, "a string 'a b' or a pair [a, b] of strings", describe(m));
        }
    }
    return out;
}

Result<std::unique_ptr<BpeModel>> parseModel(const Json& root, const std::string& source) {
    const Fields top(root, source, "");
    QL_TRY(model, top.typed("model", Json::value_t::object, "an object"));
    const Fields f(*model, source, "model");
    QL_TRY(type, f.optString("type"));
    if (type && *type != "BPE") return unsupported(source, "model", *type, "BPE");
    if (const Json* d = f.get("dropout"); d != nullptr && !(d->is_number() && d->get<double>() == 0.0)) {
        return makeError(ErrorCode::Unsupported, source + ": field 'model.dropout': BPE dropout " + d->dump() +
                                                     " is random; supported: null or 0");
    }
    BpeConfig c;
    QL_TRY(vocab, parseVocab(f));
    QL_TRY(merges, parseMerges(f));
    QL_TRY(unk, f.optString("unk_token"));
    QL_TRY(prefix, f.optString("continuing_subword_prefix"));
    QL_TRY(suffix, f.optString("end_of_word_suffix"));
    QL_TRY(fuseUnk, f.boolean("fuse_unk", false));
    QL_TRY(byteFallback, f.boolean("byte_fallback", false));
    QL_TRY(ignoreMerges, f.boolean("ignore_merges", false));
    c.vocab = std::move(vocab);
    c.merges = std::move(merges);
    c.unkToken = unk;
    c.continuingSubwordPrefix = prefix;
    c.endOfWordSuffix = suffix;
    c.fuseUnk = fuseUnk;
    c.byteFallback = byteFallback;
    c.ignoreMerges = ignoreMerges;
    QL_TRY(bpe, BpeModel::build(std::move(c), source));
    return std::make_unique<BpeModel>(std::move(bpe));
}

Result<std::string> componentType(const Fields& f) {
    return f.string("type");
}

Status parsePreTokenizer(const Json& j, const std::string& source, const std::string& path,
                         std::vector<PreTokenizerStep>& steps) {
    if (!j.is_object()) {
        return makeError(ErrorCode::InvalidInput,
                         source + ": field '" + path + "': expected an object, got " + describe(j));
    }
    const Fields f(j, source, path);
    QL_TRY(type, componentType(f));
    if (type == "Sequence") {
        QL_TRY(list, f.typed("pretokenizers", Json::value_t::array, "a list of pre-tokenizers"));
        for (std::size_t i = 0; i < list->size(); ++i) {
            const Status s =
                parsePreTokenizer((*list)[i], source, path + ".pretokenizers[" + std::to_string(i) + "]", steps);
            if (!s) return s;
        }
        return Ok{};
    }
    PreTokenizerStep step;
    if (type == "ByteLevel") {
        QL_TRY(prefix, f.boolean("add_prefix_space", true));
        QL_TRY(useRegex, f.boolean("use_regex", true));
        step.addPrefixSpace = prefix;
        if (useRegex) {
            QL_TRY(re, SplitRegex::compile(kGpt2Pattern, source + ": " + path));
            step.regex = std::move(re);
        }
    } else if (type == "Split") {
        QL_TRY(behavior, f.string("behavior"));
        QL_TRY(invert, f.boolean("invert", false));
        if (behavior != "Isolated" || invert) {
            return makeError(ErrorCode::Unsupported, source + ": field '" + path + "': Split behavior '" + behavior +
                                                         (invert ? "' with invert" : "'") +
                                                         " is not supported; supported: Isolated, invert false");
        }
        QL_TRY(pattern, f.typed("pattern", Json::value_t::object, "{\"Regex\": ...} or {\"String\": ...}"));
        const Fields pf(*pattern, source, path + ".pattern");
        QL_TRY(regex, pf.optString("Regex"));
        QL_TRY(literal, pf.optString("String"));
        if (!regex && !literal) return f.error("pattern", "{\"Regex\": ...} or {\"String\": ...}", describe(*pattern));
        QL_TRY(re, SplitRegex::compile(regex ? *regex : SplitRegex::escape(*literal), source + ": " + path));
        step.kind = PreTokenizerStep::Kind::Split;
        step.regex = std::move(re);
    } else {
        return unsupported(source, path, type, "ByteLevel, Split (Isolated), Sequence of those");
    }
    steps.push_back(std::move(step));
    return Ok{};
}

Status parseTemplate(const Fields& f, const std::string& path, std::vector<TemplatePiece>& out) {
    QL_TRY(single, f.typed("single", Json::value_t::array, "a list of template pieces"));
    QL_TRY(specials, f.typed("special_tokens", Json::value_t::object, "an object"));
    for (std::size_t i = 0; i < single->size(); ++i) {
        const Json& piece = (*single)[i];
        const std::string key = "single[" + std::to_string(i) + "]";
        if (child(piece, "Sequence") != nullptr) {
            out.push_back({true, {}});
            continue;
        }
        const Json* special = child(piece, "SpecialToken");
        const Json* specialId = special != nullptr ? child(*special, "id") : nullptr;
        if (specialId == nullptr || !specialId->is_string()) {
            return f.error(key, "{\"Sequence\": ...} or {\"SpecialToken\": {\"id\": ...}}", describe(piece));
        }
        const std::string id = specialId->get<std::string>();
        const auto entry = specials->find(id);
        const Json* ids = entry != specials->end() ? child(*entry, "ids") : nullptr;
        if (ids == nullptr || !ids->is_array()) {
            return f.error("special_tokens['" + id + "'].ids",
                           "a list of ids (the token is used by " + path + "." + key + ")", "nothing (missing)");
        }
        TemplatePiece p;
        for (const Json& v : *ids) {
            if (!v.is_number_integer()) return f.error("special_tokens['" + id + "'].ids", "integers", describe(v));
            p.ids.push_back(static_cast<std::int32_t>(v.get<std::int64_t>()));
        }
        out.push_back(std::move(p));
    }
    return Ok{};
}

Status parsePostProcessor(const Json& j, const std::string& source, const std::string& path,
                          std::vector<std::vector<TemplatePiece>>& templates) {
    if (!j.is_object()) {
        return makeError(ErrorCode::InvalidInput,
                         source + ": field '" + path + "': expected an object, got " + describe(j));
    }
    const Fields f(j, source, path);
    QL_TRY(type, componentType(f));
    if (type == "ByteLevel") return Ok{};  // offsets only
    if (type == "TemplateProcessing") {
        templates.emplace_back();
        return parseTemplate(f, path, templates.back());
    }
    if (type != "Sequence") return unsupported(source, path, type, "ByteLevel, TemplateProcessing, Sequence of those");
    QL_TRY(list, f.typed("processors", Json::value_t::array, "a list of post-processors"));
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Status s =
            parsePostProcessor((*list)[i], source, path + ".processors[" + std::to_string(i) + "]", templates);
        if (!s) return s;
    }
    return Ok{};
}

Result<std::vector<AddedToken>> parseAddedTokens(const Json& root, const std::string& source) {
    std::vector<AddedToken> out;
    const auto it = root.find("added_tokens");
    if (it == root.end() || it->is_null()) return out;
    if (!it->is_array()) return Fields(root, source, "").error("added_tokens", "a list", describe(*it));
    for (std::size_t i = 0; i < it->size(); ++i) {
        const std::string path = "added_tokens[" + std::to_string(i) + "]";
        if (!(*it)[i].is_object()) return Fields(root, source, "").error(path, "an object", describe((*it)[i]));
        const Fields f((*it)[i], source, path);
        AddedToken t;
        QL_TRY(content, f.string("content"));
        QL_TRY(singleWord, f.boolean("single_word", false));
        QL_TRY(lstrip, f.boolean("lstrip", false));
        QL_TRY(rstrip, f.boolean("rstrip", false));
        QL_TRY(normalized, f.boolean("normalized", true));
        QL_TRY(special, f.boolean("special", false));
        out.push_back({content, singleWord, lstrip, rstrip, normalized, special});
    }
    return out;
}

Status parseSimpleComponents(const Json& root, const std::string& source, TokenizerImpl& t) {
    const Fields top(root, source, "");
    if (const Json* v = top.get("version"); v != nullptr && (!v->is_string() || v->get<std::string>() != "1.0")) {
        return top.error("version", "\"1.0\"", describe(*v));
    }
    for (const char* key : {"truncation", "padding"}) {
        if (top.get(key) != nullptr) {
            return makeError(
                ErrorCode::Unsupported,
                source + ": field '" + key + "' is set; supported: null (transformers applies it per call)");
        }
    }
    if (const Json* n = top.get("normalizer")) {
        QL_TRY(type, componentType(Fields(*n, source, "normalizer")));
        if (type != "NFC") return unsupported(source, "normalizer", type, "null, NFC");
        t.nfc = true;
    }
    if (const Json* d = top.get("decoder")) {
        QL_TRY(type, componentType(Fields(*d, source, "decoder")));
        if (type != "ByteLevel") return unsupported(source, "decoder", type, "null, ByteLevel");
        t.byteLevelDecoder = true;
    }
    return Ok{};
}

}  // namespace

Result<std::shared_ptr<const TokenizerImpl>> parseTokenizerJson(std::string_view text, const std::string& source) {
    const Json root = Json::parse(text.begin(), text.end(), nullptr, false);
    if (root.is_discarded()) return makeError(ErrorCode::InvalidInput, source + ": not valid JSON");
    if (!root.is_object())
        return makeError(ErrorCode::InvalidInput, source + ": expected a JSON object at the top level");
    auto t = std::make_shared<TokenizerImpl>();
    if (const Status s = parseSimpleComponents(root, source, *t); !s) return s.error();
    QL_TRY(model, parseModel(root, source));
    t->model = std::move(model);
    if (const auto it = root.find("pre_tokenizer"); it != root.end() && !it->is_null()) {
        if (const Status s = parsePreTokenizer(*it, source, "pre_tokenizer", t->preTokenizer); !s) return s.error();
    }
    if (const auto it = root.find("post_processor"); it != root.end() && !it->is_null()) {
        if (const Status s = parsePostProcessor(*it, source, "post_processor", t->templates); !s) return s.error();
    }
    QL_TRY(added, parseAddedTokens(root, source));
    const BpeModel& bpe = *t->model;
    const bool useNfc = t->nfc;
    t->added.add(
        added, bpe.size(), [&](const std::string& c) { return bpe.tokenToId(c); },
        [&](const std::string& c) { return useNfc ? nfc(c) : c; });
    return std::shared_ptr<const TokenizerImpl>(std::move(t));
}

}  // namespace ql::detail
