// Module coverage of a side (coverage.h) and its findings in the config check: which modules each
// selection rule reaches and the stated reason for every float module.
#include <gtest/gtest.h>
#include <quantlens/config_diff.h>
#include <quantlens/coverage.h>

#include <filesystem>

#include "support/safetensors_writer.h"

namespace ql {
namespace {

// hidden 128, intermediate 96 (down_proj has K = 96), 4 heads of 32, 2 KV heads, vocab 256, 2 layers.
std::string configJson(bool tied) {
    return std::string(R"({"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 128,
        "intermediate_size": 96, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "head_dim": 32, "vocab_size": 256, "max_position_embeddings": 512, "rms_norm_eps": 1e-6,
        "tie_word_embeddings": )") +
           (tied ? "true" : "false") + "}";
}

ModelConfig model(bool tied) {
    auto c = parseModelConfig(configJson(tied), "config.json");
    EXPECT_TRUE(c.ok()) << c.error().message;
    return *c;
}

Recipe recipe(const std::string& yaml) {
    auto r = parseRecipe("model: m\n" + yaml, "/r/t.yaml");
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : Recipe{};
}

const CoverageRow& find(const std::vector<CoverageRow>& rows, const std::string& module) {
    for (const auto& r : rows) {
        if (r.module == module) return r;
    }
    ADD_FAILURE() << "no row " << module;
    static const CoverageRow none;
    return none;
}

TEST(Coverage, DefaultQatReachesEveryLinearNotTheEmbedding) {
    const auto rows =
        moduleCoverage(model(false), recipe("quantization: {scheme: int4_weight_only, group_size: 32}\n"));
    ASSERT_EQ(rows.size(), 1u + 2u * 7u + 1u);
    EXPECT_EQ(rows.front().module, "model.embed_tokens");
    EXPECT_EQ(rows.back().module, "lm_head");
    const auto& q = find(rows, "model.layers.0.self_attn.q_proj");
    EXPECT_EQ(q.form, "FQ");
    EXPECT_EQ(q.quantization, "int4 asymmetric g32, fake quant");
    EXPECT_EQ(q.shape, (std::vector<std::int64_t>{128, 128}));
    EXPECT_TRUE(q.reason.empty());
    EXPECT_EQ(find(rows, "lm_head").quantization, "int4 asymmetric g32, fake quant");
    const auto& e = find(rows, "model.embed_tokens");
    EXPECT_EQ(e.quantization, "float");
    EXPECT_EQ(e.reasonId, "embedding_not_selected");
    EXPECT_TRUE(e.tiedTo.empty());
}

TEST(Coverage, TiedEmbeddingReadsTheWeightUnquantized) {
    const auto rows = moduleCoverage(model(true), recipe("quantization: {scheme: int4_weight_only, group_size: 32}\n"));
    const auto& e = find(rows, "model.embed_tokens");
    EXPECT_EQ(e.reasonId, "tied_to_embedding");
    EXPECT_EQ(e.tiedTo, "lm_head");
    EXPECT_EQ(find(rows, "lm_head").tiedTo, "model.embed_tokens");
}

TEST(Coverage, FilterAndGroupDivisibility) {
    const auto filtered =
        moduleCoverage(model(false), recipe("quantization: {scheme: int4_weight_only, group_size: 32, "
                                            "min_in_features: 128}\n"));
    const auto& down = find(filtered, "model.layers.1.mlp.down_proj");
    EXPECT_EQ(down.quantization, "float");
    EXPECT_EQ(down.reasonId, "filter");
    EXPECT_NE(down.reason.find("in_features is 96"), std::string::npos) << down.reason;
    EXPECT_TRUE(find(filtered, "model.layers.1.mlp.up_proj").reason.empty());

    const auto prepare =
        moduleCoverage(model(false), recipe("quantization: {scheme: int4_weight_only, group_size: 64}\n"));
    const auto& failing = find(prepare, "model.layers.0.mlp.down_proj");
    EXPECT_EQ(failing.reasonId, "k_not_divisible");
    EXPECT_EQ(failing.quantization.rfind("fails: ", 0), 0u) << failing.quantization;
    const auto convert = moduleCoverage(model(false), recipe("quantization: {scheme: int4_weight_only, group_size: 64, "
                                                             "step: convert}\n"));
    const auto& left = find(convert, "model.layers.0.mlp.down_proj");
    EXPECT_EQ(left.quantization, "float");
    EXPECT_EQ(left.form, "F");
    EXPECT_NE(left.reason.find("convert leaves it float"), std::string::npos);
    EXPECT_EQ(find(convert, "model.layers.0.mlp.up_proj").form, "Q");
}

TEST(Coverage, DisabledFakeQuantizers) {
    const auto off = moduleCoverage(
        model(false), recipe("quantization: {scheme: int4_weight_only, group_size: 32, enabled: false}\n"));
    EXPECT_EQ(find(off, "lm_head").reasonId, "fake_quant_disabled");
    const auto late = recipe("quantization: {scheme: int4_weight_only, group_size: 32, fake_quant_after_steps: 500}\n");
    const auto before = moduleCoverage(model(false), late, CoverageContext{nullptr, 200});
    EXPECT_EQ(find(before, "lm_head").reasonId, "fake_quant_disabled");
    EXPECT_NE(find(before, "lm_head").reason.find("after step 500; the adapter is from step 200"), std::string::npos);
    const auto after = moduleCoverage(model(false), late, CoverageContext{nullptr, 800});
    EXPECT_TRUE(find(after, "lm_head").reason.empty());
}

TEST(Coverage, QatAfterPeftFakeQuantizesLoraAButNotASmallRankLoraB) {
    auto lora = parseLoraConfig(
        R"({"peft_type": "LORA", "r": 16, "lora_alpha": 32, "target_modules": ["q_proj", "down_proj"]})",
        "adapter_config.json");
    ASSERT_TRUE(lora.ok());
    Recipe r = recipe(
        "adapter: {path: /nonexistent/a, form: qat_after_peft}\n"
        "quantization: {scheme: int4_weight_only, group_size: 32, min_in_features: 128}\n");
    const auto rows = moduleCoverage(model(false), r, CoverageContext{&*lora, std::nullopt});
    EXPECT_EQ(find(rows, "model.layers.0.self_attn.q_proj").form, "T'");
    const auto& a = find(rows, "model.layers.0.self_attn.q_proj.lora_A");
    EXPECT_EQ(a.shape, (std::vector<std::int64_t>{16, 128}));
    EXPECT_EQ(a.quantization, "int4 asymmetric g32, fake quant");
    const auto& b = find(rows, "model.layers.0.self_attn.q_proj.lora_B");
    EXPECT_EQ(b.quantization, "float");
    EXPECT_EQ(b.reasonId, "filter");
    // down_proj's lora_A has in_features 96 < 128: filtered like its base layer.
    EXPECT_EQ(find(rows, "model.layers.0.mlp.down_proj.lora_A").reasonId, "filter");
    // Unmerged LoRA (QAT before PEFT): no factor rows, the base is form T.
    Recipe t = recipe(
        "adapter: {path: /nonexistent/a, form: unmerged}\nquantization: {scheme: int4_weight_only, group_size: 32}\n");
    const auto plain = moduleCoverage(model(false), t, CoverageContext{&*lora, std::nullopt});
    EXPECT_EQ(plain.size(), 16u);
    EXPECT_EQ(find(plain, "model.layers.0.self_attn.q_proj").form, "T");
    EXPECT_EQ(find(plain, "model.layers.0.self_attn.k_proj").form, "FQ");
}

TEST(Coverage, TransformersTorchAoConfigSkipsTheOutputEmbedding) {
    test::TempDir dir;
    test::writeBytes(dir.path() / "q.json",
                     R"({"quantization_config": {"quant_method": "torchao", "modules_to_not_convert": null,
        "include_input_output_embeddings": false, "quant_type": {"default": {"_type": "Int4WeightOnlyConfig", "_version": 2,
        "_data": {"group_size": 32}}}}})");
    const std::string yaml = "quantization: {hf_config: " + (dir.path() / "q.json").string() + ", step: ptq}\n";
    const auto untied = moduleCoverage(model(false), recipe(yaml));
    EXPECT_EQ(find(untied, "lm_head").reasonId, "lm_head_excluded");
    EXPECT_EQ(find(untied, "model.layers.0.mlp.up_proj").form, "Q");
    const auto tied = moduleCoverage(model(true), recipe(yaml));
    EXPECT_EQ(find(tied, "lm_head").reasonId, "tied_to_embedding");
}

