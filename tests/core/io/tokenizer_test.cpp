// Unit tests of ql::Tokenizer components on tiny hand-built tokenizer.json texts. Expected ids
// here follow from the definitions (huggingface/tokenizers); the bit-exactness proof against HF
// tokenizers is tests/golden/tokenizer_golden_test.cpp.
#include "quantlens/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/tokenizer_text.h"

namespace {

using Ids = std::vector<std::int32_t>;

// vocab: a b c ab bc abc Ġ, and x (unreachable by merges: for ignore_merges).
std::string tinyJson(const std::string& merges, const std::string& extra = "",
                     const std::string& model = "\"type\": \"BPE\"") {
    return R"({"version": "1.0", "added_tokens": [)" + extra + R"(], "normalizer": null,
      "pre_tokenizer": null, "post_processor": null, "decoder": {"type": "ByteLevel"},
      "model": {)" +
           model + R"(, "vocab": {"a": 0, "b": 1, "c": 2, "ab": 3, "bc": 4, "abc": 5, "Ġ": 6, "aa": 7, "xyz": 8,
      "x": 9, "y": 10, "z": 11, "\u00c3": 12, "\u00a9": 13}, "merges": )" +
           merges + "}}";
}

ql::Tokenizer mustLoad(const std::string& json) {
    auto t = ql::Tokenizer::fromJson(json, "test.json");
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
    return std::move(t).value();
}

Ids encode(const ql::Tokenizer& t, const std::string& text, bool special = false) {
    auto ids = t.encode(text, special);
    EXPECT_TRUE(ids.ok());
    return ids.ok() ? *ids : Ids{};
}

TEST(TokenizerText, ByteLevelAlphabetRoundTripsEveryByte) {
    EXPECT_EQ(ql::detail::byteToChar(0x20), U'\u0120');  // 'Ġ'
    EXPECT_EQ(ql::detail::byteToChar(0x0A), U'\u010A');  // 'Ċ'
    EXPECT_EQ(ql::detail::byteToChar('A'), U'A');
    for (int b = 0; b < 256; ++b) {
        EXPECT_EQ(ql::detail::charToByte(ql::detail::byteToChar(static_cast<std::uint8_t>(b))), b);
    }
    EXPECT_FALSE(ql::detail::charToByte(U' ').has_value());
}

