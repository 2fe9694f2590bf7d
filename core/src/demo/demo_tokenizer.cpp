// The demo's tokenizer.json: GPT-2 style byte-level BPE (256 byte tokens, merges learned greedily
// from a fixed English corpus, 3 special tokens), vocab_size 512 in total. Deterministic.
#include "demo/demo_tokenizer.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ql::demo {
namespace {

constexpr const char* kCorpus =
    "The quick brown fox jumps over the lazy dog. Quantization aware training keeps the model close to "
    "the weights it will be deployed with. The evaluation quantizes the model the same way as training, "
    "or the results are not comparable. A low rank adapter is trained on top of the quantized base model "
    "and merged into the weights for evaluation. The group size of the int4 quantizer and the version of "
    "the library decide how every weight is rounded. Training and evaluation should use the same recipe, "
    "the same device numerics and the same form of the adapter. The model answers questions about the "
    "weather, the time and the history of the world. Once upon a time there was a small language model "
    "that wanted to be quantized to four bits without losing its knowledge of the world.";

// GPT-2 bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 + n.
std::vector<std::string> byteChars() {
    std::vector<std::string> out(256);
    int n = 0;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        const int cp = printable ? b : 256 + n++;
        std::string s;
        if (cp < 0x80) {
            s.push_back(static_cast<char>(cp));
        } else {
            s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
        out[static_cast<std::size_t>(b)] = s;
    }
    return out;
}

// Pre-tokenization close to the GPT-2 regex: " ?letters", " ?digits", " ?punctuation".
std::vector<std::vector<std::string>> words(const std::vector<std::string>& chars) {
    std::vector<std::vector<std::string>> out;
    const std::string text = kCorpus;
    std::size_t i = 0;
    while (i < text.size()) {
        std::vector<std::string> w;
        if (text[i] == ' ') w.push_back(chars[' ']), ++i;
        const bool alpha = i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]));
        while (i < text.size() && text[i] != ' ' &&
               (alpha ? std::isalpha(static_cast<unsigned char>(text[i])) != 0
                      : !std::isalpha(static_cast<unsigned char>(text[i])))) {
            w.push_back(chars[static_cast<unsigned char>(text[i])]);
            ++i;
        }
        out.push_back(std::move(w));
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> learnMerges(std::vector<std::vector<std::string>> corpus, int count) {
    std::vector<std::pair<std::string, std::string>> merges;
    while (static_cast<int>(merges.size()) < count) {
        std::map<std::pair<std::string, std::string>, int> freq;
        for (const auto& w : corpus)
            for (std::size_t j = 0; j + 1 < w.size(); ++j) ++freq[{w[j], w[j + 1]}];
        if (freq.empty()) break;
        auto best = freq.begin();
        for (auto it = freq.begin(); it != freq.end(); ++it)
            if (it->second > best->second) best = it;  // ties: the lexicographically first pair
        const auto pair = best->first;
        merges.push_back(pair);
        for (auto& w : corpus) {
            std::vector<std::string> merged;
            for (std::size_t j = 0; j < w.size(); ++j) {
                if (j + 1 < w.size() && w[j] == pair.first && w[j + 1] == pair.second) {
                    merged.push_back(pair.first + pair.second);
                    ++j;
                } else {
                    merged.push_back(w[j]);
                }
            }
            w = std::move(merged);
        }
    }
    return merges;
}

}  // namespace

std::string tokenizerJson(int vocabSize) {
    const std::vector<std::string> chars = byteChars();
    const std::vector<std::string> specials = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};
    const int mergeCount = vocabSize - 256 - static_cast<int>(specials.size());
    auto merges = learnMerges(words(chars), mergeCount);
    nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
    for (int b = 0; b < 256; ++b) vocab[chars[static_cast<std::size_t>(b)]] = b;
    int id = 256;
    nlohmann::ordered_json mergeList = nlohmann::ordered_json::array();
    for (const auto& [a, b] : merges) {
        if (!vocab.contains(a + b)) vocab[a + b] = id++;
        mergeList.push_back(a + " " + b);
    }
    nlohmann::ordered_json added = nlohmann::ordered_json::array();
    for (const auto& s : specials) {
        added.push_back({{"id", id},
                         {"content", s},
                         {"single_word", false},
                         {"lstrip", false},
                         {"rstrip", false},
                         {"normalized", false},
                         {"special", true}});
        vocab[s] = id++;
    }
    nlohmann::ordered_json j;
    j["version"] = "1.0";
    j["truncation"] = nullptr;
    j["padding"] = nullptr;
    j["added_tokens"] = added;
    j["normalizer"] = nullptr;
    j["pre_tokenizer"] = {
        {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
    j["post_processor"] = {
        {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", true}};
    j["decoder"] = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
    j["model"] = {{"type", "BPE"},
                  {"dropout", nullptr},
                  {"unk_token", nullptr},
                  {"continuing_subword_prefix", nullptr},
                  {"end_of_word_suffix", nullptr},
                  {"fuse_unk", false},
                  {"byte_fallback", false},
                  {"ignore_merges", false},
                  {"vocab", vocab},
                  {"merges", mergeList}};
    return j.dump(1);
}

}  // namespace ql::demo
