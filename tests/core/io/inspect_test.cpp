// inspectPath on small checkpoints written with the safetensors writer.
#include "quantlens/inspect.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/safetensors_writer.h"

namespace {

using ql::test::TensorSpec;

const char* kConfig = R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 8, "intermediate_size": 16,
  "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "vocab_size": 10,
  "tie_word_embeddings": true, "quantization_config": {"quant_method": "torchao"}})";

std::vector<TensorSpec> llamaTensors() {
    const std::string p = "model.layers.0.";
    return {
        {"model.embed_tokens.weight", "BF16", {10, 8}, {}},  {"model.norm.weight", "BF16", {8}, {}},
        {p + "input_layernorm.weight", "BF16", {8}, {}},     {p + "post_attention_layernorm.weight", "BF16", {8}, {}},
        {p + "self_attn.q_proj.weight", "BF16", {8, 8}, {}}, {p + "self_attn.k_proj.weight", "BF16", {4, 8}, {}},
        {p + "self_attn.v_proj.weight", "BF16", {4, 8}, {}}, {p + "self_attn.o_proj.weight", "BF16", {8, 8}, {}},
        {p + "mlp.gate_proj.weight", "BF16", {16, 8}, {}},   {p + "mlp.up_proj.weight", "BF16", {16, 8}, {}},
        {p + "mlp.down_proj.weight", "BF16", {8, 16}, {}}};
}

TEST(Inspect, ModelCheckpoint) {
    ql::test::TempDir tmp;
    ql::test::writeBytes(tmp.path() / "config.json", kConfig);
    ql::test::writeBytes(tmp.path() / "model.safetensors", ql::test::buildSafetensors(llamaTensors()));
    auto r = ql::inspectPath(tmp.path());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->kind, ql::InspectKind::ModelCheckpoint);
    ASSERT_TRUE(r->config.has_value());
    EXPECT_EQ(r->tensors.size(), 11u);
    EXPECT_EQ(r->modules.size(), 8u);
    std::uint64_t elements = 0;
    for (const auto& t : llamaTensors()) {
        std::uint64_t n = 1;
        for (auto d : t.shape) n *= static_cast<std::uint64_t>(d);
        elements += n;
    }
    EXPECT_EQ(r->totalElements, elements);
    EXPECT_EQ(r->totalBytes, elements * 2);
    ASSERT_EQ(r->perDtype.size(), 1u);
    EXPECT_EQ(r->perDtype[0].dtype, ql::DType::BF16);
    EXPECT_EQ(r->quantizationConfigJson, R"({"quant_method":"torchao"})");
    const auto json = nlohmann::json::parse(ql::formatInspectJson(*r));
    EXPECT_EQ(json["modules"].size(), 8u);
    EXPECT_EQ(json["config"]["head_dim"], 4);
    const std::string text = ql::formatInspectText(*r);
    EXPECT_NE(text.find("model.layers.0.mlp.gate_proj"), std::string::npos);
}

TEST(Inspect, TorchaoTensors) {
    ql::test::TempDir tmp;
    const std::string w = "model.layers.0.mlp.up_proj.weight";
    ql::test::WriterOptions options;
    options.metadata[w] = R"({"_type": "Int4Tensor", "_data": {"block_size": [1, 8], "shape": [16, 8]}})";
    const auto file = tmp.path() / "q.safetensors";
    ql::test::writeBytes(file, ql::test::buildSafetensors({{w + ":qdata", "I8", {16, 4}, {}},
                                                           {w + ":scale", "BF16", {1, 16}, {}},
                                                           {w + ":zero_point", "BF16", {1, 16}, {}}},
                                                          options));
    auto r = ql::inspectPath(file);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->torchaoTensorsFound);
    ASSERT_EQ(r->modules.size(), 1u);
    EXPECT_EQ(r->modules[0].outFeatures, 16);
    EXPECT_EQ(r->modules[0].inFeatures, 8);
    EXPECT_EQ(r->modules[0].bytes, 64u + 32u + 32u);
    EXPECT_EQ(r->modules[0].quantization, "torchao Int4Tensor");
}

TEST(Inspect, TrainerCheckpointWithAdapterAndBase) {
    ql::test::TempDir tmp;
    ql::test::writeBytes(tmp.path() / "base" / "config.json", kConfig);
    ql::test::writeBytes(tmp.path() / "base" / "model.safetensors", ql::test::buildSafetensors(llamaTensors()));
    const auto ckpt = tmp.path() / "checkpoint-3";
    ql::test::writeBytes(ckpt / "adapter_config.json", R"({"peft_type": "LORA", "r": 2, "lora_alpha": 4})");
    const std::string m = "base_model.model.model.layers.0.mlp.down_proj.";
    ql::test::writeBytes(ckpt / "adapter_model.safetensors",
                         ql::test::buildSafetensors(
                             {{m + "lora_A.weight", "F32", {2, 16}, {}}, {m + "lora_B.weight", "F32", {8, 2}, {}}}));
    ql::test::writeBytes(ckpt / "trainer_state.json",
                         R"({"global_step": 3, "log_history": [{"loss": 1.5, "step": 3}]})");
    ql::InspectOptions options;
    options.base = tmp.path() / "base";
    auto r = ql::inspectPath(ckpt, options);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->kind, ql::InspectKind::TrainerCheckpoint);
    ASSERT_EQ(r->adapterModules.size(), 1u);
    EXPECT_EQ(r->adapterModules[0].scaling, 2.0);
    EXPECT_EQ(r->trainerState->lastValue("loss"), 1.5);
    EXPECT_EQ(r->trainerDir->stepFromName, 3);
}

TEST(Inspect, FormatBytes) {
    EXPECT_EQ(ql::formatBytes(512), "512 B");
    EXPECT_EQ(ql::formatBytes(1536), "1.50 KiB");
    EXPECT_EQ(ql::formatBytes(3ull << 30), "3.00 GiB");
}

}  // namespace
