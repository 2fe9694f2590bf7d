// The BPE model of tokenizer.json, a port of tokenizers' models/bpe/model.rs + word.rs: per word,
// symbols are the vocab ids of its chars; the adjacent pair with the lowest merge rank is merged
// first (leftmost on ties), repeatedly, using the same heap of (rank, position) with stale-entry
// checks as word.rs. A bounded per-word cache (like tokenizers' 10,000-entry cache) only saves
// time, it never changes results.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "quantlens/result.h"

namespace ql::detail {

struct BpeConfig {
    std::unordered_map<std::string, std::int32_t> vocab;
    std::vector<std::pair<std::string, std::string>> merges;  // rank = index
    bool ignoreMerges = false;                                // a word that is itself in vocab is emitted whole
    std::optional<std::string> unkToken;
    bool fuseUnk = false;
    bool byteFallback = false;  // unknown chars -> <0xHH> tokens when all are in vocab
    std::optional<std::string> continuingSubwordPrefix;
    std::optional<std::string> endOfWordSuffix;
};

class BpeModel {
public:
    // Errors (naming `source`) when a merge part or merge result, or unk_token, is not in vocab.
    static Result<BpeModel> build(BpeConfig config, const std::string& source);

    BpeModel(BpeModel&& other) noexcept;
    BpeModel& operator=(BpeModel&&) = delete;
    BpeModel(const BpeModel&) = delete;

    // Appends the ids of one pre-tokenized word (byte-level chars, UTF-8) to `out`.
    void tokenize(std::string_view word, std::vector<std::int32_t>& out) const;

    std::optional<std::int32_t> tokenToId(std::string_view token) const;
    const std::string* idToToken(std::int32_t id) const;
    std::size_t size() const { return m_config.vocab.size(); }
    const std::unordered_map<std::string, std::int32_t>& vocab() const { return m_config.vocab; }

private:
    BpeModel() = default;
    std::vector<std::int32_t> mergeWord(std::string_view word) const;
    std::vector<std::int32_t> initialSymbols(std::string_view word) const;

    struct MergeTarget {
        std::uint32_t rank;
        std::int32_t newId;
    };
    BpeConfig m_config;
    std::unordered_map<std::int32_t, std::string> m_vocabR;
    std::unordered_map<std::uint64_t, MergeTarget> m_merges;  // key: (left id << 32) | right id
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<std::int32_t>> m_cache;
};

}  // namespace ql::detail
