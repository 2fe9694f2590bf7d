// Test support: a small bf16 Qwen3-shaped checkpoint (every module has >= 64 rows and K divisible by
// 64) with a rank-8 LoRA on all seven projections, and the recipes of both sides, for tests of the
// verify walk. Seeded.
#pragma once

#include <ATen/ATen.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/safetensors_writer.h"

namespace ql::test {

inline TensorSpec walkTensor(const std::string& name, std::vector<std::int64_t> shape, at::ScalarType dtype,
                             double scale) {
    at::Tensor t = at::randn(shape, at::TensorOptions().dtype(at::kFloat)).mul_(scale).to(dtype).contiguous();
    std::vector<std::byte> bytes(t.nbytes());
    std::memcpy(bytes.data(), t.data_ptr(), bytes.size());
    return TensorSpec{name, dtype == at::kBFloat16 ? "BF16" : "F32", std::move(shape), std::move(bytes)};
}

// H 128, I 256, 2 layers, 2 heads x D 64, 1 kv head, vocab 256, untied; LoRA r 8 alpha 16 (fp32).
inline void writeWalkModel(const std::filesystem::path& model, const std::filesystem::path& adapter) {
    at::manual_seed(11);
    nlohmann::json cfg = {{"architectures", {"Qwen3ForCausalLM"}},
                          {"model_type", "qwen3"},
                          {"hidden_size", 128},
                          {"intermediate_size", 256},
                          {"num_hidden_layers", 2},
                          {"num_attention_heads", 2},
                          {"num_key_value_heads", 1},
                          {"head_dim", 64},
                          {"vocab_size", 256},
                          {"max_position_embeddings", 64},
                          {"rms_norm_eps", 1e-6},
                          {"tie_word_embeddings", false},
                          {"rope_theta", 10000.0},
                          {"torch_dtype", "bfloat16"}};
    std::filesystem::create_directories(model);
    std::ofstream(model / "config.json") << cfg.dump(1);
    const std::vector<std::pair<std::string, std::vector<std::int64_t>>> linears = {
        {"self_attn.q_proj", {128, 128}}, {"self_attn.k_proj", {64, 128}}, {"self_attn.v_proj", {64, 128}},
        {"self_attn.o_proj", {128, 128}}, {"mlp.gate_proj", {256, 128}},   {"mlp.up_proj", {256, 128}},
        {"mlp.down_proj", {128, 256}}};
    std::vector<TensorSpec> base = {walkTensor("model.embed_tokens.weight", {256, 128}, at::kBFloat16, 0.5),
                                    walkTensor("model.norm.weight", {128}, at::kBFloat16, 0.1),
                                    walkTensor("lm_head.weight", {256, 128}, at::kBFloat16, 0.05)};
    std::vector<TensorSpec> lora;
    for (int l = 0; l < 2; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        for (const char* norm : {"input_layernorm.weight", "post_attention_layernorm.weight"}) {
            base.push_back(walkTensor(p + norm, {128}, at::kBFloat16, 0.1));
        }
        for (const char* norm : {"self_attn.q_norm.weight", "self_attn.k_norm.weight"}) {
            base.push_back(walkTensor(p + norm, {64}, at::kBFloat16, 0.1));
        }
        for (const auto& [name, shape] : linears) {
            base.push_back(walkTensor(p + name + ".weight", shape, at::kBFloat16, 0.05));
            lora.push_back(
                walkTensor("base_model.model." + p + name + ".lora_A.weight", {8, shape[1]}, at::kFloat, 0.1));
            lora.push_back(
                walkTensor("base_model.model." + p + name + ".lora_B.weight", {shape[0], 8}, at::kFloat, 0.02));
        }
    }
    writeBytes(model / "model.safetensors", buildSafetensors(base));
    std::filesystem::create_directories(adapter);
    nlohmann::json acfg = {
        {"peft_type", "LORA"},
        {"r", 8},
        {"lora_alpha", 16},
        {"target_modules", {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}},
        {"task_type", "CAUSAL_LM"}};
    std::ofstream(adapter / "adapter_config.json") << acfg.dump(1);
    writeBytes(adapter / "adapter_model.safetensors", buildSafetensors(lora));
}

// A recipe for the walk model: `form` "" (no adapter), "unmerged" or "merged"; int4 g`group`.
inline std::string walkRecipe(const std::filesystem::path& dir, const std::string& name, const std::string& form,
                              int group, const std::string& numerics = "cpu") {
    const std::filesystem::path path = dir / (name + ".yaml");
    std::ofstream out(path);
    out << "model: " << (dir / "model").string() << "\n";
    if (!form.empty()) out << "adapter: {path: " << (dir / "adapter").string() << ", form: " << form << "}\n";
    out << "dtype: bfloat16\ndevice_numerics: " << numerics << "\ntorchao_version: \"0.18\"\n"
        << "quantization: {scheme: int4_weight_only, group_size: " << group << ", packing_format: plain}\n";
    return path.string();
}

}  // namespace ql::test
