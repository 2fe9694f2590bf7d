#include "quantlens/checkpoint.h"

#include <gtest/gtest.h>

#include <cstring>
#include <type_traits>

#include "support/safetensors_writer.h"

namespace ql {
namespace {

namespace fs = std::filesystem;
using test::buildSafetensors;
using test::TensorSpec;

static_assert(!std::is_copy_constructible_v<Checkpoint>);
static_assert(std::is_nothrow_move_constructible_v<Checkpoint>);

const TensorSpec kA{"model.a.weight", "BF16", {4, 2}, std::nullopt};
const TensorSpec kB{"model.b.weight", "F32", {3}, std::nullopt};
const TensorSpec kC{"lm_head.weight", "F16", {2, 2}, std::nullopt};

void writeShard(const fs::path& path, const std::vector<TensorSpec>& specs) {
    test::writeBytes(path, buildSafetensors(specs));
}

// A two-shard checkpoint: a, b in shard 1; c in shard 2.
void writeSharded(const fs::path& dir, const std::string& indexJson = "") {
    writeShard(dir / "model-00001-of-00002.safetensors", {kA, kB});
    writeShard(dir / "model-00002-of-00002.safetensors", {kC});
    test::writeBytes(dir / "model.safetensors.index.json",
                     indexJson.empty() ? R"({"metadata":{"total_size":52},"weight_map":{)"
                                         R"("model.a.weight":"model-00001-of-00002.safetensors",)"
                                         R"("model.b.weight":"model-00001-of-00002.safetensors",)"
                                         R"("lm_head.weight":"model-00002-of-00002.safetensors"}})"
                                       : indexJson);
}

std::string indexWith(const std::string& shardForC) {
    return R"({"weight_map":{"model.a.weight":"model-00001-of-00002.safetensors",)"
           R"("model.b.weight":"model-00001-of-00002.safetensors","lm_head.weight":")" +
           shardForC + R"("}})";
}

void expectBytes(const TensorView& view, const TensorSpec& spec) {
    const auto expected = test::patternBytes(spec);
    ASSERT_EQ(view.bytes.size(), expected.size()) << spec.name;
    EXPECT_EQ(std::memcmp(view.bytes.data(), expected.data(), expected.size()), 0) << spec.name;
}

void expectOpenError(const fs::path& path, ErrorCode code, std::initializer_list<std::string> parts) {
    auto checkpoint = Checkpoint::open(path);
    ASSERT_FALSE(checkpoint.ok()) << path;
    const std::string& message = checkpoint.error().message;
    EXPECT_EQ(checkpoint.error().code, code) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    for (const auto& part : parts) {
        EXPECT_NE(message.find(part), std::string::npos) << "missing '" << part << "' in: " << message;
    }
}

TEST(Checkpoint, SingleFileDirectory) {
    test::TempDir dir;
    writeShard(dir.path() / "model.safetensors", {kA, kB, kC});
    test::writeBytes(dir.path() / "config.json", "{}");
    auto checkpoint = Checkpoint::open(dir.path());
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().message;
    EXPECT_FALSE(checkpoint->isSharded());
    EXPECT_EQ(checkpoint->directory(), dir.path());
    ASSERT_EQ(checkpoint->tensors().size(), 3u);
    EXPECT_EQ(checkpoint->tensors()[0].info->name, "lm_head.weight");  // sorted by name
    EXPECT_EQ(checkpoint->tensors()[2].info->name, "model.b.weight");
    auto a = checkpoint->find("model.a.weight");
    ASSERT_TRUE(a.has_value());
    expectBytes(*a, kA);
    EXPECT_EQ(checkpoint->fileNameOf(*a), "model.safetensors");
    EXPECT_FALSE(checkpoint->find("model.z").has_value());
    EXPECT_EQ(checkpoint->totalBytes(), 16u + 12u + 8u);
}

TEST(Checkpoint, AdapterFileAndLoneSafetensorsInDirectory) {
    test::TempDir dir;
    writeShard(dir.path() / "adapter_model.safetensors", {kA});
    test::writeBytes(dir.path() / "adapter_config.json", "{}");
    auto byFile = Checkpoint::open(dir.path() / "adapter_model.safetensors");
    ASSERT_TRUE(byFile.ok()) << byFile.error().message;
    EXPECT_EQ(byFile->directory(), dir.path());
    EXPECT_EQ(byFile->fileNameOf(byFile->tensors()[0]), "adapter_model.safetensors");
    auto byDir = Checkpoint::open(dir.path());
    ASSERT_TRUE(byDir.ok()) << byDir.error().message;
    expectBytes(*byDir->find("model.a.weight"), kA);
}

