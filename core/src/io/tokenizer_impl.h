// The parsed components of a tokenizer.json (see quantlens/tokenizer.h for what is supported)
// and the encode/decode pipeline over them, in tokenizers' order: added-token split of the raw
// text, normalizer on the gaps, normalized added-token split, pre-tokenizer, BPE, post-processor.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/tokenizer_added.h"
#include "io/tokenizer_bpe.h"
#include "io/tokenizer_regex.h"
#include "quantlens/result.h"

namespace ql::detail {

// One pre-tokenizer of the (flattened) Sequence.
struct PreTokenizerStep {
    enum class Kind { Split, ByteLevel } kind = Kind::ByteLevel;
    std::optional<SplitRegex> regex;  // Split's pattern, or ByteLevel's GPT-2 regex when use_regex
    bool addPrefixSpace = false;      // ByteLevel only
};

// One post-processor of the (flattened) Sequence. ByteLevel changes offsets only: no step.
struct TemplatePiece {
    bool isSequence = false;        // $A (the encoded text)
    std::vector<std::int32_t> ids;  // a SpecialToken's ids
};

struct TokenizerImpl {
    std::unique_ptr<BpeModel> model;
    bool nfc = false;  // normalizer NFC (else null)
    std::vector<PreTokenizerStep> preTokenizer;
    std::vector<std::vector<TemplatePiece>> templates;  // TemplateProcessing "single" of each step
    bool byteLevelDecoder = false;                      // else null: tokens joined with " "
    AddedVocabulary added;

    Result<std::vector<std::int32_t>> encode(std::string_view text, bool addSpecialTokens) const;
    std::string decode(const std::vector<std::int32_t>& ids, bool skipSpecialTokens) const;
    std::optional<std::string> idToToken(std::int32_t id) const;

private:
    Status encodePiece(std::string_view piece, std::vector<std::int32_t>& out) const;
    Status preTokenize(std::string_view text, std::vector<std::string>& words) const;
};

// Parses tokenizer.json text into its components (errors name `source` and the field).
Result<std::shared_ptr<const TokenizerImpl>> parseTokenizerJson(std::string_view text, const std::string& source);

}  // namespace ql::detail
