// Module coverage against torchao + peft (reference: tests/reference/ql_ref/qat_coverage.py): for each
// run in the field (FakeQuantizedEmbedding int4/int8 on untied and tied models, QAT after PEFT with
// Unsloth's in_features >= 128 filter, a per-module override, disabled fake quantizers), the recipe that
// describes it must make QuantLens' coverage quantize exactly the modules torchao turned into
// FakeQuantizedLinear / FakeQuantizedEmbedding, in the forms PEFT runs them.
#include <gtest/gtest.h>
#include <quantlens/coverage.h>

#include <algorithm>
#include <set>

#include "golden/qat_coverage_cases.h"

namespace ql {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<CoverageRow> coverageOf(const fs::path& dir, const json& kase, const json& recipe) {
    auto rows = loadModuleCoverage(golden::qatCoverageRecipe(dir, kase, recipe));
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() ? *rows : std::vector<CoverageRow>{};
}

// Modules QuantLens fake-quantizes (switched-off quantizers count: torchao still wrapped them).
std::vector<std::string> fakeQuantized(const std::vector<CoverageRow>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) {
        if (r.reasonId.empty() || r.reasonId == "fake_quant_disabled") out.push_back(r.module);
    }
    std::sort(out.begin(), out.end());
    return out;
}

const CoverageRow* row(const std::vector<CoverageRow>& rows, const std::string& module) {
    for (const auto& r : rows) {
        if (r.module == module) return &r;
    }
    return nullptr;
}

TEST(QatCoverageGolden, CoverageQuantizesWhatTorchaoWrapped) {
    const auto dir = test::referenceModuleDir("qat_coverage");
    ASSERT_TRUE(dir.has_value());
    const auto index = test::loadJsonFile(*dir / "index.json");
    ASSERT_TRUE(index.has_value());
    ASSERT_GE(index->at("cases").size(), 7u);
    for (const auto& kase : index->at("cases")) {
        const auto name = kase.at("name").get<std::string>();
        SCOPED_TRACE(name);
        const auto rows = coverageOf(*dir, kase, kase.at("recipe"));
        ASSERT_FALSE(rows.empty());
        EXPECT_EQ(fakeQuantized(rows), kase.at("fake_quantized").get<std::vector<std::string>>());
        if (kase.value("tied", false)) {
            ASSERT_NE(row(rows, "model.embed_tokens"), nullptr);
            EXPECT_EQ(row(rows, "model.embed_tokens")->tiedTo, "lm_head");
        }
    }
}

TEST(QatCoverageGolden, FormsFollowPeftAndTheOverride) {
    const auto dir = test::referenceModuleDir("qat_coverage");
    ASSERT_TRUE(dir.has_value());
    const auto index = test::loadJsonFile(*dir / "index.json");
    ASSERT_TRUE(index.has_value());
    int checked = 0;
    for (const auto& kase : index->at("cases")) {
        const auto name = kase.at("name").get<std::string>();
        SCOPED_TRACE(name);
        if (name == "module_override") {
            const auto rows = coverageOf(*dir, kase, kase.at("recipe"));
            EXPECT_EQ(row(rows, "model.layers.0.mlp.up_proj")->form, "M");
            EXPECT_EQ(row(rows, "model.layers.1.mlp.up_proj")->form, "T");
            EXPECT_EQ(row(rows, "lm_head")->reasonId, "module_forms");
            ++checked;
        } else if (name == "qat_after_peft_filter") {
            const auto rows = coverageOf(*dir, kase, kase.at("recipe"));
            EXPECT_EQ(row(rows, "model.layers.0.self_attn.q_proj")->form, "T'");
            EXPECT_EQ(row(rows, "model.layers.0.self_attn.q_proj.lora_B")->reasonId, "filter");
            // merge_and_unload of that run: the base stays fake-quantized, no LoRA modules remain.
            const auto merged = coverageOf(*dir, kase, kase.at("merged_recipe"));
            EXPECT_EQ(row(merged, "model.layers.0.self_attn.q_proj")->form, "M");
            EXPECT_EQ(row(merged, "model.layers.0.self_attn.q_proj.lora_A"), nullptr);
            ++checked;
        } else if (name == "fake_quant_disabled") {
            EXPECT_TRUE(kase.at("logits_equal_float").get<bool>());  // torchao: disabled == float + LoRA
            const auto rows = coverageOf(*dir, kase, kase.at("recipe"));
            for (const auto& r : rows) {
                if (r.kind != "embedding") EXPECT_EQ(r.reasonId, "fake_quant_disabled") << r.module;
            }
            ++checked;
        }
    }
    EXPECT_EQ(checked, 3);
}

}  // namespace
}  // namespace ql
