// Where a recipe's model and adapter come from: hub ids in a hand-built Hugging Face cache, Trainer
// output folders (latest / named / best checkpoint), the base named by adapter_config.json, and the
// one-line errors when any of them is missing.
#include <gtest/gtest.h>
#include <quantlens/hub_cache.h>
#include <quantlens/recipe.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "support/safetensors_writer.h"

namespace ql {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using test::writeBytes;

const std::string kHashA = "aaaaaaaa0123456789abcdef0123456789abcdef";
const std::string kHashB = "bbbbbbbbfedcba9876543210fedcba9876543210";

// Sets an environment variable for the test's lifetime.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (m_old)
            ::setenv(m_name, m_old->c_str(), 1);
        else
            ::unsetenv(m_name);
    }

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

// models--org--name with snapshots A (main) and B (branch dev); files are links into blobs/.
void writeHubRepo(const fs::path& cache, const std::string& folder) {
    const fs::path repo = cache / folder;
    writeBytes(repo / "blobs" / "cfg", "{}");
    for (const auto& hash : {kHashA, kHashB}) {
        fs::create_directories(repo / "snapshots" / hash);
        fs::create_symlink("../../blobs/cfg", repo / "snapshots" / hash / "config.json");
    }
    writeBytes(repo / "refs" / "main", kHashA);
    writeBytes(repo / "refs" / "dev", kHashB);
}

std::string trainerState(int step, const std::string& best = "") {
    return "{\"global_step\": " + std::to_string(step) +
           ", \"log_history\": [{\"loss\": 1.5, \"step\": " + std::to_string(step) +
           "}], \"best_model_checkpoint\": " + (best.empty() ? "null" : "\"" + best + "\"") + "}";
}

void writeCheckpoint(const fs::path& dir, int step, const std::string& base, const std::string& best = "") {
    const fs::path ck = dir / ("checkpoint-" + std::to_string(step));
    writeBytes(
        ck / "adapter_config.json",
        R"({"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj"], "base_model_name_or_path": ")" +
            base + "\"}");
    writeBytes(ck / "trainer_state.json", trainerState(step, best));
}

TEST(RecipeSources, HubIdResolvesToTheCachedSnapshot) {
    TempDir dir;
    writeHubRepo(dir.path() / "hub", "models--ql-org--tiny");
    ScopedEnv env("HF_HUB_CACHE", (dir.path() / "hub").string());
    auto r = parseRecipe("model: ql-org/tiny\n", (dir.path() / "train.yaml").string());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->modelDir, (dir.path() / "hub" / "models--ql-org--tiny" / "snapshots" / kHashA).string());
    EXPECT_EQ(r->modelSource.hubRepoId, "ql-org/tiny");
    EXPECT_EQ(r->modelSource.hubRevision, "main");
    EXPECT_EQ(r->modelSource.hubCommit, kHashA);
    EXPECT_NE(r->modelSource.hubCache.find("HF_HUB_CACHE"), std::string::npos);
    EXPECT_EQ(r->modelSource.origin, "recipe");

    auto dev = parseRecipe("model: ql-org/tiny\nrevision: dev\n", (dir.path() / "t.yaml").string());
    ASSERT_TRUE(dev.ok()) << dev.error().message;
    EXPECT_EQ(dev->modelSource.hubCommit, kHashB);
    auto pinned = parseRecipe("model: ql-org/tiny\nrevision: " + kHashB + "\n", (dir.path() / "t.yaml").string());
    ASSERT_TRUE(pinned.ok()) << pinned.error().message;
    EXPECT_EQ(fs::path(pinned->modelDir).filename(), kHashB);
}

TEST(RecipeSources, MissingHubModelNamesTheCacheAndTheDownloadCommand) {
    TempDir dir;
    ScopedEnv env("HF_HUB_CACHE", (dir.path() / "hub").string());
    auto r = parseRecipe("model: Qwen/Qwen3-4B\n", (dir.path() / "train.yaml").string());
    ASSERT_FALSE(r.ok());
    const auto& m = r.error().message;
    EXPECT_EQ(r.error().code, ErrorCode::NotFound);
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    EXPECT_NE(m.find("train.yaml.model"), std::string::npos) << m;
    EXPECT_NE(m.find((dir.path() / "hub").string()), std::string::npos) << m;
    EXPECT_NE(m.find("hf download Qwen/Qwen3-4B"), std::string::npos) << m;
    EXPECT_NE(m.find("huggingface-cli download Qwen/Qwen3-4B"), std::string::npos) << m;

    writeHubRepo(dir.path() / "hub", "models--Qwen--Qwen3-4B");
    auto rev = parseRecipe("model: Qwen/Qwen3-4B\nrevision: v2\n", (dir.path() / "train.yaml").string());
    ASSERT_FALSE(rev.ok());
    EXPECT_NE(rev.error().message.find("cached refs: dev, main"), std::string::npos) << rev.error().message;
    EXPECT_NE(rev.error().message.find("--revision v2"), std::string::npos) << rev.error().message;
}

