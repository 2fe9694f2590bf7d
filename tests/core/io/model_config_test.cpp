// config.json parsing: v4 and v5 spellings, family rules, validation errors, expected parameters.
#include "quantlens/model_config.h"

#include <gtest/gtest.h>

namespace {

const char* kQwen3V4 = R"({
  "architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 1024,
  "intermediate_size": 3072, "num_hidden_layers": 2, "num_attention_heads": 16,
  "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 151936, "rms_norm_eps": 1e-06,
  "rope_theta": 1000000, "rope_scaling": null, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
  "use_sliding_window": false, "sliding_window": null, "max_window_layers": 28,
  "bos_token_id": 151643, "eos_token_id": 151645, "attention_bias": false})";

ql::ModelConfig parseOk(const std::string& text) {
    auto r = ql::parseModelConfig(text, "config.json");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : ql::ModelConfig{};
}

std::string parseError(const std::string& text) {
    auto r = ql::parseModelConfig(text, "config.json");
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().message;
}

TEST(ModelConfig, Qwen3V4) {
    const auto c = parseOk(kQwen3V4);
    EXPECT_EQ(c.family, ql::ModelFamily::Qwen3);
    EXPECT_EQ(c.headDim, 128);  // nH * D != H: head_dim must be honoured
    EXPECT_EQ(c.numKeyValueHeads, 8);
    EXPECT_EQ(c.ropeTheta, 1000000.0);
    EXPECT_EQ(c.ropeScaling.type, ql::RopeType::Default);
    EXPECT_TRUE(c.tieWordEmbeddings);
    EXPECT_EQ(c.torchDtype, "bfloat16");
    EXPECT_FALSE(c.slidingWindow.has_value());
    EXPECT_EQ(c.layerTypes, (std::vector<std::string>{"full_attention", "full_attention"}));
    EXPECT_EQ(c.eosTokenIds, std::vector<std::int64_t>{151645});
    EXPECT_FALSE(c.qkvBias());
}

TEST(ModelConfig, V5SpellingsMatchV4) {
    std::string v5 = kQwen3V4;
    v5.replace(v5.find(R"("rope_theta": 1000000, "rope_scaling": null)"), 43,
               R"("rope_parameters": {"rope_type": "default", "rope_theta": 1000000})");
    v5.replace(v5.find("\"torch_dtype\""), 13, "\"dtype\"");
    const auto a = parseOk(kQwen3V4);
    const auto b = parseOk(v5);
    EXPECT_EQ(a.ropeTheta, b.ropeTheta);
    EXPECT_EQ(b.torchDtype, "bfloat16");
}

TEST(ModelConfig, Llama3RopeScaling) {
    const auto c = parseOk(R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
      "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100,
      "max_position_embeddings": 131072, "rope_theta": 500000.0,
      "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                       "original_max_position_embeddings": 8192, "rope_type": "llama3"},
      "eos_token_id": [128001, 128008, 128009]})");
    EXPECT_EQ(c.ropeScaling.type, ql::RopeType::Llama3);
    EXPECT_EQ(c.ropeScaling.factor, 32.0);
    EXPECT_EQ(c.ropeScaling.originalMaxPositionEmbeddings, 8192);
    EXPECT_EQ(c.headDim, 16);  // derived H / nH
    EXPECT_EQ(c.eosTokenIds.size(), 3u);
}

TEST(ModelConfig, LegacyTypeKeyAndLinear) {
    const auto c = parseOk(R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
      "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 100,
      "rope_scaling": {"type": "linear", "factor": 2.0}})");
    EXPECT_EQ(c.ropeScaling.type, ql::RopeType::Linear);
    EXPECT_EQ(c.ropeScaling.factor, 2.0);
    EXPECT_EQ(c.numKeyValueHeads, 4);  // Llama: absent -> heads
}

TEST(ModelConfig, Qwen2BiasRuleAndMistralWindow) {
    const auto q = parseOk(R"({"architectures": ["Qwen2ForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
      "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100})");
    EXPECT_TRUE(q.qkvBias());
    EXPECT_FALSE(q.oProjBias());
    const auto m = parseOk(R"({"architectures": ["MistralForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
      "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100,
      "sliding_window": 4096})");
    EXPECT_EQ(m.slidingWindow, 4096);
    EXPECT_EQ(m.layerTypes[1], "sliding_attention");
    EXPECT_FALSE(m.qkvBias());
}

TEST(ModelConfig, Errors) {
    EXPECT_NE(parseError("{").find("config.json: invalid JSON"), std::string::npos);
    EXPECT_NE(parseError("[1]").find("expected a JSON object"), std::string::npos);
    EXPECT_NE(parseError(R"({"architectures": ["BertModel"]})")
                  .find("supported: Qwen3ForCausalLM, Qwen2ForCausalLM, LlamaForCausalLM, MistralForCausalLM"),
              std::string::npos);
    std::string yarn = kQwen3V4;
    yarn.replace(yarn.find(R"("rope_scaling": null)"), 20, R"("rope_scaling": {"rope_type": "yarn", "factor": 4})");
    EXPECT_NE(parseError(yarn).find("rope type 'yarn' is not supported"), std::string::npos);
    std::string zero = kQwen3V4;
    zero.replace(zero.find(R"("num_hidden_layers": 2)"), 22, R"("num_hidden_layers": 0)");
    EXPECT_NE(parseError(zero).find("field 'num_hidden_layers': expected a positive integer, got 0"),
              std::string::npos);
    std::string llama3 = R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
      "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 100, "rope_scaling": {"rope_type": "llama3", "factor": 8}})";
    EXPECT_NE(parseError(llama3).find("'rope_scaling.low_freq_factor': required for rope_type 'llama3'"),
              std::string::npos);
    std::string mismatch = kQwen3V4;
    mismatch.replace(mismatch.find(R"("model_type": "qwen3")"), 21, R"("model_type": "llama")");
    EXPECT_NE(parseError(mismatch).find("field 'model_type': expected 'qwen3'"), std::string::npos);
}

TEST(ModelConfig, ExpectedParameters) {
    const auto c = parseOk(kQwen3V4);
    const auto params = ql::expectedParameters(c);
    // embed + 2 layers x 11 (input/post-attention norms, q_norm/k_norm, q/k/v/o, gate/up/down) + norm + lm_head
    ASSERT_EQ(params.size(), 1u + 2u * 11u + 2u);
    EXPECT_EQ(params[3].name, "model.layers.0.self_attn.q_norm.weight");
    EXPECT_EQ(params[3].shape, (std::vector<std::int64_t>{128}));
    EXPECT_EQ(params[5].name, "model.layers.0.self_attn.q_proj.weight");
    EXPECT_EQ(params[5].shape, (std::vector<std::int64_t>{16 * 128, 1024}));
    EXPECT_EQ(params.back().name, "lm_head.weight");
    EXPECT_TRUE(params.back().optional);  // tied
}

}  // namespace