TEST(Coverage, ModuleFormsAndEmbeddingQuantization) {
    const auto rows =
        moduleCoverage(model(true), recipe("quantization: {scheme: int4_weight_only, group_size: 32}\n"
                                           "embedding_quantization: {scheme: intx_weight_only, weight_dtype: int4, "
                                           "granularity: per_group, group_size: 32}\n"
                                           "module_forms: [{match: lm_head, form: float}]\n"));
    const auto& e = find(rows, "model.embed_tokens");
    EXPECT_EQ(e.form, "FQ");
    EXPECT_EQ(e.quantization, "int4 symmetric g32, fake quant");
    const auto& head = find(rows, "lm_head");
    EXPECT_EQ(head.quantization, "float");
    EXPECT_EQ(head.reasonId, "module_forms");
    EXPECT_EQ(head.reason, "module_forms: 'lm_head' -> float");
}

TEST(Coverage, DifferenceBetweenSidesIsAConfigFinding) {
    test::TempDir dir;
    test::writeBytes(dir.path() / "model" / "config.json", configJson(false));
    const std::string base = "model: " + (dir.path() / "model").string() + "\n";
    auto train = parseRecipe(base + "quantization: {scheme: int4_weight_only, group_size: 32, min_in_features: 128}\n",
                             "/r/train.yaml");
    auto eval = parseRecipe(base + "quantization: {scheme: int4_weight_only, group_size: 32}\n", "/r/eval.yaml");
    ASSERT_TRUE(train.ok() && eval.ok());
    auto d = diffConfigs(*train, *eval);
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->sameNumerics);
    const ConfigFinding* coverage = nullptr;
    for (const auto& f : d->findings) {
        if (f.id == "coverage_differs") coverage = &f;
    }
    ASSERT_NE(coverage, nullptr);
    EXPECT_NE(coverage->message.find("2 module(s)"), std::string::npos) << coverage->message;
    EXPECT_NE(coverage->message.find("model.layers.0.mlp.down_proj: train float (filter), eval quantized"),
              std::string::npos)
        << coverage->message;
    bool filterRow = false;
    for (const auto& f : d->fields) {
        if (f.field == "quantization.min_in_features") filterRow = f.verdict == DiffClass::ChangesNumerics;
    }
    EXPECT_TRUE(filterRow);
}