TEST(RecipeSources, FolderWinsOverHubIdAndRevisionNeedsAHubId) {
    TempDir dir;
    fs::create_directories(dir.path() / "Qwen" / "Qwen3-4B");
    auto r = parseRecipe("model: Qwen/Qwen3-4B\n", (dir.path() / "t.yaml").string());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->modelDir, (dir.path() / "Qwen" / "Qwen3-4B").string());
    EXPECT_TRUE(r->modelSource.hubRepoId.empty());
    auto bad = parseRecipe("model: Qwen/Qwen3-4B\nrevision: main\n", (dir.path() / "t.yaml").string());
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("t.yaml.model: revision 'main' applies to hub ids only"), std::string::npos)
        << bad.error().message;
    // A bare name is a relative folder, never a hub id (a missing one fails when the model is opened).
    auto bare = parseRecipe("model: tiny\n", (dir.path() / "t.yaml").string());
    ASSERT_TRUE(bare.ok());
    EXPECT_EQ(bare->modelDir, (dir.path() / "tiny").string());
}

TEST(RecipeSources, TrainerOutputFolderTakesTheLatestCheckpoint) {
    TempDir dir;
    for (int step : {5, 100, 20}) writeCheckpoint(dir.path() / "run", step, "../../base");
    fs::create_directories(dir.path() / "run" / "checkpoint-x");  // not checkpoint-<digits>
    writeBytes(dir.path() / "run" / "checkpoint-999", "a file, not a folder");
    auto r = parseRecipe("model: m\nadapter: {path: run}\n", (dir.path() / "t.yaml").string());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->adapter->path, (dir.path() / "run" / "checkpoint-100").string());
    EXPECT_EQ(r->adapter->requestedPath, "run");
    ASSERT_TRUE(r->adapter->checkpoint.has_value());
    EXPECT_EQ(r->adapter->checkpoint->step, 100);
    EXPECT_EQ(r->adapter->checkpoint->available, (std::vector<std::int64_t>{5, 20, 100}));
    EXPECT_NE(r->adapter->checkpoint->rule.find("latest by global step"), std::string::npos);
    EXPECT_EQ(r->adapter->globalStep, 100);

    auto named = parseRecipe("model: m\nadapter: {path: run, checkpoint: 20}\n", (dir.path() / "t.yaml").string());
    ASSERT_TRUE(named.ok()) << named.error().message;
    EXPECT_EQ(named->adapter->checkpoint->step, 20);
    EXPECT_EQ(named->adapter->checkpoint->rule, "checkpoint: 20 in the recipe");

    auto missing = parseRecipe("model: m\nadapter: {path: run, checkpoint: 7}\n", (dir.path() / "t.yaml").string());
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("has no checkpoint-7 (found: 5, 20, 100)"), std::string::npos)
        << missing.error().message;
    auto word = parseRecipe("model: m\nadapter: {path: run, checkpoint: newest}\n", (dir.path() / "t.yaml").string());
    ASSERT_FALSE(word.ok());
    EXPECT_NE(word.error().message.find("t.yaml.adapter.checkpoint: expected a checkpoint number"), std::string::npos)
        << word.error().message;
}

TEST(RecipeSources, BestCheckpointComesFromTrainerState) {
    TempDir dir;
    writeCheckpoint(dir.path() / "run", 10, "b");
    writeCheckpoint(dir.path() / "run", 30, "b", "outputs/run/checkpoint-10");
    auto r = parseRecipe("model: m\nadapter: {path: run, checkpoint: best}\n", (dir.path() / "t.yaml").string());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->adapter->checkpoint->step, 10);
    EXPECT_EQ(r->adapter->globalStep, 10);
}

TEST(RecipeSources, FolderWithoutAdapterOrCheckpointsIsOneLineError) {
    TempDir dir;
    fs::create_directories(dir.path() / "outputs" / "logs");
    auto r = parseRecipe("model: m\nadapter: {path: outputs}\n", (dir.path() / "t.yaml").string());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::InvalidInput);
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    EXPECT_NE(r.error().message.find("expected a PEFT adapter folder (adapter_config.json) or a Trainer output folder"),
              std::string::npos)
        << r.error().message;
}

TEST(RecipeSources, AdapterFolderNextToCheckpointsIsTheAdapter) {
    TempDir dir;
    writeCheckpoint(dir.path() / "run", 10, "b");
    writeBytes(dir.path() / "run" / "adapter_config.json",
               R"({"peft_type": "LORA", "r": 8, "target_modules": ["q_proj"]})");
    auto r = parseRecipe("model: m\nadapter: {path: run}\n", (dir.path() / "t.yaml").string());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->adapter->path, (dir.path() / "run").string());
    EXPECT_FALSE(r->adapter->checkpoint.has_value());
}

