#include "quantlens/tokenizer.h"

#include <exception>

#include "io/json_fields.h"
#include "io/tokenizer_impl.h"
#include "io/tokenizer_text.h"

namespace ql {
namespace detail {

Status TokenizerImpl::preTokenize(std::string_view text, std::vector<std::string>& words) const {
    std::vector<std::string> pieces{std::string(text)};
    std::vector<std::string_view> parts;
    for (const PreTokenizerStep& step : preTokenizer) {
        std::vector<std::string> next;
        for (std::string& piece : pieces) {
            if (step.kind == PreTokenizerStep::Kind::ByteLevel && step.addPrefixSpace && piece.front() != ' ') {
                piece.insert(piece.begin(), ' ');
            }
            parts.clear();
            if (step.regex) {
                if (const Status s = step.regex->splitIsolated(piece, parts); !s) return s;
            } else {
                parts.push_back(piece);
            }
            for (const std::string_view part : parts) {
                if (part.empty()) continue;  // tokenizers drops empty splits
                next.push_back(step.kind == PreTokenizerStep::Kind::ByteLevel ? byteLevelEncode(part)
                                                                              : std::string(part));
            }
        }
        pieces = std::move(next);
    }
    words = std::move(pieces);
    return Ok{};
}

Status TokenizerImpl::encodePiece(std::string_view piece, std::vector<std::int32_t>& out) const {
    std::vector<std::string> words;
    if (const Status s = preTokenize(piece, words); !s) return s;
    for (const std::string& w : words) model->tokenize(w, out);
    return Ok{};
}

Result<std::vector<std::int32_t>> TokenizerImpl::encode(std::string_view text, bool addSpecialTokens) const {
    if (!isValidUtf8(text)) {
        return makeError(ErrorCode::InvalidInput, "tokenizer input: the text is not valid UTF-8");
    }
    std::vector<std::int32_t> ids;
    for (const AddedSplit& raw : added.split(text, false)) {
        if (raw.id) {
            ids.push_back(*raw.id);
            continue;
        }
        if (raw.end == raw.begin) continue;
        const std::string normalized = this->nfc ? detail::nfc(text.substr(raw.begin, raw.end - raw.begin))
                                                 : std::string(text.substr(raw.begin, raw.end - raw.begin));
        for (const AddedSplit& part : added.split(normalized, true)) {
            if (part.id) {
                ids.push_back(*part.id);
            } else if (part.end > part.begin) {
                const Status s =
                    encodePiece(std::string_view(normalized).substr(part.begin, part.end - part.begin), ids);
                if (!s) return s.error();
            }
        }
    }
    if (!addSpecialTokens) return ids;
    for (const auto& pieces : templates) {
        std::vector<std::int32_t> next;
        for (const TemplatePiece& p : pieces) {
            const auto& src = p.isSequence ? ids : p.ids;
            next.insert(next.end(), src.begin(), src.end());
        }
        ids = std::move(next);
    }
    return ids;
}

std::optional<std::string> TokenizerImpl::idToToken(std::int32_t id) const {
    if (const std::string* t = added.idToToken(id)) return *t;
    if (const std::string* t = model->idToToken(id)) return *t;
    return std::nullopt;
}

std::string TokenizerImpl::decode(const std::vector<std::int32_t>& ids, bool skipSpecialTokens) const {
    std::string bytes;
    bool first = true;
    for (const std::int32_t id : ids) {
        const std::optional<std::string> token = idToToken(id);
        if (!token || (skipSpecialTokens && added.isSpecialContent(*token))) continue;
        if (!byteLevelDecoder) {  // no decoder: tokens joined with spaces
            bytes += first ? "" : " ";
            bytes += *token;
            first = false;
            continue;
        }
        std::string mapped;
        bool allMapped = true;
        for (std::size_t pos = 0; pos < token->size() && allMapped;) {
            const auto b = charToByte(nextCodePoint(*token, pos));
            allMapped = b.has_value();
            if (b) mapped += static_cast<char>(*b);
        }
        bytes += allMapped ? mapped : *token;  // a char outside the alphabet: the token's own UTF-8
    }
    return byteLevelDecoder ? utf8Lossy(bytes) : bytes;
}

}  // namespace detail

Tokenizer::Tokenizer(std::shared_ptr<const detail::TokenizerImpl> impl) : m_impl(std::move(impl)) {}

Result<Tokenizer> Tokenizer::load(const std::filesystem::path& path) {
    std::error_code ec;
    const std::filesystem::path file = std::filesystem::is_directory(path, ec) ? path / "tokenizer.json" : path;
    auto text = detail::readTextFile(file);
    if (!text) return text.error();
    return fromJson(*text, file.string());
}

Result<Tokenizer> Tokenizer::fromJson(std::string_view jsonText, const std::string& sourceName) {
    try {
        auto impl = detail::parseTokenizerJson(jsonText, sourceName);
        if (!impl) return impl.error();
        return Tokenizer(std::move(impl).value());
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal,
                         sourceName + ": unexpected error while reading the tokenizer: " + e.what());
    }
}

Result<std::vector<std::int32_t>> Tokenizer::encode(std::string_view text, bool addSpecialTokens) const {
    try {
        return m_impl->encode(text, addSpecialTokens);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("tokenizer encode failed: ") + e.what());
    }
}

std::string Tokenizer::decode(const std::vector<std::int32_t>& ids, bool skipSpecialTokens) const {
    return m_impl->decode(ids, skipSpecialTokens);
}

std::optional<std::string> Tokenizer::idToToken(std::int32_t id) const {
    return m_impl->idToToken(id);
}

std::optional<std::int32_t> Tokenizer::tokenToId(std::string_view token) const {
    if (const auto id = m_impl->added.tokenToId(token)) return id;
    return m_impl->model->tokenToId(token);
}

std::int64_t Tokenizer::vocabSize() const {
    std::int64_t n = static_cast<std::int64_t>(m_impl->model->size());
    for (const auto& [content, id] : m_impl->added.contents()) {
        if (!m_impl->model->tokenToId(content)) ++n;
    }
    return n;
}

bool Tokenizer::isSpecial(std::int32_t id) const {
    const std::string* t = m_impl->added.idToToken(id);
    return t != nullptr && m_impl->added.isSpecialContent(*t);
}

}  // namespace ql
