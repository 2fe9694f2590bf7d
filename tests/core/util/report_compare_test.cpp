// compareReports: which verdicts got worse or better (the CLI's exit code), per-module and
// per-layer deltas matched by name / index, modules present in one report only, and the JSON form.
#include "quantlens/report_compare.h"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace ql {
namespace {

WeightModuleResult module(const std::string& name, int layer, double maxAbs, bool pass) {
    WeightModuleResult m;
    m.module = name;
    m.layerIndex = layer;
    m.layerType = name.substr(name.rfind('.') + 1);
    m.diff.maxAbs = maxAbs;
    m.diff.differing = maxAbs > 0 ? 10 : 0;
    m.diff.sqnrDb = maxAbs > 0 ? 40.0 : std::numeric_limits<double>::infinity();
    m.pass = pass;
    return m;
}

VerifyReport report(CheckStatus weights, CheckStatus logits, std::vector<WeightModuleResult> modules, double top1) {
    VerifyReport r;
    r.checks = {{CheckKind::Config, CheckStatus::Pass, "", {}, "", ""},
                {CheckKind::Weights, weights, "", {}, "", ""},
                {CheckKind::Logits, logits, "", {}, "", ""},
                {CheckKind::Convert, CheckStatus::Skipped, "", {}, "", ""}};
    WeightsCheck w;
    w.modules = std::move(modules);
    r.weights = w;
    LogitsCheck l;
    l.top1Agreement = top1;
    l.diff.maxAbs = 0.5;
    r.logits = l;
    ActivationsCheck a;
    a.layers = {{0, DiffMetrics{}, 0.0}, {1, DiffMetrics{10, 1, 1, 0.25, 0, 0, 0, 1, 0}, 0.01}};
    a.firstDivergingLayer = 1;
    r.activations = a;
    return r;
}

TEST(ReportCompare, AFailingCheckInBWhereAPassedIsWorse) {
    const VerifyReport a = report(CheckStatus::Pass, CheckStatus::Pass, {module("m.q_proj", 0, 0.0, true)}, 1.0);
    const VerifyReport b = report(CheckStatus::Fail, CheckStatus::Pass, {module("m.q_proj", 0, 0.5, false)}, 0.75);
    const ReportComparison c = compareReports(a, b);
    ASSERT_EQ(c.checks.size(), 4u);
    EXPECT_TRUE(c.checks[1].worse);
    EXPECT_FALSE(c.checks[2].worse);
    EXPECT_FALSE(c.checks[3].worse);  // skipped -> skipped
    EXPECT_EQ(c.modulesWorse(), 1);
    EXPECT_TRUE(c.gotWorse());
    const auto reasons = c.worseReasons();
    ASSERT_EQ(reasons.size(), 2u);
    EXPECT_EQ(reasons[0], "check weights: pass -> fail");
    EXPECT_EQ(reasons[1], "module m.q_proj: within -> out of tolerance");
}

TEST(ReportCompare, FixingTheEvalPathIsBetterNotWorse) {
    const VerifyReport a = report(CheckStatus::Fail, CheckStatus::Fail, {module("m.q_proj", 0, 0.5, false)}, 0.5);
    const VerifyReport b = report(CheckStatus::Pass, CheckStatus::Pass, {module("m.q_proj", 0, 0.0, true)}, 1.0);
    const ReportComparison c = compareReports(a, b);
    EXPECT_FALSE(c.gotWorse());
    EXPECT_TRUE(c.checks[1].better);
    EXPECT_TRUE(c.checks[2].better);
    EXPECT_EQ(c.modulesBetter(), 1);
}

TEST(ReportCompare, LargerErrorsWithinToleranceAreNotAVerdict) {
    const VerifyReport a = report(CheckStatus::Pass, CheckStatus::Pass, {module("m.q_proj", 0, 1e-6, true)}, 1.0);
    const VerifyReport b = report(CheckStatus::Pass, CheckStatus::Pass, {module("m.q_proj", 0, 1e-3, true)}, 1.0);
    const ReportComparison c = compareReports(a, b);
    EXPECT_FALSE(c.gotWorse());
    ASSERT_EQ(c.modules.size(), 1u);
    EXPECT_DOUBLE_EQ(c.modules[0].a->maxAbs, 1e-6);
    EXPECT_DOUBLE_EQ(c.modules[0].b->maxAbs, 1e-3);
}

TEST(ReportCompare, ModulesAreMatchedByNameAndKeptWhenInOneReportOnly) {
    const VerifyReport a = report(CheckStatus::Pass, CheckStatus::Pass,
                                  {module("m.q_proj", 0, 0.1, true), module("m.k_proj", 0, 0.2, true)}, 1.0);
    const VerifyReport b = report(CheckStatus::Pass, CheckStatus::Pass,
                                  {module("m.k_proj", 0, 0.3, true), module("m.v_proj", 0, 0.4, true)}, 1.0);
    const ReportComparison c = compareReports(a, b);
    ASSERT_EQ(c.modules.size(), 3u);
    EXPECT_EQ(c.modules[0].module, "m.q_proj");
    EXPECT_FALSE(c.modules[0].b.has_value());
    EXPECT_EQ(c.modules[1].module, "m.k_proj");
    EXPECT_DOUBLE_EQ(c.modules[1].a->maxAbs, 0.2);
    EXPECT_DOUBLE_EQ(c.modules[1].b->maxAbs, 0.3);
    EXPECT_EQ(c.modules[2].module, "m.v_proj");
    EXPECT_FALSE(c.modules[2].a.has_value());
    EXPECT_FALSE(c.gotWorse());
}

TEST(ReportCompare, LayersAndKeyNumbersSideBySide) {
    const VerifyReport a = report(CheckStatus::Pass, CheckStatus::Pass, {}, 1.0);
    const VerifyReport b = report(CheckStatus::Pass, CheckStatus::Fail, {}, 0.75);
    const ReportComparison c = compareReports(a, b);
    ASSERT_EQ(c.layers.size(), 2u);
    EXPECT_DOUBLE_EQ(*c.layers[1].maxAbsA, 0.25);
    EXPECT_EQ(c.firstDivergingLayerB, 1);
    const auto top1 = std::find_if(c.scalars.begin(), c.scalars.end(),
                                   [](const ScalarDelta& s) { return s.name == "top-1 agreement"; });
    ASSERT_NE(top1, c.scalars.end());
    EXPECT_DOUBLE_EQ(*top1->a, 1.0);
    EXPECT_DOUBLE_EQ(*top1->b, 0.75);
    EXPECT_TRUE(c.deployments.empty());  // no convert section in either report
}

ConvertDeployment deployment(const std::string& id, bool pass, double argmax) {
    ConvertDeployment d;
    d.id = id;
    d.title = id + " title";
    d.pass = pass;
    d.argmaxAgreement = argmax;
    d.logits.maxAbs = pass ? 0.125 : 0.5;
    return d;
}

// A: like for like passes, merge-then-convert passes. B: like for like still passes (so the convert
// check's verdict is unchanged) but merge-then-convert fails: a deployment's verdict got worse.
TEST(ReportCompare, ADeploymentWhoseVerdictGetsWorseIsWorse) {
    VerifyReport a = report(CheckStatus::Pass, CheckStatus::Pass, {}, 1.0);
    VerifyReport b = a;
    a.convert.emplace().deployments = {deployment("like_for_like", true, 1.0),
                                       deployment("merge_then_convert", true, 1.0)};
    b.convert.emplace().deployments = {deployment("like_for_like", true, 1.0),
                                       deployment("merge_then_convert", false, 0.9375)};
    const ReportComparison c = compareReports(a, b);
    ASSERT_EQ(c.deployments.size(), 2u);
    EXPECT_FALSE(c.deployments[0].worse());
    EXPECT_TRUE(c.deployments[1].worse());
    EXPECT_DOUBLE_EQ(*c.deployments[1].argmaxB, 0.9375);
    EXPECT_TRUE(c.gotWorse());
    ASSERT_EQ(c.worseReasons().size(), 1u);
    EXPECT_EQ(c.worseReasons()[0], "convert deployment merge_then_convert: pass -> fail");
    const auto agreement = std::find_if(c.scalars.begin(), c.scalars.end(), [](const ScalarDelta& s) {
        return s.name == "convert merge_then_convert: argmax agreement";
    });
    ASSERT_NE(agreement, c.scalars.end());
    EXPECT_DOUBLE_EQ(*agreement->a, 1.0);
    EXPECT_DOUBLE_EQ(*agreement->b, 0.9375);
    const auto j = nlohmann::json::parse(comparisonToJson(c, "a.json", "b.json"));
    EXPECT_EQ(j["deployments"][1]["id"], "merge_then_convert");
    EXPECT_EQ(j["deployments"][1]["verdict_b"], "fail");
    EXPECT_TRUE(j["deployments"][1]["worse"].get<bool>());
    // The reverse is better, and a deployment B lacks is no verdict.
    const ReportComparison back = compareReports(b, a);
    EXPECT_TRUE(back.deployments[1].better());
    EXPECT_FALSE(back.gotWorse());
    VerifyReport onlyLike = b;
    onlyLike.convert->deployments.resize(1);
    EXPECT_FALSE(compareReports(a, onlyLike).gotWorse());
    EXPECT_FALSE(compareReports(onlyLike, b).gotWorse());  // merge_then_convert not in A: nothing to get worse
}

TEST(ReportCompare, AFailingDeploymentThatFailsMoreIsWorse) {
    VerifyReport a = report(CheckStatus::Pass, CheckStatus::Pass, {}, 1.0);
    VerifyReport b = a;
    // A: fails (say by the opt-in threshold) with identical codes and near-tie flips only; B: 29 modules
    // change codes and 40 flips are beyond the tolerance.
    ConvertDeployment da = deployment("like_for_like", false, 0.95);
    ConvertDeployment db = deployment("like_for_like", false, 0.256);
    db.modulesCodesDiffer = 29;
    db.flipsBeyondTolerance = 40;
    a.convert.emplace().deployments = {da};
    b.convert.emplace().deployments = {db};
    const ReportComparison c = compareReports(a, b);
    ASSERT_EQ(c.worseReasons().size(), 1u);
    EXPECT_EQ(c.worseReasons()[0],
              "convert deployment like_for_like: fail -> fail, modules changing codes 0 -> 29, "
              "argmax flips beyond the convert tolerance 0 -> 40");
    const auto j = nlohmann::json::parse(comparisonToJson(c, "a.json", "b.json"));
    EXPECT_EQ(j["deployments"][0]["flips_beyond_tolerance_b"], 40);
    EXPECT_TRUE(j["deployments"][0]["worse"].get<bool>());
    // Failing in both, no more codes nor real flips (a lower agreement from near ties alone): not worse.
    ConvertDeployment nearTiesOnly = da;
    nearTiesOnly.argmaxAgreement = 0.9;
    nearTiesOnly.flipsNearTie = 12;
    b.convert->deployments = {nearTiesOnly};
    EXPECT_FALSE(compareReports(a, b).gotWorse());
    EXPECT_FALSE(compareReports(b, a).gotWorse());
}

TEST(ReportCompare, JsonCarriesVerdictsAndDeltas) {
    const VerifyReport a = report(CheckStatus::Pass, CheckStatus::Pass, {module("m.q_proj", 0, 0.0, true)}, 1.0);
    const VerifyReport b = report(CheckStatus::Fail, CheckStatus::Pass, {module("m.q_proj", 0, 0.5, false)}, 1.0);
    const auto j = nlohmann::json::parse(comparisonToJson(compareReports(a, b), "a.json", "b.json"));
    EXPECT_EQ(j["a"], "a.json");
    EXPECT_TRUE(j["got_worse"].get<bool>());
    EXPECT_EQ(j["checks"][1]["kind"], "weights");
    EXPECT_EQ(j["checks"][1]["b"], "fail");
    EXPECT_EQ(j["modules"][0]["a"]["sqnr_db"], "inf");
    EXPECT_EQ(j["modules"][0]["verdict_b"], "fail");
    EXPECT_EQ(j["modules_worse"], 1);
}

}  // namespace
}  // namespace ql
