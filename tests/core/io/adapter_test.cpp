// PEFT LoRA adapters: adapter_config.json rules (PEFT 0.21 get_pattern_key /
// check_target_module_exists), key mapping, shape checks, base checks.
#include "quantlens/adapter.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/safetensors_writer.h"

namespace {

using ql::test::TensorSpec;

ql::LoraConfig config(const std::string& text) {
    auto r = ql::parseLoraConfig(text, "adapter_config.json");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : ql::LoraConfig{};
}

TEST(LoraConfig, PatternsFirstMatchInJsonOrder) {
    // "q_proj" is listed before the regex that also matches it: PEFT takes the first key.
    const auto c = config(R"({"peft_type": "LORA", "r": 8, "lora_alpha": 16,
        "rank_pattern": {"q_proj": 4, "model.layers.1.self_attn.*": 2},
        "alpha_pattern": {"layers\\.1\\..*v_proj": 3}})");
    EXPECT_EQ(c.rankFor("model.layers.1.self_attn.q_proj"), 4);
    EXPECT_EQ(c.rankFor("model.layers.1.self_attn.k_proj"), 2);
    EXPECT_EQ(c.rankFor("model.layers.0.self_attn.k_proj"), 8);
    // "(.*\.)?(k)$": a key must match whole dot-separated components at the end.
    EXPECT_EQ(c.rankFor("model.layers.0.self_attn.xq_proj"), 8);
    EXPECT_EQ(c.alphaFor("model.layers.1.self_attn.v_proj"), 3.0);
    EXPECT_EQ(c.alphaFor("model.layers.0.self_attn.v_proj"), 16.0);
    EXPECT_EQ(c.scalingFor("model.layers.0.mlp.up_proj"), 16.0 / 8.0);
    EXPECT_EQ(c.scalingFor("model.layers.1.self_attn.v_proj"), 3.0 / 2.0);
}

TEST(LoraConfig, Rslora) {
    const auto c = config(R"({"peft_type": "LORA", "r": 16, "lora_alpha": 8, "use_rslora": true})");
    EXPECT_EQ(c.scalingFor("x"), 8.0 / std::sqrt(16.0));
}

TEST(LoraConfig, Targets) {
    const auto list = config(R"({"peft_type": "LORA", "target_modules": ["q_proj", "v_proj"],
        "layers_to_transform": [1], "modules_to_save": ["lm_head"]})");
    EXPECT_TRUE(list.targets("model.layers.1.self_attn.q_proj"));
    EXPECT_FALSE(list.targets("model.layers.0.self_attn.q_proj"));
    EXPECT_FALSE(list.targets("model.layers.1.self_attn.k_proj"));
    const auto regex = config(R"({"peft_type": "LORA", "target_modules": ".*\\.(q|v)_proj"})");
    EXPECT_TRUE(regex.targets("model.layers.3.self_attn.v_proj"));
    EXPECT_FALSE(regex.targets("model.layers.3.self_attn.v_proj.x"));
    const auto all = config(R"({"peft_type": "LORA", "target_modules": "all-linear"})");
    EXPECT_TRUE(all.targetAllLinear);
    EXPECT_FALSE(all.targets("lm_head"));
}

