// verify() and its metrics against tests/reference/ql_ref/scenarios.py (torch, torchao 0.18, peft,
// transformers on CPU). Tolerances: counts exact; weight max|Δ| exact (same fp32 ops on both sides);
// metric sums 1e-9 relative (float64 sums in a different order); logit gaps see expectLogitGap.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "golden/golden_tensors.h"
#include "quantlens/recipe.h"
#include "quantlens/verify.h"
#include "verify/argmax_flips.h"
#include "verify/metrics.h"

namespace ql {
namespace {

using nlohmann::json;

json readJson(const std::filesystem::path& p) {
    std::ifstream in(p);
    EXPECT_TRUE(in.good()) << p;
    return json::parse(in);
}

double num(const json& j) {
    return j.is_string() ? std::numeric_limits<double>::infinity() : j.get<double>();
}

void expectRel(double got, double want, double rel, const std::string& what) {
    if (std::isinf(want)) {
        EXPECT_TRUE(std::isinf(got)) << what;
        return;
    }
    EXPECT_NEAR(got, want, rel * std::max(1e-300, std::abs(want))) << what;
}

TEST(VerifyMetricsGolden, DiffHistogramGroupMapWorst) {
    const auto dir = golden::referenceDir("scenarios");
    const json m = readJson(dir / "metrics.json");
    auto file = SafetensorsFile::openFile(dir / "metrics.safetensors");
    ASSERT_TRUE(file.ok());
    const Tolerance tol{m["atol"].get<double>(), m["rtol"].get<double>()};
    EXPECT_EQ(checks::logHistogramEdges(), m["edges"].get<std::vector<double>>());
    for (std::size_t i = 0; i < m["cases"].size(); ++i) {
        const json& c = m["cases"][i];
        at::Tensor a = *golden::loadTensor(*file, "a." + std::to_string(i));
        at::Tensor b = *golden::loadTensor(*file, "b." + std::to_string(i));
        const DiffMetrics d = checks::diffMetrics(a, b, tol);
        EXPECT_EQ(d.total, c["diff"]["total"].get<std::uint64_t>());
        EXPECT_EQ(d.differing, c["diff"]["differing"].get<std::uint64_t>());
        EXPECT_EQ(d.outOfTolerance, c["diff"]["out_of_tolerance"].get<std::uint64_t>());
        EXPECT_EQ(d.maxAbs, c["diff"]["max_abs"].get<double>());
        expectRel(d.meanAbs, num(c["diff"]["mean_abs"]), 1e-9, "mean_abs");
        expectRel(d.rmse, num(c["diff"]["rmse"]), 1e-9, "rmse");
        expectRel(d.sqnrDb, num(c["diff"]["sqnr_db"]), 1e-9, "sqnr");
        expectRel(d.cosine, num(c["diff"]["cosine"]), 1e-12, "cosine");
        const Histogram h = checks::absDiffHistogram(a, b);
        EXPECT_EQ(h.counts, c["hist"]["counts"].get<std::vector<std::uint64_t>>());
        EXPECT_EQ(h.zeros, c["hist"]["zeros"].get<std::uint64_t>());
        EXPECT_EQ(h.overflow, c["hist"]["overflow"].get<std::uint64_t>());
        const GroupErrorMap g = checks::groupErrorMap(a, b, m["map_group"].get<int>(), m["map_cells"].get<int>());
        EXPECT_EQ(g.rows, c["group_map"]["rows"].get<std::int64_t>());
        EXPECT_EQ(g.cols, c["group_map"]["cols"].get<std::int64_t>());
        EXPECT_EQ(g.maxAbs, c["group_map"]["max_abs"].get<std::vector<float>>());
        const auto worst = checks::worstElements(a, b, a);
        const auto want = c["worst"].get<std::vector<double>>();
        ASSERT_EQ(worst.size(), want.size());
        for (std::size_t k = 0; k < want.size(); ++k) {
            EXPECT_EQ(std::abs(worst[k].train - worst[k].eval), want[k]) << k;
        }
    }
}

TEST(VerifyMetricsGolden, KlQuantilesTopK) {
    const auto dir = golden::referenceDir("scenarios");
    const json m = readJson(dir / "metrics.json")["logits"];
    auto file = SafetensorsFile::openFile(dir / "metrics.safetensors");
    ASSERT_TRUE(file.ok());
    at::Tensor lt = *golden::loadTensor(*file, "lt");
    at::Tensor le = *golden::loadTensor(*file, "le");
    at::Tensor kl = checks::klPerPosition(lt, le);
    const auto want = m["kl"].get<std::vector<double>>();
    ASSERT_EQ(kl.numel(), static_cast<std::int64_t>(want.size()));
    for (std::size_t i = 0; i < want.size(); ++i)
        expectRel(kl[static_cast<std::int64_t>(i)].item<double>(), want[i], 1e-12, "kl");
    const auto q = checks::quantiles(kl);
    expectRel(q.mean, m["kl_mean"].get<double>(), 1e-12, "kl mean");
    expectRel(q.median, m["kl_median"].get<double>(), 1e-12, "kl median");
    expectRel(q.p99, m["kl_p99"].get<double>(), 1e-12, "kl p99");
    expectRel(q.max, m["kl_max"].get<double>(), 1e-12, "kl max");
    EXPECT_EQ(checks::topKAgreement(lt, le, 1), m["top1"].get<double>());
    EXPECT_EQ(checks::topKAgreement(lt, le, 5), m["top5"].get<double>());
}

// One flip against ql_ref.fake_quant.argmax_flips: the same positions and tokens, and margins,
// tolerances and deviations equal (differences of the same fp32 values, taken in double on both sides).
void expectFlip(const ArgmaxFlip& got, const json& want, const std::string& where) {
    EXPECT_EQ(got.position, want["position"].get<std::int64_t>()) << where;
    EXPECT_EQ(got.fakeTop, want["fake_top"].get<std::int32_t>()) << where;
    EXPECT_EQ(got.deployedTop, want["deployed_top"].get<std::int32_t>()) << where;
    EXPECT_EQ(got.margin, want["margin"].get<double>()) << where;
    EXPECT_EQ(got.fakeTop2Margin, want["fake_top2_margin"].get<double>()) << where;
    EXPECT_EQ(got.allowed, want["allowed"].get<double>()) << where;
    EXPECT_EQ(got.deviationFakeTop, want["deviation_fake_top"].get<double>()) << where;
    EXPECT_EQ(got.deviationDeployedTop, want["deviation_deployed_top"].get<double>()) << where;
    EXPECT_EQ(got.nearTie, want["near_tie"].get<bool>()) << where;
}

TEST(VerifyMetricsGolden, ArgmaxFlipsWithMarginsAndTies) {
    const auto dir = golden::referenceDir("scenarios");
    const json m = readJson(dir / "metrics.json")["flips"];
    auto file = SafetensorsFile::openFile(dir / "metrics.safetensors");
    ASSERT_TRUE(file.ok());
    ConvertDeployment d;
    checks::addArgmaxFlips(*golden::loadTensor(*file, "flip_fake"), *golden::loadTensor(*file, "flip_real"), 0,
                           Tolerance{m["atol"].get<double>(), m["rtol"].get<double>()}, d);
    const json& want = m["expected"];
    ASSERT_EQ(d.flips.size(), want.size());
    std::int64_t nearTies = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
        expectFlip(d.flips[i], want[i], "flip " + std::to_string(i));
        nearTies += want[i]["near_tie"].get<bool>() ? 1 : 0;
    }
    EXPECT_EQ(d.flipsTotal, static_cast<std::int64_t>(want.size()));
    EXPECT_EQ(d.flipsNearTie, nearTies);
    EXPECT_EQ(d.flipsBeyondTolerance, d.flipsTotal - nearTies);
    EXPECT_GT(nearTies, 0);  // the case holds both kinds
    EXPECT_GT(d.flipsBeyondTolerance, 0);
    EXPECT_EQ(d.positions, 40);
}

class VerifyScenario : public ::testing::Test {
protected:
    Result<VerifyReport> run(const std::string& name) {
        const auto dir = golden::referenceDir("scenarios");
        const json index = readJson(dir / "index.json");
        VerifyRequest req;
        auto t = loadRecipe((dir / name / "train.yaml").string());
        auto e = loadRecipe((dir / name / "eval.yaml").string());
        EXPECT_TRUE(t.ok() && e.ok());
        req.train = *t;
        req.eval = *e;
        for (const auto& ids : index["prompt_ids"]) req.prompts.push_back({"", ids.get<std::vector<std::int32_t>>()});
        req.attention = AttentionImpl::Eager;  // scenarios.py loads the models with attn_implementation="eager"
        m_expected = readJson(dir / name / "expected.json");
        m_request = req;
        return verify(req);
    }
    VerifyRequest m_request;  // of the last run
    // Every module's effective-weight comparison equals the Python one exactly.
    void expectWeights(const VerifyReport& r) {
        ASSERT_TRUE(r.weights.has_value());
        std::size_t matched = 0;
        for (const auto& mod : r.weights->modules) {
            if (!m_expected["weights"].contains(mod.module)) continue;
            const json& w = m_expected["weights"][mod.module];
            EXPECT_EQ(mod.diff.differing, w["differing"].get<std::uint64_t>()) << mod.module;
            EXPECT_EQ(mod.diff.maxAbs, w["max_abs"].get<double>()) << mod.module;
            ++matched;
        }
        EXPECT_EQ(matched, m_expected["weights"].size());
    }
    // The train-vs-eval logit gap of the C++ forward against transformers', both eager attention in
    // bf16: the logits are bit-identical per side, so max |Δ| and top-1 agree exactly; the mean
    // differs only by Python's float32 accumulation of it (C++ sums in float64).
    void expectLogitGap(const VerifyReport& r) {
        const json& l = m_expected["logits"];
        if (l["max_abs"].get<double>() == 0.0) {
            EXPECT_EQ(r.logits->diff.maxAbs, 0.0);
            EXPECT_EQ(r.logits->top1Agreement, 1.0);
            return;
        }
        EXPECT_EQ(r.logits->diff.maxAbs, l["max_abs"].get<double>());
        EXPECT_EQ(r.logits->top1Agreement, l["top1"].get<double>());
        std::printf("[ logits ] max|Δ| C++ %.6g python %.6g; mean C++ %.6g python %.6g; top1 C++ %.4f python %.4f\n",
                    r.logits->diff.maxAbs, l["max_abs"].get<double>(), r.logits->diff.meanAbs,
                    l["mean_abs"].get<double>(), r.logits->top1Agreement, l["top1"].get<double>());
        expectRel(r.logits->diff.meanAbs, l["mean_abs"].get<double>(), kLogitGapTol, "logits mean gap");
    }
    // Every expected convert row: the dequant gap exactly as Python's, plus `more` per row.
    void expectConvertRows(const VerifyReport& r,
                           const std::function<void(const ConvertModuleRow&, const json&)>& more) {
        ASSERT_TRUE(r.convert.has_value());
        std::size_t matched = 0;
        for (const auto& row : r.convert->deployments.at(0).modules) {
            if (!m_expected["convert"].contains(row.module)) continue;
            const json& w = m_expected["convert"][row.module];
            EXPECT_EQ(row.dequant.maxAbs, w["dequant_max_abs"].get<double>()) << row.module;
            EXPECT_EQ(row.dequant.differing, w["dequant_differing"].get<std::uint64_t>()) << row.module;
            more(row, w);
            ++matched;
        }
        EXPECT_EQ(matched, m_expected["convert"].size());
    }
    static constexpr double kLogitGapTol = 1e-5;
    json m_expected;
};

// The checks that did not pass, with their headlines, for failure messages.
std::string notPassed(const VerifyReport& r) {
    std::string out;
    for (const auto& c : r.checks)
        if (c.status != CheckStatus::Pass) out += std::string(checkKindName(c.kind)) + ": " + c.headline + "; ";
    return out;
}

CheckStatus statusOf(const VerifyReport& r, CheckKind k) {
    for (const auto& c : r.checks)
        if (c.kind == k) return c.status;
    return CheckStatus::Error;
}

TEST_F(VerifyScenario, IdenticalRecipesAreBitIdentical) {
    auto r = run("a_identical");
    ASSERT_TRUE(r.ok()) << r.error().message;
    // Every train-vs-eval check passes. The convert check asks another question (fake quant vs the
    // deployed real int4 model): on this random 2-layer model the logits are near ties, so real int4
    // flips some argmaxes and that check fails by its stated rule.
    for (CheckKind k : {CheckKind::Config, CheckKind::Weights, CheckKind::Logits, CheckKind::Activations})
        EXPECT_EQ(statusOf(*r, k), CheckStatus::Pass) << checkKindName(k) << " — " << notPassed(*r);
    ASSERT_TRUE(r->convert.has_value());
    // The convert check: identical codes; the argmax flips real int4 causes on this random model's
    // near-tied logits are the format's cost, not a failure (the flips themselves: ConvertRoundsScalesKeepsCodes).
    const auto& deployed = r->convert->deployments.at(0);
    EXPECT_EQ(deployed.modulesCodesDiffer, 0);
    EXPECT_LT(deployed.argmaxAgreement, 1.0);
    EXPECT_EQ(deployed.flipsBeyondTolerance, 0);
    EXPECT_EQ(statusOf(*r, CheckKind::Convert), CheckStatus::Pass) << notPassed(*r);
    // Both sides keep the LoRA unmerged: adapter merge is information, and the verdict says so.
    EXPECT_EQ(statusOf(*r, CheckKind::AdapterMerge), CheckStatus::Info);
    EXPECT_EQ(r->verdictText(), "all checks pass (1 for information)");
    EXPECT_EQ(r->weights->modulesDiffering, 0);
    expectWeights(*r);
    expectLogitGap(*r);
}

TEST_F(VerifyScenario, MergedEvalFailsAdapterMerge) {
    auto r = run("b_merge");
    ASSERT_TRUE(r.ok()) << r.error().message;
    expectWeights(*r);
    expectLogitGap(*r);
    EXPECT_EQ(statusOf(*r, CheckKind::AdapterMerge), CheckStatus::Fail);
    EXPECT_EQ(statusOf(*r, CheckKind::Logits), CheckStatus::Fail);
    ASSERT_TRUE(r->adapterMerge.has_value());
    EXPECT_EQ(r->adapterMerge->modules.size(), 2u * 3u);  // q, v, down of 2 layers
    for (const auto& m : r->adapterMerge->modules) EXPECT_GT(m.weight.differing, 0u) << m.module;
    EXPECT_FALSE(r->adapterMerge->recommendation.empty());
    // The merged and unmerged maps are compared on the eval forward's own Linear inputs.
    bool probesFromPrompts = false;
    for (const auto& c : r->checks) {
        if (c.kind != CheckKind::AdapterMerge) continue;
        for (const auto& n : c.numbers)
            probesFromPrompts |= n.label == "probe inputs" && n.display.rfind("prompt activations", 0) == 0;
    }
    EXPECT_TRUE(probesFromPrompts);
}

TEST_F(VerifyScenario, OldTorchaoGroupFailsConfigAndWeights) {
    auto r = run("c_group");
    ASSERT_TRUE(r.ok()) << r.error().message;
    expectWeights(*r);
    expectLogitGap(*r);
    EXPECT_EQ(statusOf(*r, CheckKind::Config), CheckStatus::Fail);
    EXPECT_EQ(statusOf(*r, CheckKind::Weights), CheckStatus::Fail);
    bool namesGroup = false;
    for (const auto& f : r->config.fields) {
        if (f.verdict == DiffClass::ChangesNumerics && f.field.find("group") != std::string::npos) namesGroup = true;
    }
    EXPECT_TRUE(namesGroup);
}

TEST_F(VerifyScenario, ConvertRoundsScalesKeepsCodes) {
    auto r = run("d_convert");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->convert.has_value());
    expectConvertRows(*r, [](const ConvertModuleRow& row, const json& w) {
        ASSERT_TRUE(row.codesIdentical.has_value()) << row.module;
        EXPECT_EQ(*row.codesIdentical, w["codes_identical"].get<bool>()) << row.module;
        EXPECT_EQ(row.scalesRoundedInBf16, w["scales_rounded"].get<std::uint64_t>()) << row.module;
        EXPECT_EQ(row.zerosRoundedInBf16, w["zeros_rounded"].get<std::uint64_t>()) << row.module;
    });
    EXPECT_GT(r->convert->deployments.at(0).logits.maxAbs, 0.0);
    EXPECT_LT(r->convert->deployments.at(0).bytesAfter, r->convert->deployments.at(0).bytesBefore);
    // The deployed model against torchao's own convert of the unmerged PeftModel (int4 base, LoRA on top):
    // the same logit gap, argmax agreement and the same flips with the same margins.
    const auto& d = r->convert->deployments.at(0);
    const json& want = m_expected["deployed"];
    EXPECT_EQ(want["weight_type"].get<std::string>(), "Int4Tensor");
    EXPECT_EQ(d.logits.maxAbs, want["max_abs"].get<double>());
    EXPECT_EQ(d.argmaxAgreement, want["argmax_agreement"].get<double>());
    ASSERT_EQ(d.flips.size(), want["flips"].size());
    bool allNearTies = true;
    for (std::size_t i = 0; i < d.flips.size(); ++i) {
        EXPECT_EQ(d.flips[i].prompt, want["flips"][i]["prompt"].get<int>());
        expectFlip(d.flips[i], want["flips"][i], "flip " + std::to_string(i));
        allNearTies = allNearTies && want["flips"][i]["near_tie"].get<bool>();
    }
    EXPECT_GT(d.flipsTotal, 0);  // the case is meaningful: real int4 reverses near ties here
    EXPECT_EQ(statusOf(*r, CheckKind::Convert), allNearTies ? CheckStatus::Pass : CheckStatus::Fail) << notPassed(*r);
    // The format's cost is measured: scales rounded to bf16 over all converted groups.
    EXPECT_GT(d.scalesRoundedInBf16, 0u);
    EXPECT_GT(d.groupsTotal, d.scalesRoundedInBf16);
}

