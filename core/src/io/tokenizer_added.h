// Added tokens of tokenizer.json, a port of tokenizers' tokenizer/added_vocabulary.rs: id
// assignment on load, and the split of a text into added-token matches (leftmost-longest, with
// single_word / lstrip / rstrip) and the gaps between them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ql::detail {

struct AddedToken {
    std::string content;
    bool singleWord = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = true;
    bool special = false;
    bool operator==(const AddedToken&) const = default;
};

// One piece of a split: [begin, end) bytes; `id` set when the piece is an added token.
struct AddedSplit {
    std::size_t begin;
    std::size_t end;
    std::optional<std::int32_t> id;
};

class AddedVocabulary {
public:
    // Adds `tokens` in order as tokenizers' add_tokens does (one call): an existing content
    // (added or in the model, found by `modelId`) keeps its id; new ones get ids from
    // `modelSize` on. `normalize` maps a normalized token's content to the form matched in
    // normalized text (identity without a normalizer). Returns the ids in list order.
    template <typename ModelId, typename Normalize>
    std::vector<std::int32_t> add(const std::vector<AddedToken>& tokens, std::size_t modelSize, ModelId modelId,
                                  Normalize normalize);

    std::optional<std::int32_t> tokenToId(std::string_view content) const;
    // The content (normalized form for normalized tokens, like simple_id_to_token).
    const std::string* idToToken(std::int32_t id) const;
    bool isSpecialContent(std::string_view content) const;
    const std::unordered_map<std::string, std::int32_t>& contents() const { return m_map; }

    // find_matches of `sentence` against non-normalized (`normalizedSet` false) or normalized tokens.
    std::vector<AddedSplit> split(std::string_view sentence, bool normalizedSet) const;

private:
    struct TrieNode {
        std::map<unsigned char, std::int32_t> next;
        std::optional<std::int32_t> tokenId;
    };
    void insertIdentity(std::int32_t id, const AddedToken& token, std::string pattern);
    void rebuildTries();
    std::optional<std::pair<std::size_t, std::int32_t>> longestAt(const std::vector<TrieNode>& trie, std::string_view s,
                                                                  std::size_t pos) const;

    std::unordered_map<std::string, std::int32_t> m_map;             // content -> id
    std::map<std::int32_t, AddedToken> m_byId;                       // id -> token
    std::unordered_map<std::int32_t, std::string> m_normalizedForm;  // id -> normalized content
    std::unordered_set<std::string> m_special;
    std::vector<TrieNode> m_tries[2];  // [0] non-normalized, [1] normalized
};

template <typename ModelId, typename Normalize>
std::vector<std::int32_t> AddedVocabulary::add(const std::vector<AddedToken>& tokens, std::size_t modelSize,
                                               ModelId modelId, Normalize normalize) {
    auto nextId = static_cast<std::int32_t>(modelSize);
    if (!m_byId.empty() && (m_byId.rbegin()->first >= nextId || modelSize == 0)) nextId = m_byId.rbegin()->first + 1;
    std::vector<std::int32_t> ids;
    for (const AddedToken& t : tokens) {
        if (t.content.empty()) {
            ids.push_back(-1);
            continue;
        }
        std::optional<std::int32_t> id = tokenToId(t.content);
        if (!id) id = modelId(t.content);
        if (!id) id = nextId++;
        ids.push_back(*id);
        insertIdentity(*id, t, t.normalized ? normalize(t.content) : t.content);
    }
    rebuildTries();
    return ids;
}

}  // namespace ql::detail
