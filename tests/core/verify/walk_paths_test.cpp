// The verify walk's two ways of preparing a Linear give the same report: row blocks through the block
// kernels (several blocks per module here) and whole modules through prepareLinear and ATen. Every
// count, maximum, map, worst element, histogram, code count and logit is compared exactly; float64
// sums may differ in the last bits only where blocks change their order (none here: DiffStream sums
// per row in row order).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "core/verify/walk_model.h"
#include "quantlens/recipe.h"
#include "quantlens/report_io.h"
#include "quantlens/verify.h"
#include "support/safetensors_writer.h"

namespace ql {
namespace {

class WalkPaths : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new test::TempDir();
        test::writeWalkModel(s_dir->path() / "model", s_dir->path() / "adapter");
    }
    static void TearDownTestSuite() { delete s_dir; }

    static VerifyReport run(const std::string& train, const std::string& eval, std::int64_t blockElements) {
        VerifyRequest r;
        r.train = *loadRecipe(train);
        r.eval = *loadRecipe(eval);
        r.prompts = {{"", {1, 17, 33, 250, 4, 90, 91, 5}}, {"", {7, 7, 200}}};
        r.blockElements = blockElements;
        auto report = verify(r);
        EXPECT_TRUE(report.ok()) << report.error().message;
        return report.ok() ? *report : VerifyReport{};
    }

    // The reports of both paths, with the fields that legitimately differ (timing) cleared.
    static void expectSame(const std::string& train, const std::string& eval) {
        VerifyReport rows = run(train, eval, 2048);  // 16-32 rows per block: several blocks per module
        VerifyReport whole = run(train, eval, 0);
        for (VerifyReport* r : {&rows, &whole}) {
            r->wallSeconds = 0;
            r->createdUtc.clear();
        }
        for (const ReportWarning& w : rows.warnings) {
            EXPECT_NE(w.kind, "lora_delta_whole_module") << "the row path was not taken: " << w.detail;
        }
        const nlohmann::json diff =
            nlohmann::json::diff(nlohmann::json::parse(reportToJson(whole)), nlohmann::json::parse(reportToJson(rows)));
        EXPECT_TRUE(diff.empty()) << diff.size() << " differences, first: " << diff.dump();
    }

    static test::TempDir* s_dir;
};
test::TempDir* WalkPaths::s_dir = nullptr;

TEST_F(WalkPaths, UnmergedTrainVsMergedEval) {
    expectSame(test::walkRecipe(s_dir->path(), "t", "unmerged", 64),
               test::walkRecipe(s_dir->path(), "e", "merged", 64));
}

TEST_F(WalkPaths, BothUnmergedWithTwoDeployments) {
    expectSame(test::walkRecipe(s_dir->path(), "t", "unmerged", 64),
               test::walkRecipe(s_dir->path(), "e", "unmerged", 64));
}

TEST_F(WalkPaths, GroupAndNumericsDifferBetweenSides) {
    expectSame(test::walkRecipe(s_dir->path(), "t", "unmerged", 32, "cuda"),
               test::walkRecipe(s_dir->path(), "e", "merged", 64, "cpu"));
}

// Per-module plans (module_forms, a fake-quantized embedding) go through both paths alike, and the
// weight check reads them: layer 0 merged and lm_head float on train, down_proj float on eval.
TEST_F(WalkPaths, PerModuleFormsAndEmbedding) {
    const std::string train = test::walkRecipe(s_dir->path(), "t", "unmerged", 64);
    const std::string eval = test::walkRecipe(s_dir->path(), "e", "merged", 64);
    std::ofstream(train, std::ios::app) << "module_forms: [{match: lm_head, form: float}, "
                                           "{match: '.*\\.layers\\.0\\..*', form: merged}]\n";
    std::ofstream(eval, std::ios::app) << "module_forms: [{match: '.*down_proj', form: float}]\n"
                                          "embedding_quantization: {scheme: intx_weight_only, weight_dtype: int8, "
                                          "granularity: per_group, group_size: 32}\n";
    expectSame(train, eval);
    const VerifyReport r = run(train, eval, 2048);
    ASSERT_TRUE(r.weights.has_value());
    for (const WeightModuleResult& m : r.weights->modules) {
        EXPECT_EQ(m.trainGroupSize, m.module == "lm_head" ? 0 : 64) << m.module;
        EXPECT_EQ(m.groupSize, m.layerType == "down_proj" ? 0 : 64) << m.module;
    }
}