TEST(LoraConfig, Errors) {
    const auto error = [](const char* text) {
        auto r = ql::parseLoraConfig(text, "adapter_config.json");
        return r.ok() ? std::string() : r.error().message;
    };
    EXPECT_NE(error(R"({"peft_type": "LOHA"})").find("peft_type 'LOHA' is not supported"), std::string::npos);
    EXPECT_NE(error(R"({"r": 4})").find("missing required field 'peft_type'"), std::string::npos);
    EXPECT_NE(error(R"({"peft_type": "LORA", "r": 0})").find("field 'r': expected a positive integer"),
              std::string::npos);
    EXPECT_NE(error(R"({"peft_type": "LORA", "r": "8"})").find("field 'r': expected an integer"), std::string::npos);
    EXPECT_NE(error(R"j({"peft_type": "LORA", "target_modules": "(q_proj"})j").find("field 'target_modules'"),
              std::string::npos);
    // Python re syntax that ECMAScript lacks (named groups) is accepted, as PEFT accepts it.
    EXPECT_EQ(error(R"j({"peft_type": "LORA", "target_modules": "(?P<x>q)_proj"})j"), "");
    EXPECT_NE(
        error(R"({"peft_type": "LORA", "layer_replication": [[0, 1]]})").find("'layer_replication' is not supported"),
        std::string::npos);
    EXPECT_NE(
        error(R"({"peft_type": "LORA", "trainable_token_indices": [5, 7]})")
            .find("'trainable_token_indices' is not supported (expected null): embedding rows retrained and stored "
                  "in the adapter"),
        std::string::npos);
}

struct AdapterFixture : ::testing::Test {
    ql::test::TempDir tmp;
    void write(const std::string& cfg, const std::vector<TensorSpec>& tensors) {
        ql::test::writeBytes(tmp.path() / "adapter_config.json", cfg);
        ql::test::writeBytes(tmp.path() / "adapter_model.safetensors", ql::test::buildSafetensors(tensors));
    }
};

const char* kCfg = R"({"peft_type": "LORA", "r": 4, "lora_alpha": 8, "rank_pattern": {"k_proj": 2}})";

TEST_F(AdapterFixture, MapsKeysToModules) {
    write(kCfg, {{"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", "F32", {4, 16}, {}},
                 {"base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", "F32", {32, 4}, {}},
                 {"model.layers.0.self_attn.k_proj.lora_A.default.weight", "BF16", {2, 16}, {}},
                 {"model.layers.0.self_attn.k_proj.lora_B.default.weight", "BF16", {8, 2}, {}},
                 {"base_model.model.lm_head.weight", "F32", {10, 16}, {}}});
    auto a = ql::openLoraAdapter(tmp.path());
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_EQ(a->modules.size(), 2u);
    const auto& k = a->modules[0];
    EXPECT_EQ(k.name, "model.layers.0.self_attn.k_proj");
    EXPECT_EQ(k.rank, 2);
    EXPECT_EQ(k.scaling, 4.0);
    EXPECT_EQ(k.dtype, ql::DType::BF16);
    const auto& q = a->modules[1];
    EXPECT_EQ(q.inFeatures, 16);
    EXPECT_EQ(q.outFeatures, 32);
    EXPECT_EQ(q.scaling, 2.0);
    ASSERT_EQ(a->extras.size(), 1u);
    EXPECT_EQ(a->extras[0].baseName, "lm_head.weight");

    std::vector<ql::ParameterShape> base{{"model.layers.0.self_attn.q_proj.weight", {32, 16}},
                                         {"model.layers.0.self_attn.k_proj.weight", {8, 16}},
                                         {"lm_head.weight", {10, 16}}};
    EXPECT_TRUE(ql::checkAdapterAgainstBase(*a, base).ok());
    base[0].shape = {32, 24};
    auto bad = ql::checkAdapterAgainstBase(*a, base);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("module 'model.layers.0.self_attn.q_proj'"), std::string::npos);
    base.erase(base.begin() + 1);
    base[0].shape = {32, 16};
    auto missing = ql::checkAdapterAgainstBase(*a, base);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("no module(s) model.layers.0.self_attn.k_proj"), std::string::npos);
}

// A LoRA on lm_head of a base that ties it to embed_tokens (no lm_head.weight) is refused by name.
TEST_F(AdapterFixture, LoraOnATiedLmHeadIsRefused) {
    write(R"({"peft_type": "LORA", "r": 4, "lora_alpha": 8})",
          {{"base_model.model.lm_head.lora_A.weight", "F32", {4, 16}, {}},
           {"base_model.model.lm_head.lora_B.weight", "F32", {10, 4}, {}}});
    auto a = ql::openLoraAdapter(tmp.path());
    ASSERT_TRUE(a.ok()) << a.error().message;
    const std::vector<ql::ParameterShape> tied{{"model.embed_tokens.weight", {10, 16}}};
    auto refused = ql::checkAdapterAgainstBase(*a, tied);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ql::ErrorCode::Unsupported);
    EXPECT_NE(
        refused.error().message.find("the adapter adapts lm_head, which this base model ties to model.embed_tokens"),
        std::string::npos)
        << refused.error().message;
    const std::vector<ql::ParameterShape> untied{{"model.embed_tokens.weight", {10, 16}}, {"lm_head.weight", {10, 16}}};
    EXPECT_TRUE(ql::checkAdapterAgainstBase(*a, untied).ok());
}