TEST(Checkpoint, ShardedByDirectoryAndByIndexFile) {
    test::TempDir dir;
    writeSharded(dir.path());
    for (const fs::path& path : {dir.path(), dir.path() / "model.safetensors.index.json"}) {
        auto checkpoint = Checkpoint::open(path);
        ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().message;
        EXPECT_TRUE(checkpoint->isSharded());
        EXPECT_EQ(checkpoint->files().size(), 2u);
        ASSERT_EQ(checkpoint->tensors().size(), 3u);
        auto c = checkpoint->find("lm_head.weight");
        ASSERT_TRUE(c.has_value());
        EXPECT_EQ(checkpoint->fileNameOf(*c), "model-00002-of-00002.safetensors");
        expectBytes(*c, kC);
        expectBytes(*checkpoint->find("model.b.weight"), kB);
        EXPECT_EQ(checkpoint->totalBytes(), 36u);
    }
}

TEST(Checkpoint, MoveKeepsViewsValid) {
    test::TempDir dir;
    writeSharded(dir.path());
    auto opened = Checkpoint::open(dir.path());
    ASSERT_TRUE(opened.ok());
    const auto before = opened->find("model.a.weight")->bytes.data();
    Checkpoint moved = std::move(opened).value();
    auto a = moved.find("model.a.weight");
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->bytes.data(), before);
    EXPECT_EQ(moved.fileNameOf(*a), "model-00001-of-00002.safetensors");
    expectBytes(*a, kA);
}

TEST(CheckpointIndex, MissingShardAndMissingTensor) {
    test::TempDir dir;
    writeSharded(dir.path(), indexWith("model-00003-of-00002.safetensors"));
    expectOpenError(
        dir.path(), ErrorCode::NotFound,
        {"model.safetensors.index.json", "missing shard", "'lm_head.weight'", "'model-00003-of-00002.safetensors'"});
    test::TempDir dir2;
    writeSharded(dir2.path(), indexWith("model-00001-of-00002.safetensors"));
    // lm_head is listed under shard 1 but lives in shard 2 (which the index does not name):
    expectOpenError(dir2.path(), ErrorCode::NotFound, {"tensor missing from its shard", "'lm_head.weight'"});
}

TEST(CheckpointIndex, ShardTensorListedElsewhereOrNotAtAll) {
    test::TempDir dir;
    writeShard(dir.path() / "s1.safetensors", {kA, kC});
    writeShard(dir.path() / "s2.safetensors", {kC});
    test::writeBytes(dir.path() / "model.safetensors.index.json",
                     R"({"weight_map":{"model.a.weight":"s1.safetensors","lm_head.weight":"s2.safetensors"}})");
    expectOpenError(
        dir.path(), ErrorCode::InvalidInput,
        {"not where the index puts it", "'lm_head.weight'", "under 's1.safetensors'", "listed under 's2.safetensors'"});
    test::writeBytes(dir.path() / "model.safetensors.index.json",
                     R"({"weight_map":{"model.a.weight":"s1.safetensors"}})");
    expectOpenError(dir.path(), ErrorCode::InvalidInput, {"'lm_head.weight'", "got not listed"});
}

TEST(CheckpointIndex, ShardPathsMustStayInside) {
    test::TempDir root;
    const fs::path dir = root.path() / "ckpt";
    writeSharded(dir);
    writeShard(root.path() / "outside.safetensors", {kC});
    test::writeBytes(dir / "model.safetensors.index.json", indexWith("../outside.safetensors"));
    expectOpenError(dir, ErrorCode::InvalidInput,
                    {"bad shard file in weight_map", "'lm_head.weight'", "'..' component"});
    test::writeBytes(dir / "model.safetensors.index.json", indexWith((root.path() / "outside.safetensors").string()));
    expectOpenError(dir, ErrorCode::InvalidInput, {"an absolute path"});
    fs::create_symlink(root.path() / "outside.safetensors", dir / "link.safetensors");
    test::writeBytes(dir / "model.safetensors.index.json", indexWith("link.safetensors"));
    expectOpenError(dir, ErrorCode::InvalidInput, {"resolves outside the directory", "outside.safetensors"});
    test::writeBytes(dir / "model.safetensors.index.json", indexWith("model-00002-of-00002.bin"));
    expectOpenError(dir, ErrorCode::InvalidInput, {"not ending in .safetensors"});
    // A symlink that stays inside is fine.
    fs::create_symlink("model-00002-of-00002.safetensors", dir / "inner.safetensors");
    test::writeBytes(dir / "model.safetensors.index.json", indexWith("inner.safetensors"));
    auto ok = Checkpoint::open(dir);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    expectBytes(*ok->find("lm_head.weight"), kC);
}