// A module float on both sides counts as no difference, whatever each side's reason (lm_head is float
// by module_forms on train and under min_in_features on eval).
TEST(Coverage, FloatOnBothSidesForDifferentReasonsIsNoDifference) {
    test::TempDir dir;
    test::writeBytes(dir.path() / "model" / "config.json", configJson(false));
    const std::string base = "model: " + (dir.path() / "model").string() + "\n";
    auto train = parseRecipe(base +
                                 "quantization: {scheme: int4_weight_only, group_size: 32}\n"
                                 "module_forms: [{match: lm_head, form: float}]\n",
                             "/r/train.yaml");
    auto eval = parseRecipe(base + "quantization: {scheme: int4_weight_only, group_size: 32, min_in_features: 512}\n",
                            "/r/eval.yaml");
    ASSERT_TRUE(train.ok() && eval.ok());
    const auto trainRows = moduleCoverage(model(false), *train);
    const auto evalRows = moduleCoverage(model(false), *eval);
    EXPECT_EQ(find(trainRows, "lm_head").reasonId, "module_forms");
    EXPECT_EQ(find(evalRows, "lm_head").reasonId, "filter");
    auto d = diffConfigs(*train, *eval);
    ASSERT_TRUE(d.ok());
    const ConfigFinding* coverage = nullptr;
    for (const auto& f : d->findings) {
        if (f.id == "coverage_differs") coverage = &f;
    }
    ASSERT_NE(coverage, nullptr);
    EXPECT_NE(coverage->message.find("14 module(s)"), std::string::npos) << coverage->message;
    EXPECT_EQ(coverage->message.find("lm_head"), std::string::npos) << coverage->message;
}

TEST(Coverage, FakeQuantSwitchDifferenceIsAFinding) {
    auto train = parseRecipe("model: m\nquantization: {scheme: int4_weight_only, enabled: false}\n", "/r/train.yaml");
    auto eval = parseRecipe("model: m\nquantization: {scheme: int4_weight_only}\n", "/r/eval.yaml");
    ASSERT_TRUE(train.ok() && eval.ok());
    auto d = diffConfigs(*train, *eval);
    ASSERT_TRUE(d.ok());
    int found = 0;
    for (const auto& f : d->findings) {
        if (f.id == "fake_quant_switch_differs") {
            ++found;
            EXPECT_TRUE(f.changesNumerics);
        }
        if (f.id == "fake_quant_disabled") EXPECT_EQ(f.side, "train");
    }
    EXPECT_EQ(found, 1);
    EXPECT_FALSE(d->sameNumerics);
}

}  // namespace
}  // namespace ql
