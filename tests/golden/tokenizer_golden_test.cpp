// Golden test of ql::Tokenizer against HF tokenizers 0.23.3 (tests/reference/ql_ref/tokenizer.py):
// for every variant tokenizer.json the reference trained, every test string must encode to the
// ids tokenizers produced (with and without add_special_tokens), and decode must give the same
// text (with and without skip_special_tokens); random id sequences must decode identically too.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "quantlens/tokenizer.h"

namespace {

using Json = nlohmann::json;
const std::string kDir = std::string(QL_REFERENCE_DIR) + "/tokenizer";

std::vector<Json> readJsonLines(const std::string& path) {
    std::vector<Json> rows;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) rows.push_back(Json::parse(line));
    return rows;
}

Json readIndex() {
    std::ifstream in(kDir + "/index.json");
    return in ? Json::parse(in) : Json();
}

// Counts agreements of one measure and keeps the first few differences for the failure message.
struct Tally {
    const char* what;
    std::size_t same = 0;
    std::size_t total = 0;
    std::string firstDiffs;
    void add(bool equal, const std::string& text, const std::string& got, const std::string& want) {
        ++total;
        if (equal) {
            ++same;
        } else if (total - same <= 5) {
            firstDiffs += std::string("\n  ") + what + " of " + Json(text).dump() + ": got " + got + ", want " + want;
        }
    }
    void report(const std::string& variant) const {
        std::printf("%s %s: %zu/%zu identical\n", variant.c_str(), what, same, total);
        EXPECT_EQ(same, total) << variant << " " << what << " differs:" << firstDiffs;
    }
};

std::vector<std::int32_t> ids(const Json& v) {
    return v.get<std::vector<std::int32_t>>();
}

class TokenizerGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(TokenizerGolden, EncodeAndDecodeMatchHfTokenizers) {
    const Json index = readIndex();
    ASSERT_TRUE(index.is_object()) << "no reference at " << kDir << " (run tests/reference/make_reference.py)";
    const Json* variant = nullptr;
    for (const Json& v : index["variants"]) {
        if (v["name"] == GetParam()) variant = &v;
    }
    ASSERT_NE(variant, nullptr) << "variant " << GetParam() << " missing from " << kDir << "/index.json";
    const auto tok = ql::Tokenizer::load(kDir + "/" + (*variant)["path"].get<std::string>());
    ASSERT_TRUE(tok.ok()) << tok.error().message;
    EXPECT_EQ(tok->vocabSize(), (*variant)["vocab_size"].get<std::int64_t>());

    const auto cases = readJsonLines(kDir + "/" + (*variant)["cases"].get<std::string>());
    ASSERT_EQ(cases.size(), (*variant)["count"].get<std::size_t>());
    ASSERT_GE(cases.size(), 10000u);
    Tally plain{"ids"}, special{"ids(add_special_tokens)"}, decoded{"decode"}, decodedSkip{"decode(skip_special)"};
    for (const Json& c : cases) {
        const std::string text = c["text"].get<std::string>();
        const auto a = tok->encode(text, false);
        const auto b = tok->encode(text, true);
        ASSERT_TRUE(a.ok() && b.ok()) << a.error().message;
        plain.add(*a == ids(c["ids"]), text, Json(*a).dump(), c["ids"].dump());
        special.add(*b == ids(c["ids_special"]), text, Json(*b).dump(), c["ids_special"].dump());
        const std::string d = tok->decode(ids(c["ids_special"]), false);
        const std::string ds = tok->decode(ids(c["ids_special"]), true);
        decoded.add(d == c["decoded"].get<std::string>(), text, Json(d).dump(), c["decoded"].dump());
        decodedSkip.add(ds == c["decoded_skip"].get<std::string>(), text, Json(ds).dump(), c["decoded_skip"].dump());
    }
    for (const Tally* t : {&plain, &special, &decoded, &decodedSkip}) t->report(GetParam());

    const auto decodeCases = readJsonLines(kDir + "/" + (*variant)["decode_cases"].get<std::string>());
    ASSERT_FALSE(decodeCases.empty());
    Tally randomIds{"decode of random ids"}, randomIdsSkip{"decode(skip_special) of random ids"};
    for (const Json& c : decodeCases) {
        const std::string d = tok->decode(ids(c["ids"]), false);
        const std::string ds = tok->decode(ids(c["ids"]), true);
        randomIds.add(d == c["decoded"].get<std::string>(), c["ids"].dump(), Json(d).dump(), c["decoded"].dump());
        randomIdsSkip.add(ds == c["decoded_skip"].get<std::string>(), c["ids"].dump(), Json(ds).dump(),
                          c["decoded_skip"].dump());
    }
    randomIds.report(GetParam());
    randomIdsSkip.report(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Variants, TokenizerGolden, ::testing::Values("qwen2", "qwen2_legacy", "llama3", "gpt2"),
                         [](const auto& info) { return info.param; });

}  // namespace