TEST(TokenizerText, LossyUtf8ReplacesMaximalInvalidSubparts) {
    EXPECT_EQ(ql::detail::utf8Lossy("a\xC3"), "a\xEF\xBF\xBD");
    EXPECT_EQ(ql::detail::utf8Lossy("\xE2\x82x"), "\xEF\xBF\xBDx");  // truncated 3-byte: one U+FFFD
    EXPECT_EQ(ql::detail::utf8Lossy("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
    EXPECT_EQ(ql::detail::nfc("e\xCC\x81"), "\xC3\xA9");
}

TEST(TokenizerBpe, LowestRankMergesFirstAndLeftmostOnTies) {
    const auto t = mustLoad(tinyJson(R"([["b", "c"], ["a", "b"], ["ab", "c"], ["a", "a"]])"));
    EXPECT_EQ(encode(t, "abc"), (Ids{0, 4}));  // "b c" (rank 0) wins over "a b"
    EXPECT_EQ(encode(t, "aaa"), (Ids{7, 0}));  // leftmost "a a" first
    EXPECT_EQ(encode(t, "abab"), (Ids{3, 3}));
}

TEST(TokenizerBpe, LegacyStringMergesEqualPairMerges) {
    const auto pairs = mustLoad(tinyJson(R"([["a", "b"], ["ab", "c"]])"));
    const auto legacy = mustLoad(tinyJson(R"(["#version: 0.2", "a b", "ab c"])"));
    EXPECT_EQ(encode(pairs, "abcab"), (Ids{5, 3}));
    EXPECT_EQ(encode(legacy, "abcab"), encode(pairs, "abcab"));
}

TEST(TokenizerBpe, IgnoreMergesEmitsWholeVocabWords) {
    const auto plain = mustLoad(tinyJson("[]"));
    const auto ignore = mustLoad(tinyJson("[]", "", R"("type": "BPE", "ignore_merges": true)"));
    EXPECT_EQ(encode(plain, "xyz"), (Ids{9, 10, 11}));
    EXPECT_EQ(encode(ignore, "xyz"), (Ids{8}));
}

TEST(TokenizerAdded, SpecialTokensSplitFirstAndGetIdsAfterTheVocab) {
    const std::string added =
        R"({"id": 14, "content": "<s>", "special": true, "normalized": false, "lstrip": false, "rstrip": false, "single_word": false},
           {"id": 15, "content": "<t>", "special": false, "normalized": false, "lstrip": true, "rstrip": true, "single_word": false},
           {"id": 16, "content": "ab", "special": false, "normalized": true, "single_word": true})";
    const auto t = mustLoad(tinyJson(R"([["b", "c"]])", added));
    EXPECT_EQ(t.vocabSize(), 16);  // "ab" exists in the model vocab: it keeps id 3
    EXPECT_EQ(t.tokenToId("<s>"), 14);
    EXPECT_EQ(t.tokenToId("<t>"), 15);
    EXPECT_EQ(encode(t, "a<s>bc"), (Ids{0, 14, 4}));
    EXPECT_EQ(t.decode({0, 14, 4}, false), "a<s>bc");
    EXPECT_EQ(t.decode({0, 14, 4}, true), "abc");
    EXPECT_EQ(encode(t, "a <t> b"), (Ids{0, 15, 1}));  // lstrip/rstrip swallow the spaces
    EXPECT_EQ(encode(t, "cab"), (Ids{2, 0, 1}));       // single_word: "ab" inside a word is not matched
    EXPECT_TRUE(t.isSpecial(14));
    EXPECT_FALSE(t.isSpecial(15));
}

TEST(TokenizerPost, TemplateAddsBosOnlyWithSpecialTokens) {
    std::string json = tinyJson("[]", R"({"id": 14, "content": "<s>", "special": true, "normalized": false})");
    json.replace(
        json.find("\"post_processor\": null"), 22,
        R"("post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                    {"Sequence": {"id": "A", "type_id": 0}}], "special_tokens": {"<s>": {"id": "<s>", "ids": [14], "tokens": ["<s>"]}}})");
    const auto t = mustLoad(json);
    EXPECT_EQ(encode(t, "a", true), (Ids{14, 0}));
    EXPECT_EQ(encode(t, "a", false), (Ids{0}));
}

TEST(TokenizerDecode, ByteLevelBytesAreJoinedBeforeUtf8) {
    const auto t = mustLoad(tinyJson("[]"));
    EXPECT_EQ(t.decode({12, 13}, false), "\xC3\xA9");  // bytes C3 A9 = "é"
    EXPECT_EQ(t.decode({12}, false), "\xEF\xBF\xBD");  // a lone lead byte
    EXPECT_EQ(t.decode({6, 0, 999}, false), " a");     // unknown ids are skipped
}

TEST(TokenizerErrors, NameTheComponentOrField) {
    auto wordPiece = ql::Tokenizer::fromJson(tinyJson("[]", "", R"("type": "WordPiece")"), "t.json");
    ASSERT_FALSE(wordPiece.ok());
    EXPECT_EQ(wordPiece.error().code, ql::ErrorCode::Unsupported);
    EXPECT_NE(wordPiece.error().message.find("model type 'WordPiece'"), std::string::npos);
    EXPECT_NE(wordPiece.error().message.find("supported: BPE"), std::string::npos);

    std::string nfkc = tinyJson("[]");
    nfkc.replace(nfkc.find("\"normalizer\": null"), 18, R"("normalizer": {"type": "NFKC"})");
    auto n = ql::Tokenizer::fromJson(nfkc, "t.json");
    ASSERT_FALSE(n.ok());
    EXPECT_NE(n.error().message.find("normalizer type 'NFKC'"), std::string::npos);

    auto badMerge = ql::Tokenizer::fromJson(tinyJson(R"([["a", "q"]])"), "t.json");
    ASSERT_FALSE(badMerge.ok());
    EXPECT_NE(badMerge.error().message.find("model.merges[0]"), std::string::npos);

    auto noVocab = ql::Tokenizer::fromJson(R"({"model": {"type": "BPE", "merges": []}})", "t.json");
    ASSERT_FALSE(noVocab.ok());
    EXPECT_NE(noVocab.error().message.find("'model.vocab'"), std::string::npos);

    auto notJson = ql::Tokenizer::fromJson("{\"model\": ", "t.json");
    ASSERT_FALSE(notJson.ok());
    EXPECT_EQ(notJson.error().code, ql::ErrorCode::InvalidInput);

    auto missing = ql::Tokenizer::load("/nonexistent/dir/tokenizer.json");
    EXPECT_FALSE(missing.ok());

    const auto t = mustLoad(tinyJson("[]"));
    EXPECT_FALSE(t.encode("a\xFF", false).ok());
}

}  // namespace