// float32 sides without an adapter take the prepared path in row blocks: every block's values reach
// the weight histogram (it once kept only the last block of a non-bf16 module).
TEST_F(WalkPaths, Float32InRowBlocks) {
    const auto asFloat32 = [](const std::string& path) {
        std::ifstream in(path);
        std::string text((std::istreambuf_iterator<char>(in)), {});
        text.replace(text.find("dtype: bfloat16"), 15, "dtype: float32");
        std::ofstream(path) << text;
        return path;
    };
    const std::string train = asFloat32(test::walkRecipe(s_dir->path(), "t", "", 64));
    const std::string eval = asFloat32(test::walkRecipe(s_dir->path(), "e", "", 32));
    expectSame(train, eval);
    const VerifyReport r = run(train, eval, 2048);
    ASSERT_TRUE(r.weights.has_value());
    for (const WeightModuleResult& m : r.weights->modules) {
        std::uint64_t counted = 0;
        for (std::uint64_t c : m.originalHistogram.counts) counted += c;
        EXPECT_EQ(counted, static_cast<std::uint64_t>(m.shape[0] * m.shape[1])) << m.module;
    }
}

// Identical sides: the eval track copies every Linear product of the train track (same input, same
// weights) and reports the same logits; the deployments, whose weights differ, compute their own.
TEST_F(WalkPaths, IdenticalSidesShareEveryLinearForward) {
    const std::string train = test::walkRecipe(s_dir->path(), "t", "unmerged", 64);
    const VerifyReport r = run(train, test::walkRecipe(s_dir->path(), "e", "unmerged", 64), 2048);
    ASSERT_TRUE(r.weights && r.logits && r.convert);
    const auto modules = static_cast<std::int64_t>(r.weights->modules.size());
    EXPECT_EQ(r.walk.tracks, 2 + static_cast<std::int64_t>(r.convert->deployments.size()));
    EXPECT_EQ(r.walk.linearForwards, modules * r.walk.tracks);
    EXPECT_EQ(r.walk.linearForwardsShared, modules);
    EXPECT_EQ(r.logits->diff.maxAbs, 0.0);
    EXPECT_EQ(r.logits->diff.differing, 0u);
}

TEST_F(WalkPaths, NoAdapter) {
    expectSame(test::walkRecipe(s_dir->path(), "t", "", 64), test::walkRecipe(s_dir->path(), "e", "", 32));
}

// The like-for-like deployment of an unmerged eval side serves the LoRA on top of the int4 base: with
// both sides unmerged and the same spec, its codes are the fake quant's and its logits differ from the
// eval logits only by convert rounding; merge-then-convert is reported beside it.
TEST_F(WalkPaths, UnmergedEvalDeploysBaseWithLoraOnTop) {
    const VerifyReport r = run(test::walkRecipe(s_dir->path(), "t", "unmerged", 64),
                               test::walkRecipe(s_dir->path(), "e", "unmerged", 64), 1 << 18);
    ASSERT_TRUE(r.convert.has_value());
    ASSERT_EQ(r.convert->deployments.size(), 2u);
    EXPECT_EQ(r.convert->deployments[0].id, "like_for_like");
    EXPECT_EQ(r.convert->deployments[1].id, "merge_then_convert");
    EXPECT_EQ(r.convert->deployments[0].modulesCodesDiffer, 0);
    for (const ConvertModuleRow& row : r.convert->deployments[0].modules) {
        if (row.module == "lm_head") continue;
        EXPECT_NE(row.typeAfter.find("+ LoRA (unmerged)"), std::string::npos) << row.module;
        EXPECT_EQ(row.codesIdentical, std::optional<bool>(true)) << row.module;
    }
    for (const ConvertModuleRow& row : r.convert->deployments[1].modules) {
        EXPECT_FALSE(row.codesIdentical.has_value()) << row.module;  // not like with like
    }
}

