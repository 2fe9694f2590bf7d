// The malformed-input corpus (tests/corpus/<case>/case.json), library level: inspectPath on every
// case of every prefix must fail with one line containing the case's "expect", never throw. This
// file also runs in the ASan/UBSan build.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "quantlens/inspect.h"

namespace fs = std::filesystem;

namespace {

struct CorpusCase {
    std::string name;
    fs::path dir;
    nlohmann::json meta;
};

std::vector<CorpusCase> corpusCases() {
    std::vector<CorpusCase> cases;
    for (const auto& entry : fs::directory_iterator(QL_CORPUS_DIR)) {
        const fs::path meta = entry.path() / "case.json";
        if (!entry.is_directory() || !fs::exists(meta)) {
            continue;
        }
        std::ifstream in(meta);
        cases.push_back({entry.path().filename().string(), entry.path(), nlohmann::json::parse(in)});
    }
    std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return cases;
}

// "--base DIR" of the optional "args" (paths relative to the case directory).
ql::InspectOptions optionsOf(const CorpusCase& c) {
    ql::InspectOptions options;
    const auto args = c.meta.value("args", std::vector<std::string>{});
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--base") {
            options.base = c.dir / args[i + 1];
        }
    }
    return options;
}

}  // namespace

TEST(Corpus, HasTheHfCases) {
    std::size_t mine = 0;
    for (const auto& c : corpusCases()) {
        for (const char* prefix : {"cfg_", "ad_", "ts_", "dir_"}) {
            mine += c.name.starts_with(prefix) ? 1 : 0;
        }
    }
    EXPECT_GE(mine, 12u);
}

TEST(Corpus, EveryCaseFailsWithItsMessage) {
    const auto cases = corpusCases();
    ASSERT_FALSE(cases.empty());
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const fs::path target = c.dir / c.meta.at("target").get<std::string>();
        const std::string expect = c.meta.at("expect").get<std::string>();
        std::optional<ql::Result<ql::InspectReport>> result;
        EXPECT_NO_THROW(result.emplace(ql::inspectPath(target, optionsOf(c))));
        ASSERT_TRUE(result.has_value());
        ASSERT_FALSE(result->ok()) << "inspect accepted a malformed input";
        const std::string& message = result->error().message;
        EXPECT_NE(message.find(expect), std::string::npos) << "message: " << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << "message is not one line: " << message;
        EXPECT_NE(result->error().code, ql::ErrorCode::Internal) << message;
    }
}
