// The verify engine runs the coverage variants of tests/reference/ql_ref/qat_coverage.py (torchao
// 0.18.0 + peft, CPU, eager attention) bit for bit: each case's recipe opens a side whose module plan
// (verify/module_plan.h) drives the forward, and its logits equal torchao's. Cases:
//   emb_*                  FakeQuantizedEmbedding int4 / int8 per group 32 (untied, tied, tied without
//                          Linear QAT): logits and the fake-quantized embedding table
//   qat_after_peft_filter  QAT after PEFT with in_features >= 128 (lora_A fake-quantized, lora_B not),
//                          unmerged, and after merge_and_unload
//   module_override        lm_head float, layer 0's LoRA merged, the rest unmerged (module_forms)
//   fake_quant_disabled    every fake quantizer switched off: the float model + LoRA
// and verify()'s weight check fake-quantizes exactly the Linears torchao wrapped (and enabled).
#include <gtest/gtest.h>
#include <quantlens/verify.h>

#include <algorithm>
#include <cstdio>

#include "golden/forward_golden.h"
#include "golden/qat_coverage_cases.h"
#include "quant/fake_quant.h"
#include "verify/side.h"

namespace ql {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Recipe recipeOf(const fs::path& dir, const json& kase, const json& recipe) {
    return golden::qatCoverageRecipe(dir, kase, recipe);
}

// Logits of every prompt of `kase` under `recipe` vs the file's `key`.<p>; the number of differing
// elements. `sideWide`: without the module plan (every Linear in the side's form, plain embedding), to
// show that the plan is what makes the bits agree.
std::int64_t logitsDiffer(const fs::path& dir, const json& kase, const Recipe& recipe, const std::string& key,
                          bool sideWide = false) {
    auto side = checks::openSide(recipe, "train", at::kCPU);
    EXPECT_TRUE(side.ok()) << side.error().message;
    if (!side.ok()) return -1;
    auto file = SafetensorsFile::openFile(dir / kase.at("file").get<std::string>());
    EXPECT_TRUE(file.ok());
    if (!file.ok()) return -1;
    model::ForwardOptions o;
    o.run = side->run;
    if (sideWide) {
        o.run.modules.reset();
        o.run.embedding.reset();
    }
    o.attention = AttentionImpl::Eager;
    golden::Deviation total;
    for (std::size_t p = 0; p < kase.at("prompts").size(); ++p) {
        const std::string ps = std::to_string(p);
        auto logits = side->lm->forward(*golden::loadTensor(*file, "ids." + ps), o);
        EXPECT_TRUE(logits.ok()) << logits.error().message;
        if (!logits.ok()) return -1;
        golden::accumulate(total, golden::deviation(*logits, *golden::loadTensor(*file, key + "." + ps)));
    }
    std::printf("%-22s %-7s logits vs torchao+peft%s: %s\n", kase.at("name").get<std::string>().c_str(), key.c_str(),
                sideWide ? " (side-wide form, no module plan)" : "", golden::describe(total).c_str());
    return total.differing;
}

class QatCoverageForward : public ::testing::Test {
protected:
    void SetUp() override {
        auto dir = test::referenceModuleDir("qat_coverage");
        ASSERT_TRUE(dir.has_value());
        m_dir = *dir;
        auto index = test::loadJsonFile(m_dir / "index.json");
        ASSERT_TRUE(index.has_value());
        m_index = *index;
    }
    const json& kase(const std::string& name) const {
        for (const json& c : m_index.at("cases")) {
            if (c.at("name") == name) return c;
        }
        ADD_FAILURE() << "no case " << name;
        return m_index;
    }
    fs::path m_dir;
    json m_index;
};

TEST_F(QatCoverageForward, DisabledFakeQuantizersRunFloat) {
    const json& c = kase("fake_quant_disabled");
    ASSERT_TRUE(c.at("logits_equal_float").get<bool>());
    EXPECT_EQ(logitsDiffer(m_dir, c, recipeOf(m_dir, c, c.at("recipe")), "logits"), 0);
    EXPECT_GT(logitsDiffer(m_dir, c, recipeOf(m_dir, c, c.at("recipe")), "logits", true), 0);
}

TEST_F(QatCoverageForward, ModuleFormsOverrideRunsPerModule) {
    const json& c = kase("module_override");
    EXPECT_EQ(logitsDiffer(m_dir, c, recipeOf(m_dir, c, c.at("recipe")), "logits"), 0);
    EXPECT_GT(logitsDiffer(m_dir, c, recipeOf(m_dir, c, c.at("recipe")), "logits", true), 0);
}

// In this reference lora_B (in_features r = 16) is also outside group 32, which torchao could not fake-
// quantize either, so the plan's lora_B switch and the group rule agree here; the plan is still what
// the forward reads (FormSpec::quantizeLoraB).
TEST_F(QatCoverageForward, QatAfterPeftWithInFeaturesFilter) {
    const json& c = kase("qat_after_peft_filter");
    EXPECT_EQ(logitsDiffer(m_dir, c, recipeOf(m_dir, c, c.at("recipe")), "logits"), 0);
    EXPECT_EQ(logitsDiffer(m_dir, c, recipeOf(m_dir, c, c.at("merged_recipe")), "merged"), 0);
}

TEST_F(QatCoverageForward, FakeQuantizedEmbeddingLogitsAndTable) {
    int cases = 0;
    for (const json& c : m_index.at("cases")) {
        if (c.at("kind") != "embedding") continue;
        ++cases;
        SCOPED_TRACE(c.at("name").get<std::string>());
        const Recipe recipe = recipeOf(m_dir, c, c.at("recipe"));
        EXPECT_EQ(logitsDiffer(m_dir, c, recipe, "logits"), 0);
        EXPECT_GT(logitsDiffer(m_dir, c, recipe, "logits", true), 0);
        auto side = checks::openSide(recipe, "train", at::kCPU);
        ASSERT_TRUE(side.ok()) << side.error().message;
        ASSERT_TRUE(side->run.embedding.has_value());
        auto table = side->lm->loader().parameter("model.embed_tokens.weight", side->run);
        ASSERT_TRUE(table.ok());
        auto fq = quant::fakeQuantize(*table, *side->run.embedding);
        ASSERT_TRUE(fq.ok()) << fq.error().message;
        auto file = SafetensorsFile::openFile(m_dir / c.at("file").get<std::string>());
        ASSERT_TRUE(file.ok());
        const auto d = golden::deviation(*fq, *golden::loadTensor(*file, "embed_fq"));
        std::printf("%-22s embedding table vs FakeQuantizedEmbedding: %s\n", c.at("name").get<std::string>().c_str(),
                    golden::describe(d).c_str());
        EXPECT_EQ(d.differing, 0);
    }
    EXPECT_EQ(cases, 4);
}

// verify() with the case's recipe on both sides: the weight check fake-quantizes (group > 0) exactly
// the Linears torchao turned into FakeQuantizedLinear with an enabled quantizer.
TEST_F(QatCoverageForward, WeightCheckSeesWhatTorchaoWrapped) {
    int cases = 0;
    for (const json& c : m_index.at("cases")) {
        const auto name = c.at("name").get<std::string>();
        SCOPED_TRACE(name);
        ++cases;
        VerifyRequest req;
        req.train = recipeOf(m_dir, c, c.at("recipe"));
        req.eval = req.train;
        req.prompts.push_back({"", {1, 5, 9, 14}, {}});
        req.attention = AttentionImpl::Eager;
        auto report = verify(req);
        ASSERT_TRUE(report.ok()) << report.error().message;
        ASSERT_TRUE(report->weights.has_value());
        std::vector<std::string> quantized;
        for (const auto& m : report->weights->modules) {
            EXPECT_EQ(m.groupSize, m.trainGroupSize) << m.module;
            if (m.groupSize > 0) quantized.push_back(m.module);
        }
        std::vector<std::string> wrapped;
        if (name != "fake_quant_disabled") {
            for (const auto& m : c.at("fake_quantized")) {
                const auto module = m.get<std::string>();
                if (module.find(".lora_") == std::string::npos && module != "model.embed_tokens")
                    wrapped.push_back(module);
            }
        }
        std::sort(quantized.begin(), quantized.end());
        EXPECT_EQ(quantized, wrapped);
        EXPECT_TRUE(report->logits.has_value());
    }
    EXPECT_EQ(cases, 7);
}

}  // namespace
}  // namespace ql
