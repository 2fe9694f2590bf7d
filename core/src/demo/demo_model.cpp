// The demo's tiny Qwen3 checkpoint and LoRA adapter: seeded Student-t(5) weights (std ≈ 0.02) with
// outlier input channels (×20 on a few columns, as real LLMs have), bf16; LoRA A/B in fp32 with a
// non-zero B (as after training).
#include <nlohmann/json.hpp>

#include "quantlens/report_io.h"
#include "io/safetensors_writer.h"
#include "demo/demo_model.h"
#include "demo/demo_tokenizer.h"
#include "demo/demo_rng.h"

namespace ql::demo {
namespace {

constexpr int kLayers = 4, kHidden = 128, kInter = 384, kHeads = 4, kKv = 2, kHeadDim = 32, kVocab = 512;
const char* const kLinear7[] = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};

std::vector<std::uint8_t> bf16Bytes(const std::vector<float>& v) {
    std::vector<std::uint8_t> out;
    for (float f : v) {
        const std::uint16_t b = toBf16(f);
        out.push_back(static_cast<std::uint8_t>(b & 0xFF));
        out.push_back(static_cast<std::uint8_t>(b >> 8));
    }
    return out;
}

std::vector<std::uint8_t> f32Bytes(const std::vector<float>& v) {
    std::vector<std::uint8_t> out(v.size() * 4);
    __builtin_memcpy(out.data(), v.data(), out.size());
    return out;
}

io::TensorBlob matrix(Rng& rng, const std::string& name, int rows, int cols, double std, bool outliers) {
    std::vector<float> v(static_cast<std::size_t>(rows) * cols);
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            double x = rng.studentT5() * std * 0.77;  // t5 has variance 5/3
            if (outliers && (c % 61 == 7)) x *= 20.0;
            v[static_cast<std::size_t>(r) * cols + c] = static_cast<float>(x);
        }
    }
    return {name, "BF16", {rows, cols}, bf16Bytes(v)};
}

io::TensorBlob norm(Rng& rng, const std::string& name, int n) {
    std::vector<float> v(static_cast<std::size_t>(n));
    for (auto& x : v) x = static_cast<float>(1.0 + 0.1 * rng.normal());
    return {name, "BF16", {n}, bf16Bytes(v)};
}

std::vector<int> linearShape(const std::string& t) {
    if (t == "q_proj") return {kHeads * kHeadDim, kHidden};
    if (t == "k_proj" || t == "v_proj") return {kKv * kHeadDim, kHidden};
    if (t == "o_proj") return {kHidden, kHeads * kHeadDim};
    if (t == "down_proj") return {kHidden, kInter};
    return {kInter, kHidden};
}

std::string modulePrefix(const std::string& type) {
    const bool attn = type == "q_proj" || type == "k_proj" || type == "v_proj" || type == "o_proj";
    return attn ? "self_attn." : "mlp.";
}

std::string configJson() {
    nlohmann::ordered_json j;
    j["architectures"] = {"Qwen3ForCausalLM"};
    j["model_type"] = "qwen3";
    j["hidden_size"] = kHidden;
    j["intermediate_size"] = kInter;
    j["num_hidden_layers"] = kLayers;
    j["num_attention_heads"] = kHeads;
    j["num_key_value_heads"] = kKv;
    j["head_dim"] = kHeadDim;
    j["vocab_size"] = kVocab;
    j["max_position_embeddings"] = 2048;
    j["rms_norm_eps"] = 1e-6;
    j["rope_theta"] = 1000000.0;
    j["tie_word_embeddings"] = false;
    j["attention_bias"] = false;
    j["hidden_act"] = "silu";
    j["torch_dtype"] = "bfloat16";
    j["bos_token_id"] = nullptr;
    j["eos_token_id"] = 509;
    return j.dump(2);
}

}  // namespace

Status writeDemoModel(const std::string& dir) {
    Rng rng(20240601);
    std::vector<io::TensorBlob> t;
    t.push_back(matrix(rng, "model.embed_tokens.weight", kVocab, kHidden, 0.5, false));
    for (int l = 0; l < kLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        t.push_back(norm(rng, p + "input_layernorm.weight", kHidden));
        t.push_back(norm(rng, p + "post_attention_layernorm.weight", kHidden));
        t.push_back(norm(rng, p + "self_attn.q_norm.weight", kHeadDim));
        t.push_back(norm(rng, p + "self_attn.k_norm.weight", kHeadDim));
        for (const char* name : kLinear7) {
            const std::string type = name;
            const auto s = linearShape(type);
            const std::string prefix = modulePrefix(type);
            t.push_back(matrix(rng, p + prefix + type + ".weight", s[0], s[1], 0.02, true));
        }
    }
    t.push_back(norm(rng, "model.norm.weight", kHidden));
    t.push_back(matrix(rng, "lm_head.weight", kVocab, kHidden, 0.05, true));
    if (auto s = writeFileAtomically(dir + "/config.json", configJson() + "\n"); !s) return s;
    if (auto s = writeFileAtomically(dir + "/tokenizer.json", tokenizerJson(kVocab) + "\n"); !s) return s;
    return io::writeSafetensors(dir + "/model.safetensors", t, {{"format", "pt"}});
}

Status writeDemoAdapter(const std::string& dir) {
    constexpr int kRank = 8;
    Rng rng(777);
    std::vector<io::TensorBlob> t;
    for (int l = 0; l < kLayers; ++l) {
        for (const char* name : kLinear7) {
            const std::string type = name;
            const auto s = linearShape(type);
            const std::string prefix = modulePrefix(type);
            const std::string key = "base_model.model.model.layers." + std::to_string(l) + "." + prefix + type;
            std::vector<float> a(static_cast<std::size_t>(kRank) * s[1]), b(static_cast<std::size_t>(s[0]) * kRank);
            for (auto& x : a) x = static_cast<float>(rng.normal() / std::sqrt(static_cast<double>(s[1])));
            for (auto& x : b) x = static_cast<float>(0.004 * rng.normal());
            t.push_back({key + ".lora_A.weight", "F32", {kRank, s[1]}, f32Bytes(a)});
            t.push_back({key + ".lora_B.weight", "F32", {s[0], kRank}, f32Bytes(b)});
        }
    }
    nlohmann::ordered_json c;
    c["peft_type"] = "LORA";
    c["task_type"] = "CAUSAL_LM";
    c["base_model_name_or_path"] = "../../../models/tiny-qwen3";
    c["r"] = kRank;
    c["lora_alpha"] = 16;
    c["lora_dropout"] = 0.0;
    c["target_modules"] = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
    c["bias"] = "none";
    c["fan_in_fan_out"] = false;
    c["use_rslora"] = false;
    c["use_dora"] = false;
    c["modules_to_save"] = nullptr;
    if (auto s = writeFileAtomically(dir + "/adapter_config.json", c.dump(2) + "\n"); !s) return s;
    return io::writeSafetensors(dir + "/adapter_model.safetensors", t, {{"format", "pt"}});
}

}  // namespace ql::demo