// Check 5 says pass only when its stated rule holds: codes identical, argmax agreement >= threshold,
// every deployed logit within the convert tolerance.
TEST_F(WalkPaths, ConvertVerdictFollowsTheStatedRule) {
    const std::string train = test::walkRecipe(s_dir->path(), "t", "unmerged", 64);
    const std::string eval = test::walkRecipe(s_dir->path(), "e", "merged", 64);
    auto statusOf = [](const VerifyReport& r) {
        for (const CheckSummary& c : r.checks) {
            if (c.kind == CheckKind::Convert) return c;
        }
        return CheckSummary{};
    };
    VerifyRequest req;
    req.train = *loadRecipe(train);
    req.eval = *loadRecipe(eval);
    req.prompts = {{"", {1, 17, 33, 250, 4, 90, 91, 5}}};
    req.convertTolerance = {0.0, 0.0};
    auto strict = verify(req);
    ASSERT_TRUE(strict.ok());
    const ConvertDeployment& d = strict->convert->deployments.at(0);
    ASSERT_GT(d.logits.outOfTolerance, 0u);  // int4 with bf16 scales never reproduces the logits exactly
    EXPECT_EQ(statusOf(*strict).status, CheckStatus::Fail);
    EXPECT_NE(statusOf(*strict).rule.find("top token"), std::string::npos);
    EXPECT_NE(statusOf(*strict).explanation.find("convert tolerance"), std::string::npos);
    // With a zero tolerance every flip with a nonzero margin is beyond it.
    for (const ArgmaxFlip& f : d.flips) EXPECT_EQ(f.nearTie, f.margin <= 0.0);

    // A tolerance nothing exceeds: every flip is a near tie, and the codes are identical: pass, however
    // many positions flip, unless the opt-in argmax threshold says otherwise.
    req.convertTolerance = {1e9, 0.0};
    auto format = verify(req);
    ASSERT_TRUE(format.ok());
    EXPECT_EQ(format->convert->deployments.at(0).flipsBeyondTolerance, 0);
    EXPECT_EQ(statusOf(*format).status, CheckStatus::Pass);
    req.argmaxThreshold = 1.0;
    auto loose = verify(req);
    ASSERT_TRUE(loose.ok());
    const double agreement = loose->convert->deployments.at(0).argmaxAgreement;
    EXPECT_EQ(statusOf(*loose).status, agreement >= 1.0 ? CheckStatus::Pass : CheckStatus::Fail);

    req.argmaxThreshold = 0.0;
    auto lenient = verify(req);
    ASSERT_TRUE(lenient.ok());
    EXPECT_EQ(statusOf(*lenient).status, CheckStatus::Pass);
}

// Every check states its rule and explains itself, whatever its status.
TEST_F(WalkPaths, EveryCheckHasARuleAndAnExplanation) {
    const VerifyReport r = run(test::walkRecipe(s_dir->path(), "t", "unmerged", 64),
                               test::walkRecipe(s_dir->path(), "e", "merged", 64), 1 << 18);
    ASSERT_EQ(r.checks.size(), 6u);
    for (const CheckSummary& c : r.checks) {
        EXPECT_FALSE(c.rule.empty()) << checkKindName(c.kind);
        EXPECT_GT(c.explanation.size(), 80u) << checkKindName(c.kind);
    }
    // Only the adapter form differs between these recipes: the config headline says so.
    EXPECT_NE(r.checks[0].headline.find("LoRA form differs"), std::string::npos) << r.checks[0].headline;
}

}  // namespace
}  // namespace ql