TEST(CheckpointIndex, HubCacheSnapshotMayLinkIntoBlobs) {
    test::TempDir root;
    const fs::path repo = root.path() / "models--org--tiny";
    const fs::path snapshot = repo / "snapshots" / "abc123";
    writeShard(repo / "blobs" / "1111", {kA, kB});
    writeShard(repo / "blobs" / "2222", {kC});
    fs::create_directories(snapshot);
    fs::create_symlink("../../blobs/1111", snapshot / "model-00001-of-00002.safetensors");
    fs::create_symlink("../../blobs/2222", snapshot / "model-00002-of-00002.safetensors");
    test::writeBytes(snapshot / "model.safetensors.index.json", indexWith("model-00002-of-00002.safetensors"));
    auto checkpoint = Checkpoint::open(snapshot);
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().message;
    expectBytes(*checkpoint->find("lm_head.weight"), kC);
}

TEST(CheckpointIndex, BadIndexJson) {
    test::TempDir dir;
    writeSharded(dir.path(), "{\"weight_map\": ");
    expectOpenError(dir.path(), ErrorCode::InvalidInput, {"model.safetensors.index.json", "index is not valid JSON"});
    writeSharded(dir.path(), R"({"metadata":{}})");
    expectOpenError(dir.path(), ErrorCode::InvalidInput, {"'weight_map'", "got no weight_map"});
    writeSharded(dir.path(), R"({"weight_map":{}})");
    expectOpenError(dir.path(), ErrorCode::InvalidInput, {"got an empty object"});
    writeSharded(dir.path(), R"({"weight_map":{"a":3}})");
    expectOpenError(dir.path(), ErrorCode::InvalidInput, {"bad weight_map entry", "'a'"});
    writeSharded(dir.path(), R"({"weight_map":{"a":"s.safetensors","a":"t.safetensors"}})");
    expectOpenError(dir.path(), ErrorCode::InvalidInput, {"duplicate key 'a'"});
}

TEST(CheckpointIndex, BrokenShardIsNamed) {
    test::TempDir dir;
    writeSharded(dir.path());
    test::writeBytes(dir.path() / "model-00002-of-00002.safetensors", "short");
    expectOpenError(dir.path(), ErrorCode::InvalidInput, {"model-00002-of-00002.safetensors: file too small"});
}

TEST(CheckpointDiscovery, PickleOnlyEmptyAndOthers) {
    test::TempDir dir;
    expectOpenError(dir.path(), ErrorCode::NotFound, {"empty directory", "model.safetensors"});
    test::writeBytes(dir.path() / "config.json", "{}");
    expectOpenError(dir.path(), ErrorCode::NotFound, {"no safetensors checkpoint", "'config.json'"});
    test::writeBytes(dir.path() / "pytorch_model.bin", "\x80\x02");
    test::writeBytes(dir.path() / "consolidated.00.pth", "\x80\x02");
    expectOpenError(dir.path(), ErrorCode::Unsupported,
                    {dir.path().string(), "'pytorch_model.bin'", "'consolidated.00.pth'", "never unpickles",
                     "save_pretrained('OUT', safe_serialization=True)", "from_pretrained('" + dir.path().string()});
    expectOpenError(dir.path() / "pytorch_model.bin", ErrorCode::Unsupported, {"never unpickles"});
    expectOpenError(dir.path() / "config.json", ErrorCode::InvalidInput, {"not a checkpoint"});
    expectOpenError(dir.path() / "nothing", ErrorCode::NotFound, {"no such file or directory"});
    writeShard(dir.path() / "a.safetensors", {kA});
    writeShard(dir.path() / "b.safetensors", {kB});
    expectOpenError(dir.path(), ErrorCode::InvalidInput, {"ambiguous", "'a.safetensors'", "'b.safetensors'"});
    writeShard(dir.path() / "model.safetensors", {kC});  // model.safetensors wins
    auto ok = Checkpoint::open(dir.path());
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->tensors().size(), 1u);
}

}  // namespace
}  // namespace ql
