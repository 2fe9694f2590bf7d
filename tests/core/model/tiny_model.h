// Test support: writes a tiny Qwen3-style checkpoint (config.json + model.safetensors) and a LoRA
// adapter for it with seeded values, with knobs that break them (for the bad-input tests).
#pragma once

#include <ATen/ATen.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/safetensors_writer.h"

namespace ql::test {

struct TinyModelOptions {
    std::string architecture = "Qwen3ForCausalLM";
    std::string modelType = "qwen3";
    int maxPositions = 64;
    std::string dropTensor;                                    // omit this tensor
    std::map<std::string, std::vector<std::int64_t>> reshape;  // write this tensor with another shape
};

inline TensorSpec f32Tensor(const std::string& name, std::vector<std::int64_t> shape, int seed) {
    at::Tensor t = at::randn(shape, at::TensorOptions().dtype(at::kFloat)).mul_(0.1);
    (void)seed;
    std::vector<std::byte> bytes(t.nbytes());
    std::memcpy(bytes.data(), t.data_ptr(), bytes.size());
    return TensorSpec{name, "F32", std::move(shape), std::move(bytes)};
}

// H 32, I 64, 2 layers, 2 heads x D 16, 1 kv head, vocab 50, untied.
inline void writeTinyModel(const std::filesystem::path& dir, const TinyModelOptions& o = {}) {
    at::manual_seed(7);
    nlohmann::json cfg = {{"architectures", {o.architecture}},
                          {"model_type", o.modelType},
                          {"hidden_size", 32},
                          {"intermediate_size", 64},
                          {"num_hidden_layers", 2},
                          {"num_attention_heads", 2},
                          {"num_key_value_heads", 1},
                          {"head_dim", 16},
                          {"vocab_size", 50},
                          {"max_position_embeddings", o.maxPositions},
                          {"rms_norm_eps", 1e-6},
                          {"tie_word_embeddings", false},
                          {"rope_theta", 10000.0},
                          {"torch_dtype", "float32"}};
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "config.json") << cfg.dump(1);
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> shapes = {
        {"model.embed_tokens.weight", {50, 32}}, {"model.norm.weight", {32}}, {"lm_head.weight", {50, 32}}};
    for (int i = 0; i < 2; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        for (auto [n, s] :
             std::vector<std::pair<std::string, std::vector<std::int64_t>>>{{"input_layernorm.weight", {32}},
                                                                            {"post_attention_layernorm.weight", {32}},
                                                                            {"self_attn.q_proj.weight", {32, 32}},
                                                                            {"self_attn.k_proj.weight", {16, 32}},
                                                                            {"self_attn.v_proj.weight", {16, 32}},
                                                                            {"self_attn.o_proj.weight", {32, 32}},
                                                                            {"self_attn.q_norm.weight", {16}},
                                                                            {"self_attn.k_norm.weight", {16}},
                                                                            {"mlp.gate_proj.weight", {64, 32}},
                                                                            {"mlp.up_proj.weight", {64, 32}},
                                                                            {"mlp.down_proj.weight", {32, 64}}}) {
            shapes.emplace_back(p + n, s);
        }
    }
    std::vector<TensorSpec> tensors;
    int seed = 0;
    for (auto& [name, shape] : shapes) {
        if (name == o.dropTensor) {
            continue;
        }
        auto it = o.reshape.find(name);
        tensors.push_back(f32Tensor(name, it == o.reshape.end() ? shape : it->second, seed++));
    }
    writeBytes(dir / "model.safetensors", buildSafetensors(tensors));
}

// A LoRA adapter (r declared `r`, factors written with rank `factorRank`) on q_proj of every layer,
// with `inFeatures` columns in lora_A.
inline void writeTinyAdapter(const std::filesystem::path& dir, int r, int factorRank, int inFeatures = 32,
                             int outFeatures = 32) {
    std::filesystem::create_directories(dir);
    nlohmann::json cfg = {{"peft_type", "LORA"},
                          {"r", r},
                          {"lora_alpha", 16},
                          {"target_modules", {"q_proj"}},
                          {"task_type", "CAUSAL_LM"}};
    std::ofstream(dir / "adapter_config.json") << cfg.dump(1);
    std::vector<TensorSpec> tensors;
    for (int i = 0; i < 2; ++i) {
        const std::string p = "base_model.model.model.layers." + std::to_string(i) + ".self_attn.q_proj.";
        tensors.push_back(f32Tensor(p + "lora_A.weight", {factorRank, inFeatures}, i));
        tensors.push_back(f32Tensor(p + "lora_B.weight", {outFeatures, factorRank}, i));
    }
    writeBytes(dir / "adapter_model.safetensors", buildSafetensors(tensors));
}

}  // namespace ql::test
