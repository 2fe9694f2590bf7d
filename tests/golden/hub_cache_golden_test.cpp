// Hub ids resolved offline: QuantLens' cache folder and snapshot resolution against what
// huggingface_hub itself returns on the same hand-built cache (reference: ql_ref/hub_cache.py):
// snapshot_download(local_files_only=True) and try_to_load_from_cache for every (repo, revision)
// case, and constants.HF_HUB_CACHE under each environment.
#include <gtest/gtest.h>
#include <quantlens/checkpoint.h>
#include <quantlens/hub_cache.h>

#include <map>

#include "support/reference_data.h"

namespace ql {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(HubCacheGolden, SnapshotResolutionMatchesHuggingfaceHub) {
    const auto dir = test::referenceModuleDir("hub_cache", false);
    ASSERT_TRUE(dir.has_value());
    const auto doc = test::loadJsonFile(*dir / "cases.json");
    ASSERT_TRUE(doc.has_value());
    const fs::path cacheDir = *dir / doc->at("cache").get<std::string>();
    const HubCacheLocation cache{cacheDir, "test"};
    int resolved = 0, missing = 0;
    for (const auto& kase : doc->at("cases")) {
        const auto repo = kase.at("repo_id").get<std::string>();
        const auto revision = kase.at("revision").is_null() ? std::string() : kase.at("revision").get<std::string>();
        test::FieldTally t(repo + "@" + (revision.empty() ? "(default)" : revision));
        const auto got = resolveHubSnapshot(repo, revision, cache);
        const auto& expected = kase.at("snapshot_download");
        if (expected.is_null()) {
            t.equal("resolves", got.ok(), false);
            if (!got.ok()) {
                ++missing;
                t.equal("error is NotFound", got.error().code == ErrorCode::NotFound, true);
                t.equal("one line", got.error().message.find('\n') == std::string::npos, true);
                t.equal("names the download command",
                        got.error().message.find("hf download " + repo) != std::string::npos, true);
            }
        } else {
            t.equal("resolves", got.ok(), true);
            if (!got.ok()) {
                ADD_FAILURE() << got.error().message;
                continue;
            }
            ++resolved;
            t.equal("snapshot", got->snapshotDir.lexically_relative(cacheDir).string(), expected.get<std::string>());
            t.equal("commit hash = snapshot folder name", got->commitHash, got->snapshotDir.filename().string());
            // transformers' per-file lookup (try_to_load_from_cache) finds config.json in that snapshot.
            const auto& file = kase.at("try_to_load_from_cache");
            if (!file.is_null()) {
                t.equal("config.json", (got->snapshotDir / "config.json").lexically_relative(cacheDir).string(),
                        file.get<std::string>());
            }
            auto checkpoint = Checkpoint::open(got->snapshotDir);
            t.equal("snapshot opens as a checkpoint", checkpoint.ok(), true);
            if (!checkpoint.ok()) ADD_FAILURE() << checkpoint.error().message;
        }
        // Whenever huggingface_hub finds config.json, QuantLens resolves that same snapshot.
        if (!kase.at("try_to_load_from_cache").is_null()) t.equal("found by try_to_load_from_cache", got.ok(), true);
        EXPECT_GT(t.compared(), 0);
    }
    EXPECT_GE(resolved, 7);
    EXPECT_GE(missing, 5);
}

TEST(HubCacheGolden, CacheFolderMatchesHuggingfaceHubConstants) {
    const auto dir = test::referenceModuleDir("hub_cache", false);
    ASSERT_TRUE(dir.has_value());
    const auto doc = test::loadJsonFile(*dir / "env_cases.json");
    ASSERT_TRUE(doc.has_value());
    ASSERT_GE(doc->at("cases").size(), 10u);
    for (const auto& kase : doc->at("cases")) {
        std::map<std::string, std::string, std::less<>> env;
        for (const auto& [k, v] : kase.at("env").items()) env[k] = v.get<std::string>();
        const EnvLookup lookup = [&env](std::string_view name) -> std::optional<std::string> {
            const auto it = env.find(name);
            return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        EXPECT_EQ(hubCacheLocation(lookup).dir.string(), kase.at("hf_hub_cache").get<std::string>())
            << kase.at("env").dump();
    }
}

}  // namespace
}  // namespace ql