TEST(RecipeSources, BaseModelFromAdapterConfig) {
    TempDir dir;
    fs::create_directories(dir.path() / "base");
    writeCheckpoint(dir.path() / "run", 10, "../../base");
    auto r = parseRecipe("adapter: {path: run}\n", (dir.path() / "t.yaml").string());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->modelDir, (dir.path() / "base").string());
    EXPECT_EQ(r->modelSource.requested, "../../base");
    EXPECT_NE(r->modelSource.origin.find("adapter_config.json base_model_name_or_path"), std::string::npos);

    writeCheckpoint(dir.path() / "abs", 1, (dir.path() / "base").string());
    auto abs = parseRecipe("adapter: {path: abs}\n", (dir.path() / "t.yaml").string());
    ASSERT_TRUE(abs.ok()) << abs.error().message;
    EXPECT_EQ(abs->modelDir, (dir.path() / "base").string());

    writeHubRepo(dir.path() / "hub", "models--ql-org--base");
    ScopedEnv env("HF_HUB_CACHE", (dir.path() / "hub").string());
    writeCheckpoint(dir.path() / "hubrun", 1, "ql-org/base");
    auto hub = parseRecipe("adapter: {path: hubrun}\n", (dir.path() / "t.yaml").string());
    ASSERT_TRUE(hub.ok()) << hub.error().message;
    EXPECT_EQ(hub->modelSource.hubCommit, kHashA);

    writeCheckpoint(dir.path() / "gone", 1, "/no/such/base");
    auto gone = parseRecipe("adapter: {path: gone}\n", (dir.path() / "t.yaml").string());
    ASSERT_FALSE(gone.ok());
    EXPECT_NE(
        gone.error().message.find("base_model_name_or_path '/no/such/base': no such folder; add model: to the recipe"),
        std::string::npos)
        << gone.error().message;
    writeCheckpoint(dir.path() / "nothere", 1, "ql-org/not-cached");
    auto notCached = parseRecipe("adapter: {path: nothere}\n", (dir.path() / "t.yaml").string());
    ASSERT_FALSE(notCached.ok());
    EXPECT_NE(notCached.error().message.find("hf download ql-org/not-cached"), std::string::npos)
        << notCached.error().message;
}

// The recipe fuzzer's first finding: yaml-cpp's message for this input ends in a raw line break.
constexpr char kYamlLineBreakBytes[] =
    "model: .>/models/\xff\xff\xff\xff\xff\xff\xff\xfftinyb\x00\nfig=IntxFakeQuantizeCo~fig(dtype=t"
    "                                    orch.int4, granulari\x00\x00\x02\x00\x00\x00\x00PerGroup(gr "
    "choose_qparrm: merged}\ndtype: bfloa\n";
const std::string kYamlLineBreakInMessage(kYamlLineBreakBytes, sizeof kYamlLineBreakBytes - 1);

TEST(RecipeSources, ErrorsQuotingUserTextStayOneLine) {
    auto yaml = parseRecipe(kYamlLineBreakInMessage, "/r/t.yaml");
    ASSERT_FALSE(yaml.ok());
    EXPECT_EQ(yaml.error().message.find('\n'), std::string::npos) << yaml.error().message;
    EXPECT_NE(yaml.error().message.find("/r/t.yaml: YAML error at line"), std::string::npos) << yaml.error().message;
    auto field = parseRecipe("model: m\nquantization: {scheme: \"int4\\nweight\"}\n", "/r/t.yaml");
    ASSERT_FALSE(field.ok());
    EXPECT_EQ(field.error().message.find('\n'), std::string::npos) << field.error().message;
    EXPECT_NE(field.error().message.find("unknown value 'int4\\nweight'"), std::string::npos) << field.error().message;
}

TEST(HubCache, RepoIdShapeAndSafeRevisions) {
    EXPECT_TRUE(looksLikeHubRepoId("Qwen/Qwen3-4B"));
    EXPECT_TRUE(looksLikeHubRepoId("meta-llama/Llama-3.1-8B-Instruct"));
    EXPECT_TRUE(looksLikeHubRepoId("gpt2"));
    for (const char* bad : {"", "../models/x", "a/b/c", "/abs/x", "org/-x", "org/x.", "org--x/y", "a b/c", "./x"}) {
        EXPECT_FALSE(looksLikeHubRepoId(bad)) << bad;
    }
    EXPECT_TRUE(isSafeHubRevision("main"));
    EXPECT_TRUE(isSafeHubRevision("refs/pr/1"));
    for (const char* bad : {"", "../../etc", "/abs", "a/../b", "x\ny", "dir/"})
        EXPECT_FALSE(isSafeHubRevision(bad)) << bad;
}

}  // namespace
}  // namespace ql
