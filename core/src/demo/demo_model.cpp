// The demo's tiny Qwen3 checkpoint and LoRA adapter: seeded Student-t(5) weights (std ≈ 0.02) with
// outlier input channels (×20 on a few columns, as real LLMs have), bf16; LoRA A/B in fp32 with a
// non-zero B (as after training).
#include "demo/demo_model.h"

#include <nlohmann/json.hpp>

#include "demo/demo_rng.h"
#include "demo/demo_tokenizer.h"
#include "io/safetensors_writer.h"
#include "model/linear_table.h"
#include "quantlens/report_io.h"

namespace ql::demo {
namespace {

constexpr int kLayers = 4, kHidden = 128, kInter = 384, kHeads = 4, kKv = 2, kHeadDim = 32, kVocab = 512;

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

// The demo's Linears as the model table lists them (names, shapes), layer by layer in forward order.
const ModelConfig& demoConfig() {
    static const ModelConfig config = *parseModelConfig(configJson(), "demo config.json");
    return config;
}

std::vector<model::ModuleRef> decoderModules(int layer) {
    const ModelConfig& config = demoConfig();
    std::vector<model::ModuleRef> out;
    for (const model::DecoderLinear& linear : model::decoderLinears())
        out.push_back(model::decoderModule(config, layer, linear));
    return out;
}

}  // namespace

Status writeDemoModel(const std::string& dir) {
    Rng rng(20240601);
    std::vector<io::TensorBlob> t;
    t.push_back(matrix(rng, "model.embed_tokens.weight", kVocab, kHidden, 0.5, false));
    for (int l = 0; l < kLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        for (const model::DecoderNorm& n : model::layerNorms(demoConfig())) {
            t.push_back(norm(rng, model::normWeightName(l, n), static_cast<int>(model::normSize(demoConfig(), n))));
        }
        for (const model::ModuleRef& m : decoderModules(l)) {
            t.push_back(matrix(rng, m.name + ".weight", static_cast<int>(m.outFeatures), static_cast<int>(m.inFeatures),
                               0.02, true));
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
        for (const model::ModuleRef& m : decoderModules(l)) {
            const std::string key = "base_model.model." + m.name;
            const int out = static_cast<int>(m.outFeatures), in = static_cast<int>(m.inFeatures);
            std::vector<float> a(static_cast<std::size_t>(kRank) * in), b(static_cast<std::size_t>(out) * kRank);
            for (auto& x : a) x = static_cast<float>(rng.normal() / std::sqrt(static_cast<double>(in)));
            for (auto& x : b) x = static_cast<float>(0.004 * rng.normal());
            t.push_back({key + ".lora_A.weight", "F32", {kRank, in}, f32Bytes(a)});
            t.push_back({key + ".lora_B.weight", "F32", {out, kRank}, f32Bytes(b)});
        }
    }
    nlohmann::ordered_json c;
    c["peft_type"] = "LORA";
    c["task_type"] = "CAUSAL_LM";
    c["base_model_name_or_path"] = "../../../models/tiny-qwen3";
    c["r"] = kRank;
    c["lora_alpha"] = 16;
    c["lora_dropout"] = 0.0;
    c["target_modules"] = nlohmann::ordered_json::array();
    for (const model::DecoderLinear& linear : model::decoderLinears())
        c["target_modules"].push_back(std::string(linear.type));
    c["bias"] = "none";
    c["fan_in_fan_out"] = false;
    c["use_rslora"] = false;
    c["use_dora"] = false;
    c["modules_to_save"] = nullptr;
    if (auto s = writeFileAtomically(dir + "/adapter_config.json", c.dump(2) + "\n"); !s) return s;
    return io::writeSafetensors(dir + "/adapter_model.safetensors", t, {{"format", "pt"}});
}

}  // namespace ql::demo
