// A HF tokenizer.json tokenizer (huggingface/tokenizers), encoding and decoding exactly as HF
// `tokenizers` 0.23.3 does for the byte-level BPE files of Qwen2/2.5/3, Llama 3.x and GPT-2.
//
// Supported components (anything else is an Unsupported error naming the component):
//   model          BPE (merges as "a b" strings or [a, b] pairs; ignore_merges; dropout null/0)
//   normalizer     null or NFC
//   pre_tokenizer  ByteLevel (use_regex true = GPT-2 regex, or false), Split (Regex or String
//                  pattern, behavior Isolated, invert false), or a Sequence of those
//   post_processor null, ByteLevel, TemplateProcessing, or a Sequence of those
//   decoder        null or ByteLevel
// truncation and padding must be null (transformers applies them per call, not the file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quantlens/result.h"

namespace ql {

namespace detail {
struct TokenizerImpl;
}

class Tokenizer {
public:
    // Loads `path`: a tokenizer.json file, or a directory containing one. Errors name the file and
    // the JSON field (InvalidInput), or the unsupported component and list the supported ones.
    static Result<Tokenizer> load(const std::filesystem::path& path);
    // Parses tokenizer.json text; `sourceName` names it in error messages.
    static Result<Tokenizer> fromJson(std::string_view jsonText, const std::string& sourceName);

    // Token ids of `text` (UTF-8), as tokenizers' encode(text, add_special_tokens).ids.
    // InvalidInput if `text` is not valid UTF-8.
    Result<std::vector<std::int32_t>> encode(std::string_view text, bool addSpecialTokens) const;

    // Text of `ids`, as tokenizers' decode(ids, skip_special_tokens): unknown ids are skipped,
    // invalid UTF-8 byte sequences become U+FFFD.
    std::string decode(const std::vector<std::int32_t>& ids, bool skipSpecialTokens) const;

    // The token string of `id` (added tokens first, then the model vocabulary); nullopt if unknown.
    std::optional<std::string> idToToken(std::int32_t id) const;
    // The id of token string `token` (added tokens first, then the model vocabulary).
    std::optional<std::int32_t> tokenToId(std::string_view token) const;
    // Model vocabulary plus added tokens not in it (tokenizers' get_vocab_size(True)).
    std::int64_t vocabSize() const;
    // True when `id` is an added token marked special.
    bool isSpecial(std::int32_t id) const;

private:
    explicit Tokenizer(std::shared_ptr<const detail::TokenizerImpl> impl);
    std::shared_ptr<const detail::TokenizerImpl> m_impl;  // immutable, shared by copies
};

}  // namespace ql