TEST_F(AdapterFixture, ShapeErrors) {
    write(kCfg, {{"base_model.model.m.q_proj.lora_A.weight", "F32", {4, 16}, {}},
                 {"base_model.model.m.q_proj.lora_B.weight", "F32", {32, 3}, {}}});
    auto a = ql::openLoraAdapter(tmp.path());
    ASSERT_FALSE(a.ok());
    EXPECT_NE(a.error().message.find(
                  "'base_model.model.m.q_proj.lora_B.weight': expected lora_B of shape [out_features, r] with r = 4"),
              std::string::npos)
        << a.error().message;

    write(kCfg, {{"base_model.model.m.q_proj.lora_A.weight", "F32", {4, 16}, {}}});
    a = ql::openLoraAdapter(tmp.path());
    ASSERT_FALSE(a.ok());
    EXPECT_NE(a.error().message.find("lora_B is missing"), std::string::npos);

    write(kCfg, {{"base_model.model.m.q_proj.lora_A.x.y.weight", "F32", {4, 16}, {}}});
    a = ql::openLoraAdapter(tmp.path());
    ASSERT_FALSE(a.ok());
    EXPECT_NE(a.error().message.find("unknown LoRA key form"), std::string::npos);
}

TEST_F(AdapterFixture, DoraMagnitude) {
    write(R"({"peft_type": "LORA", "r": 2, "lora_alpha": 2, "use_dora": true})",
          {{"base_model.model.m.lora_A.weight", "F32", {2, 4}, {}},
           {"base_model.model.m.lora_B.weight", "F32", {6, 2}, {}},
           {"base_model.model.m.lora_magnitude_vector", "F32", {6}, {}}});
    auto a = ql::openLoraAdapter(tmp.path());
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->modules[0].magnitudeKey, "base_model.model.m.lora_magnitude_vector");
}

TEST_F(AdapterFixture, PickleOnlyIsRefused) {
    ql::test::writeBytes(tmp.path() / "adapter_config.json", kCfg);
    ql::test::writeBytes(tmp.path() / "adapter_model.bin", "not a pickle");
    auto a = ql::openLoraAdapter(tmp.path());
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().code, ql::ErrorCode::Unsupported);
    EXPECT_NE(a.error().message.find("never unpickled"), std::string::npos);
}

// Found by the adapter_config fuzzer: a rank_pattern key with runs of quantifiers made std::regex
// backtrack for minutes. Patterns now go through PCRE2 with match limits: a key PCRE2 rejects is an
// error naming it, and one it accepts matches (or not) without hanging.
TEST(LoraConfig, PathologicalPatternsDoNotHang) {
    const std::string plus(120, '+');
    auto bad = ql::parseLoraConfig(R"({"peft_type": "LORA", "r": 8, "rank_pattern": {"model.)" + plus + R"(A": 16}})",
                                   "adapter_config.json");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("rank_pattern"), std::string::npos) << bad.error().message;
    auto slow = ql::parseLoraConfig(R"({"peft_type": "LORA", "r": 8, "rank_pattern": {"(a|aa)*c": 16},
                                        "target_modules": "(a|aa)*c"})",
                                    "adapter_config.json");
    ASSERT_TRUE(slow.ok()) << slow.error().message;
    const std::string name(64, 'a');
    EXPECT_EQ(slow->rankFor(name), 8);  // the backtracking limit is reached: no match, the default rank
    EXPECT_FALSE(slow->targets(name));
}

}  // namespace
