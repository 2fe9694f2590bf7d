// The malformed-input corpus (tests/corpus/<case>/case.json), library level: inspectPath (or, for
// "tool": "recipe", loadRecipe) on every case of every prefix must fail with one line containing the
// case's "expect", never throw. This file also runs in the ASan/UBSan build.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "quantlens/inspect.h"
#include "quantlens/recipe.h"

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

// "--base DIR" / "--revision R" of the optional "args" (paths relative to the case directory).
ql::InspectOptions optionsOf(const CorpusCase& c) {
    ql::InspectOptions options;
    const auto args = c.meta.value("args", std::vector<std::string>{});
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--base") {
            options.base = c.dir / args[i + 1];
        }
        if (args[i] == "--revision") {
            options.revision = args[i + 1];
        }
    }
    return options;
}

// The case's "env" (values are paths relative to the case directory) for the test's lifetime.
class CaseEnvironment {
public:
    explicit CaseEnvironment(const CorpusCase& c) {
        const auto env = c.meta.value("env", nlohmann::json::object());  // items() must not outlive it
        for (const auto& [name, value] : env.items()) {
            const char* old = std::getenv(name.c_str());
            m_saved.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
            ::setenv(name.c_str(), (c.dir / value.get<std::string>()).c_str(), 1);
        }
    }
    ~CaseEnvironment() {
        for (const auto& [name, old] : m_saved) {
            if (old)
                ::setenv(name.c_str(), old->c_str(), 1);
            else
                ::unsetenv(name.c_str());
        }
    }

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> m_saved;
};

// What the case feeds its input to: inspectPath (default) or the recipe reader.
ql::Error failureOf(const CorpusCase& c) {
    const CaseEnvironment env(c);
    const std::string target = c.meta.at("target").get<std::string>();
    if (c.meta.value("tool", "inspect") == "recipe") {
        auto recipe = ql::loadRecipe((c.dir / target).string());
        return recipe.ok() ? ql::Error{ql::ErrorCode::Internal, "the recipe was accepted"} : recipe.error();
    }
    // A hub id stays as written (resolved in the case's own cache); a path is relative to the case.
    const fs::path path = c.meta.contains("env") ? fs::path(target) : c.dir / target;
    auto report = ql::inspectPath(path, optionsOf(c));
    return report.ok() ? ql::Error{ql::ErrorCode::Internal, "inspect accepted a malformed input"} : report.error();
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
        const std::string expect = c.meta.at("expect").get<std::string>();
        std::optional<ql::Error> error;
        EXPECT_NO_THROW(error.emplace(failureOf(c)));
        ASSERT_TRUE(error.has_value());
        const std::string& message = error->message;
        EXPECT_NE(message.find(expect), std::string::npos) << "message: " << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << "message is not one line: " << message;
        EXPECT_NE(error->code, ql::ErrorCode::Internal) << message;
    }
}

TEST(Corpus, HasTheInputCases) {
    std::size_t hub = 0, trainerOutput = 0, recipes = 0;
    for (const auto& c : corpusCases()) {
        hub += c.name.starts_with("hub_") ? 1 : 0;
        trainerOutput += c.name.starts_with("tout_") ? 1 : 0;
        recipes += c.name.starts_with("rc_") ? 1 : 0;
    }
    EXPECT_GE(hub, 7u);
    EXPECT_GE(trainerOutput, 2u);
    EXPECT_GE(recipes, 16u);
}