TEST_F(VerifyScenario, ConvertWithDifferentCodesFails) {
    // Eval emulates torchao 0.15: fake quant uses group 128 while convert uses the config's 64, so the
    // deployed codes are not the evaluated ones.
    auto r = run("c_group");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->convert.has_value());
    EXPECT_GT(r->convert->deployments.at(0).modulesCodesDiffer, 0);
    EXPECT_EQ(statusOf(*r, CheckKind::Convert), CheckStatus::Fail);
}

TEST_F(VerifyScenario, IntxConvertIsBitIdenticalToFakeQuant) {
    auto r = run("f_intx_convert");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->convert.has_value());
    expectConvertRows(*r, [](const ConvertModuleRow& row, const json&) {
        EXPECT_NE(row.typeAfter.find("IntxUnpackedToInt8Tensor"), std::string::npos) << row.module;
    });
    EXPECT_EQ(r->convert->deployments.at(0).logits.maxAbs, m_expected["logits"]["max_abs"].get<double>());
    EXPECT_EQ(r->convert->deployments.at(0).argmaxAgreement, m_expected["logits"]["argmax_agreement"].get<double>());
    EXPECT_EQ(statusOf(*r, CheckKind::Convert), CheckStatus::Pass);
    EXPECT_LT(r->convert->deployments.at(0).bytesAfter, r->convert->deployments.at(0).bytesBefore);
    for (const auto& row : r->convert->deployments.at(0).modules) {  // every element of every module was compared
        EXPECT_EQ(row.dequant.total, static_cast<std::uint64_t>(row.shape[0] * row.shape[1])) << row.module;
    }
}

