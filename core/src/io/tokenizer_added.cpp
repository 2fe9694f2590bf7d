#include "io/tokenizer_added.h"

#include "io/tokenizer_regex.h"
#include "io/tokenizer_text.h"

namespace ql::detail {
namespace {

// The code point that ends at byte `end` of valid UTF-8 `s` (end > 0).
char32_t codePointBefore(std::string_view s, std::size_t end) {
    std::size_t b = end - 1;
    while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
    return nextCodePoint(s, b);
}

// Byte offset where the run of trailing White_Space of s[0, end) starts (regex \s*$).
std::size_t trailingSpaceStart(std::string_view s, std::size_t end) {
    while (end > 0) {
        std::size_t b = end - 1;
        while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
        std::size_t p = b;
        if (!isRustWhiteSpace(nextCodePoint(s, p))) break;
        end = b;
    }
    return end;
}

// Byte offset where the run of leading White_Space of s[begin, ...) ends (regex ^\s*).
std::size_t leadingSpaceEnd(std::string_view s, std::size_t begin) {
    while (begin < s.size()) {
        std::size_t p = begin;
        if (!isRustWhiteSpace(nextCodePoint(s, p))) break;
        begin = p;
    }
    return begin;
}

}  // namespace

void AddedVocabulary::insertIdentity(std::int32_t id, const AddedToken& token, std::string pattern) {
    const auto existing = m_map.find(token.content);
    if (existing != m_map.end()) {
        const auto it = m_byId.find(existing->second);
        if (it != m_byId.end() && it->second == token) return;  // the same token again: ignored
    }
    m_map[token.content] = id;
    if (token.special) m_special.insert(token.content);
    m_byId[id] = token;
    if (token.normalized && pattern != token.content) {
        m_normalizedForm[id] = std::move(pattern);
    } else {
        m_normalizedForm.erase(id);
    }
}

void AddedVocabulary::rebuildTries() {
    for (auto& trie : m_tries) trie.assign(1, TrieNode{});
    for (const auto& [id, token] : m_byId) {
        const auto form = m_normalizedForm.find(id);
        const std::string& pattern = token.normalized && form != m_normalizedForm.end() ? form->second : token.content;
        auto& trie = m_tries[token.normalized ? 1 : 0];
        std::int32_t node = 0;
        for (const char c : pattern) {
            const auto byte = static_cast<unsigned char>(c);
            auto it = trie[static_cast<std::size_t>(node)].next.find(byte);
            if (it == trie[static_cast<std::size_t>(node)].next.end()) {
                trie.push_back(TrieNode{});
                it = trie[static_cast<std::size_t>(node)]
                         .next.emplace(byte, static_cast<std::int32_t>(trie.size() - 1))
                         .first;
            }
            node = it->second;
        }
        trie[static_cast<std::size_t>(node)].tokenId = id;
    }
}

std::optional<std::int32_t> AddedVocabulary::tokenToId(std::string_view content) const {
    const auto it = m_map.find(std::string(content));
    if (it == m_map.end()) return std::nullopt;
    return it->second;
}

const std::string* AddedVocabulary::idToToken(std::int32_t id) const {
    const auto it = m_byId.find(id);
    if (it == m_byId.end()) return nullptr;
    const auto form = m_normalizedForm.find(id);
    return form != m_normalizedForm.end() ? &form->second : &it->second.content;
}

bool AddedVocabulary::isSpecialContent(std::string_view content) const {
    return m_special.count(std::string(content)) != 0;
}

std::optional<std::pair<std::size_t, std::int32_t>> AddedVocabulary::longestAt(const std::vector<TrieNode>& trie,
                                                                               std::string_view s,
                                                                               std::size_t pos) const {
    std::optional<std::pair<std::size_t, std::int32_t>> best;
    std::size_t node = 0;
    for (std::size_t i = pos; i < s.size(); ++i) {
        const auto it = trie[node].next.find(static_cast<unsigned char>(s[i]));
        if (it == trie[node].next.end()) break;
        node = static_cast<std::size_t>(it->second);
        if (trie[node].tokenId) best = std::make_pair(i + 1, *trie[node].tokenId);
    }
    return best;
}

std::vector<AddedSplit> AddedVocabulary::split(std::string_view s, bool normalizedSet) const {
    if (s.empty()) return {{0, 0, std::nullopt}};
    const auto& trie = m_tries[normalizedSet ? 1 : 0];
    if (trie.size() <= 1) return {{0, s.size(), std::nullopt}};
    std::vector<AddedSplit> out;
    std::size_t startOffset = 0;
    for (std::size_t pos = 0; pos < s.size();) {
        const auto found = longestAt(trie, s, pos);
        if (!found) {
            ++pos;
            continue;
        }
        std::size_t start = pos;
        std::size_t stop = found->first;
        pos = stop;  // daachorse leftmost-longest: non-overlapping, even for skipped matches
        const AddedToken& token = m_byId.at(found->second);
        if (token.singleWord) {
            const bool startSpace = start == 0 || !isRustWordChar(codePointBefore(s, start));
            std::size_t p = stop;
            const bool stopSpace = stop == s.size() || !isRustWordChar(nextCodePoint(s, p));
            if (!startSpace || !stopSpace) continue;
        }
        if (token.lstrip) start = std::max(trailingSpaceStart(s, start), startOffset);
        if (token.rstrip) stop = leadingSpaceEnd(s, stop);
        if (startOffset < start) out.push_back({startOffset, start, std::nullopt});
        out.push_back({start, stop, found->second});
        startOffset = stop;
    }
    if (startOffset != s.size()) out.push_back({startOffset, s.size(), std::nullopt});
    return out;
}

}  // namespace ql::detail
