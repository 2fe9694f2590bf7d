#include "io/tokenizer_bpe.h"

#include <cstdio>
#include <queue>

#include "io/tokenizer_text.h"

namespace ql::detail {
namespace {

constexpr std::size_t kCacheCapacity = 10000;    // tokenizers' DEFAULT_CACHE_CAPACITY
constexpr std::size_t kCacheMaxWordBytes = 256;  // tokenizers' MAX_LENGTH

std::uint64_t pairKey(std::int32_t a, std::int32_t b) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
}

// word.rs Symbol: a live symbol has len > 0; prev/next link the live ones.
struct Symbol {
    std::int32_t id;
    std::int64_t prev;
    std::int64_t next;
    std::size_t len;
};

// word.rs Merge: a min-heap on rank, then position.
struct Merge {
    std::size_t pos;
    std::uint32_t rank;
    std::int32_t newId;
    bool operator>(const Merge& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
};

}  // namespace

Result<BpeModel> BpeModel::build(BpeConfig config, const std::string& source) {
    BpeModel m;
    for (const auto& [token, id] : config.vocab) m.m_vocabR.emplace(id, token);
    const std::size_t prefixLen = config.continuingSubwordPrefix ? config.continuingSubwordPrefix->size() : 0;
    for (std::size_t i = 0; i < config.merges.size(); ++i) {
        const auto& [a, b] = config.merges[i];
        const auto ia = config.vocab.find(a);
        const auto ib = config.vocab.find(b);
        const std::string merged = a + (b.size() >= prefixLen ? b.substr(prefixLen) : std::string());
        const auto im = config.vocab.find(merged);
        const std::string* missing = ia == config.vocab.end()   ? &a
                                     : ib == config.vocab.end() ? &b
                                     : im == config.vocab.end() ? &merged
                                                                : nullptr;
        if (missing != nullptr) {
            return makeError(ErrorCode::InvalidInput, source + ": field 'model.merges[" + std::to_string(i) +
                                                          "]': token '" + *missing + "' is not in model.vocab");
        }
        m.m_merges[pairKey(ia->second, ib->second)] = {static_cast<std::uint32_t>(i), im->second};  // last wins
    }
    if (config.unkToken && config.vocab.count(*config.unkToken) == 0) {
        return makeError(ErrorCode::InvalidInput,
                         source + ": field 'model.unk_token': '" + *config.unkToken + "' is not in model.vocab");
    }
    m.m_config = std::move(config);
    return m;
}

BpeModel::BpeModel(BpeModel&& other) noexcept
    : m_config(std::move(other.m_config)), m_vocabR(std::move(other.m_vocabR)), m_merges(std::move(other.m_merges)) {}

std::optional<std::int32_t> BpeModel::tokenToId(std::string_view token) const {
    const auto it = m_config.vocab.find(std::string(token));
    if (it == m_config.vocab.end()) return std::nullopt;
    return it->second;
}

const std::string* BpeModel::idToToken(std::int32_t id) const {
    const auto it = m_vocabR.find(id);
    return it == m_vocabR.end() ? nullptr : &it->second;
}

void BpeModel::tokenize(std::string_view word, std::vector<std::int32_t>& out) const {
    if (word.empty()) return;
    if (m_config.ignoreMerges) {
        if (const auto id = tokenToId(word)) {
            out.push_back(*id);
            return;
        }
    }
    const std::string key(word);
    {
        std::lock_guard<std::mutex> lock(m_cacheMutex);
        const auto it = m_cache.find(key);
        if (it != m_cache.end()) {
            out.insert(out.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<std::int32_t> ids = mergeWord(word);
    out.insert(out.end(), ids.begin(), ids.end());
    std::lock_guard<std::mutex> lock(m_cacheMutex);
    if (word.size() < kCacheMaxWordBytes && m_cache.size() < kCacheCapacity) m_cache.emplace(key, std::move(ids));
}

// model.rs merge_word, first half: one symbol per char (prefix/suffix, byte fallback, unk).
std::vector<std::int32_t> BpeModel::initialSymbols(std::string_view w) const {
    std::vector<std::int32_t> ids;
    std::int32_t unk = -1;  // a pending unk_token id, -1 when none
    for (std::size_t i = 0; i < w.size();) {
        const std::size_t n = utf8Length(static_cast<unsigned char>(w[i]));
        std::string s(w.substr(i, n));
        if (i > 0 && m_config.continuingSubwordPrefix) s = *m_config.continuingSubwordPrefix + s;
        i += n;
        if (i >= w.size() && m_config.endOfWordSuffix) s += *m_config.endOfWordSuffix;
        if (const auto id = tokenToId(s)) {
            if (unk >= 0) ids.push_back(unk);
            unk = -1;
            ids.push_back(*id);
            continue;
        }
        if (m_config.byteFallback) {
            std::vector<std::int32_t> bytes;
            for (const char c : s) {
                char name[8];
                std::snprintf(name, sizeof name, "<0x%02X>", static_cast<unsigned char>(c));
                if (const auto id = tokenToId(name))
                    bytes.push_back(*id);
                else {
                    bytes.clear();
                    break;
                }
            }
            if (!bytes.empty()) {
                ids.insert(ids.end(), bytes.begin(), bytes.end());
                continue;
            }
        }
        if (m_config.unkToken) {
            if (unk >= 0 && !m_config.fuseUnk) ids.push_back(unk);
            unk = m_config.vocab.at(*m_config.unkToken);
        }
    }
    if (unk >= 0) ids.push_back(unk);
    return ids;
}

// word.rs merge_all without dropout.
std::vector<std::int32_t> BpeModel::mergeWord(std::string_view word) const {
    const std::vector<std::int32_t> initial = initialSymbols(word);
    std::vector<Symbol> sym;
    sym.reserve(initial.size());
    for (std::size_t i = 0; i < initial.size(); ++i) {
        sym.push_back({initial[i], static_cast<std::int64_t>(i) - 1,
                       i + 1 < initial.size() ? static_cast<std::int64_t>(i + 1) : -1, 1});
    }
    std::priority_queue<Merge, std::vector<Merge>, std::greater<Merge>> queue;
    auto push = [&](std::size_t pos, std::int32_t a, std::int32_t b) {
        const auto it = m_merges.find(pairKey(a, b));
        if (it != m_merges.end()) queue.push({pos, it->second.rank, it->second.newId});
    };
    for (std::size_t i = 0; i + 1 < sym.size(); ++i) push(i, sym[i].id, sym[i + 1].id);
    while (!queue.empty()) {
        const Merge top = queue.top();
        queue.pop();
        Symbol& cur = sym[top.pos];
        if (cur.len == 0 || cur.next == -1) continue;
        const Symbol right = sym[static_cast<std::size_t>(cur.next)];
        const auto it = m_merges.find(pairKey(cur.id, right.id));
        if (it == m_merges.end() || it->second.newId != top.newId) continue;  // stale entry
        sym[static_cast<std::size_t>(cur.next)].len = 0;
        cur.id = top.newId;
        cur.len += right.len;
        cur.next = right.next;
        if (right.next >= 0) sym[static_cast<std::size_t>(right.next)].prev = static_cast<std::int64_t>(top.pos);
        if (cur.prev >= 0) push(static_cast<std::size_t>(cur.prev), sym[static_cast<std::size_t>(cur.prev)].id, cur.id);
        if (cur.next >= 0) push(top.pos, cur.id, sym[static_cast<std::size_t>(cur.next)].id);
    }
    std::vector<std::int32_t> ids;
    for (const Symbol& s : sym) {
        if (s.len != 0) ids.push_back(s.id);
    }
    return ids;
}

}  // namespace ql::detail