// Every counterfactual track of the diagnosis equals the notebook's steps run with that one setting
// changed (scenarios.py g_diagnose): modules differing exactly, logits max |Δ| and top-1 agreement
// exactly (both sides' logits are bit-identical to transformers' eager bf16 ones).
void expectEffect(const TrackEffect& got, const json& want, const std::string& what) {
    EXPECT_EQ(got.weightsModulesDiffering, want["weights_modules_differing"].get<std::int64_t>()) << what;
    EXPECT_EQ(got.logitsMaxAbs, want["logits_max_abs"].get<double>()) << what;
    EXPECT_EQ(got.logitsTop1Agreement, want["logits_top1_agreement"].get<double>()) << what;
}

TEST_F(VerifyScenario, DiagnosisTracksEqualTheNotebookWithEachSettingReverted) {
    auto r = run("g_diagnose");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->diagnosis.has_value());
    const Diagnosis& d = *r->diagnosis;
    expectEffect(d.before, m_expected["before"], "before");
    std::set<std::string> fields;
    for (const DiagnosisCause& c : d.causes) {
        fields.insert(c.field);
        ASSERT_TRUE(m_expected["causes"].contains(c.field)) << "unexpected cause " << c.field;
        ASSERT_TRUE(c.effect.has_value()) << c.field << ": " << c.note;
        expectEffect(*c.effect, m_expected["causes"][c.field], c.field);
    }
    EXPECT_EQ(fields.size(), m_expected["causes"].size());
    // Ranked: the cause whose revert leaves the smallest logit gap first, causes without effect alone last.
    const auto masked = [&](const DiagnosisCause& c) {
        return c.effect->logitsMaxAbs == d.before.logitsMaxAbs &&
               c.effect->logitsTop1Agreement == d.before.logitsTop1Agreement &&
               c.effect->weightsModulesDiffering == d.before.weightsModulesDiffering;
    };
    for (std::size_t i = 1; i < d.causes.size(); ++i) {
        const DiagnosisCause &a = d.causes[i - 1], &b = d.causes[i];
        EXPECT_LE(masked(a), masked(b));
        if (masked(a) == masked(b)) EXPECT_LE(a.effect->logitsMaxAbs, b.effect->logitsMaxAbs);
    }
    // Under torchao 0.15 the group size alone changes nothing (the fake quantizer forces 128): said so.
    for (const DiagnosisCause& c : d.causes) {
        if (c.field == "quantization.group_size")
            EXPECT_NE(c.note.find("pytorch/ao#3572"), std::string::npos) << c.note;
    }
    ASSERT_TRUE(d.allReverted.has_value());
    expectEffect(*d.allReverted, m_expected["all_reverted"], "all reverted");
    // Train, eval, two deployments... and five diagnosis tracks; the group-size track equals eval's in
    // every module, so its Linear products are copies (the numbers above are still the reference's).
    EXPECT_EQ(r->walk.tracks, 2 + static_cast<std::int64_t>(r->convert->deployments.size()) + 5);
    EXPECT_GE(r->walk.linearForwardsShared, static_cast<std::int64_t>(r->weights->modules.size()));
    EXPECT_TRUE(d.fixedRecipeMatchesTrain);
    EXPECT_TRUE(d.remaining.empty());
    // The fixed recipe, run as a second verify, passes every train-vs-eval check, gets every verdict
    // train's own recipe gets as its eval side (convert and adapter merge judge the eval side alone: on
    // this random 2-layer model int4's bf16 scales move a logit by more than the convert tolerance even
    // with identical codes), and its numbers are the all-reverted track's.
    auto fixed = parseRecipe(d.fixedEvalYaml, "fixed.yaml");
    ASSERT_TRUE(fixed.ok()) << fixed.error().message;
    VerifyRequest req = m_request;
    req.eval = *fixed;
    auto again = verify(req);
    ASSERT_TRUE(again.ok()) << again.error().message;
    VerifyRequest self = m_request;
    self.eval = self.train;
    auto trainItself = verify(self);
    ASSERT_TRUE(trainItself.ok()) << trainItself.error().message;
    for (CheckKind k : {CheckKind::Config, CheckKind::Weights, CheckKind::Logits, CheckKind::Activations})
        EXPECT_EQ(statusOf(*again, k), CheckStatus::Pass) << checkKindName(k) << " — " << notPassed(*again);
    for (const CheckSummary& c : trainItself->checks)
        EXPECT_EQ(statusOf(*again, c.kind), c.status) << checkKindName(c.kind);
    EXPECT_EQ(again->convert->deployments.at(0).modulesCodesDiffer, 0);
    EXPECT_EQ(again->convert->deployments.at(0).flipsBeyondTolerance, 0);
    EXPECT_FALSE(again->diagnosis.has_value());
    EXPECT_EQ(again->weights->modulesDiffering, d.allReverted->weightsModulesDiffering);
    EXPECT_EQ(again->logits->diff.maxAbs, d.allReverted->logitsMaxAbs);
    EXPECT_EQ(again->logits->top1Agreement, d.allReverted->logitsTop1Agreement);
}

TEST_F(VerifyScenario, CudaVsCpuNumericsFlipCodes) {
    auto r = run("e_device");
    ASSERT_TRUE(r.ok()) << r.error().message;
    expectWeights(*r);
    expectLogitGap(*r);
    EXPECT_EQ(statusOf(*r, CheckKind::Weights), CheckStatus::Fail);
}

// DoRA: the unmerged side's effective weight is m/||W + s·BA||_row ⊙ (W + s·BA), which is what PEFT's
// merge_and_unload writes (LoraMergeGolden checks the merged weights bit for bit against peft), so an
// unquantized fp32 model with the adapter kept unmerged and merged gives the same effective weights.
TEST(VerifyDora, UnmergedEffectiveWeightIsThePeftMergedWeight) {
    const auto ck = golden::referenceDir("checkpoints");
    VerifyRequest req;
    for (Recipe* r : {&req.train, &req.eval}) {
        r->modelDir = (ck / "qwen3_untied_fp32_sharded").string();
        r->dtype = DType::F32;
        r->adapter = AdapterSpec{};
        r->adapter->path = (ck / "lora_dora_qwen3").string();
    }
    req.train.sourceFile = "dora_unmerged";
    req.eval.sourceFile = "dora_merged";
    req.train.adapter->form = AdapterForm::Unmerged;
    req.eval.adapter->form = AdapterForm::Merged;
    req.prompts.push_back({"", {1, 2, 3, 4, 5, 6, 7, 8}});
    req.checkConvert = false;
    auto r = verify(req);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->weights.has_value());
    int adapted = 0;
    for (const auto& m : r->weights->modules) {
        if (m.loraDeltaMaxAbs == 0.0) continue;
        ++adapted;
        EXPECT_LE(m.diff.maxAbs, 1e-6) << m.module;
    }
    EXPECT_GT(adapted, 0);
}

}  // namespace
}  // namespace ql
