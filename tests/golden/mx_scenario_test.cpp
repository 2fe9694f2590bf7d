// `quantlens verify` end to end on an MX QAT pair against tests/reference/ql_ref/mx_formats.py (mx_scaling):
// train MXFP4 RCEIL vs eval MXFP4 FLOOR (both EMULATED, torchao 0.18 on CPU, llama3_tied_bf16, no adapter).
// Per module the effective weights' gap exactly as torchao's MXTensor values; the config finding names both
// scale modes; the eval side's convert (MXTensor, QATConfig step="convert") equals its fake quant in weights and
// logits; the walk's logits gap equals torchao's; each side's model forward (CausalLm, form FQ) is bit-identical
// with torchao's MXFakeQuantizedLinear model.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "golden/forward_golden.h"
#include "golden/golden_tensors.h"
#include "model/causal_lm.h"
#include "quant/fake_quant.h"
#include "quant/fake_quant_spec.h"
#include "quant/mx_kernels.h"
#include "quantlens/recipe.h"
#include "quantlens/verify.h"

namespace ql {
namespace {

using nlohmann::json;

json readJson(const std::filesystem::path& p) {
    std::ifstream in(p);
    EXPECT_TRUE(in.good()) << p;
    return json::parse(in);
}

CheckStatus statusOf(const VerifyReport& r, CheckKind k) {
    for (const auto& c : r.checks)
        if (c.kind == k) return c.status;
    return CheckStatus::Error;
}

Result<VerifyReport> runScenario(const std::filesystem::path& dir) {
    VerifyRequest req;
    auto t = loadRecipe((dir / "train.yaml").string());
    auto e = loadRecipe((dir / "eval.yaml").string());
    if (!t.ok()) return t.error();
    if (!e.ok()) return e.error();
    req.train = *t;
    req.eval = *e;
    const json index = readJson(dir / "index.json");  // a named object: a range-for over a temporary's member dangles
    for (const auto& ids : index["prompt_ids"]) req.prompts.push_back({"", ids.get<std::vector<std::int32_t>>()});
    req.attention = AttentionImpl::Eager;
    return verify(req);
}

TEST(MxScenario, ScalingModeDifferenceMatchesTorchao) {
    const auto dir = golden::referenceDir("mx_formats") / "mx_scaling";
    const json expected = readJson(dir / "expected.json");
    auto r = runScenario(dir);
    ASSERT_TRUE(r.ok()) << r.error().message;

    // Config: the scale mode is the one difference, it changes numerics, and the finding names both sides.
    bool named = false;
    for (const auto& f : r->config.findings) {
        if (f.id != "mx_scaling_mode") continue;
        named = f.changesNumerics && f.message.find("train scaling_mode RCEIL") != std::string::npos &&
                f.message.find("eval FLOOR") != std::string::npos;
    }
    EXPECT_TRUE(named) << "no mx_scaling_mode finding naming both sides";
    EXPECT_EQ(statusOf(*r, CheckKind::Config), CheckStatus::Fail);

    // Weights: every module's effective-weight gap exactly as torchao's.
    ASSERT_TRUE(r->weights.has_value());
    std::size_t matched = 0;
    for (const auto& mod : r->weights->modules) {
        if (!expected["weights"].contains(mod.module)) continue;
        const json& w = expected["weights"][mod.module];
        EXPECT_EQ(mod.diff.differing, w["differing"].get<std::uint64_t>()) << mod.module;
        EXPECT_EQ(mod.diff.maxAbs, w["max_abs"].get<double>()) << mod.module;
        ++matched;
    }
    EXPECT_EQ(matched, expected["weights"].size());

    // Convert: MXTensor weights equal the fake-quantized ones, and so do the deployed logits.
    ASSERT_TRUE(r->convert.has_value());
    const auto& deployed = r->convert->deployments.at(0);
    std::size_t rows = 0;
    for (const auto& row : deployed.modules) {
        if (!expected["convert"].contains(row.module)) continue;
        const json& w = expected["convert"][row.module];
        EXPECT_EQ(row.dequant.maxAbs, w["dequant_max_abs"].get<double>()) << row.module;
        EXPECT_EQ(row.dequant.differing, w["dequant_differing"].get<std::uint64_t>()) << row.module;
        EXPECT_NE(row.typeAfter.find("MXTensor"), std::string::npos) << row.module << ": " << row.typeAfter;
        ++rows;
    }
    EXPECT_EQ(rows, expected["convert"].size());
    EXPECT_EQ(deployed.logits.maxAbs, expected["deployed"]["max_abs"].get<double>());
    EXPECT_EQ(deployed.argmaxAgreement, expected["deployed"]["argmax_agreement"].get<double>());
    EXPECT_EQ(statusOf(*r, CheckKind::Convert), CheckStatus::Pass);
    EXPECT_LT(deployed.bytesAfter, deployed.bytesBefore);
}

// The walk's train-vs-eval logits gap equals the gap of torchao's two MXFakeQuantizedLinear models: max |Δ| and
// top-1 exactly (both sides' logits are bit-identical), the mean to 1e-5 (Python's float32 accumulation).
TEST(MxScenario, VerifyWalkLogitsGapEqualsTorchao) {
    const auto dir = golden::referenceDir("mx_formats") / "mx_scaling";
    const json expected = readJson(dir / "expected.json");
    auto r = runScenario(dir);
    ASSERT_TRUE(r.ok()) << r.error().message;
    // Logits: the gap of the two torchao forwards.
    ASSERT_TRUE(r->logits.has_value());
    const json& l = expected["logits"];
    EXPECT_EQ(r->logits->diff.maxAbs, l["max_abs"].get<double>());
    EXPECT_EQ(r->logits->top1Agreement, l["top1"].get<double>());
    EXPECT_NEAR(r->logits->diff.meanAbs, l["mean_abs"].get<double>(), 1e-5 * l["mean_abs"].get<double>());
    std::printf("[ mx logits ] max|Δ| C++ %.6g python %.6g; top1 C++ %.4f python %.4f\n", r->logits->diff.maxAbs,
                l["max_abs"].get<double>(), r->logits->top1Agreement, l["top1"].get<double>());
}

// Each side's model forward (every Linear incl. the tied lm_head an MXFakeQuantizedLinear, EMULATED) against
// transformers + torchao's logits: bit-identical.
TEST(MxScenario, QatModelLogitsBitIdenticalPerSide) {
    const auto dir = golden::referenceDir("mx_formats") / "mx_scaling";
    auto file = SafetensorsFile::openFile(dir / "logits.safetensors");
    ASSERT_TRUE(file.ok());
    auto lm = model::CausalLm::open(golden::referenceDir("checkpoints") / "llama3_tied_bf16");
    ASSERT_TRUE(lm.ok()) << lm.error().message;
    for (const auto& [side, mode] : {std::pair{"train", MxScaleMode::Rceil}, std::pair{"eval", MxScaleMode::Floor}}) {
        QuantConfig config;
        config.scheme = QuantScheme::MxDynamicActivationMxWeight;
        config.weight.dtype = QuantDType::Float4E2M1;
        config.weight.groupSize = 32;
        config.kernelPreference = KernelPreference::Emulated;
        config.mxScaling = mode;
        auto spec = quant::toFakeQuantSpec(config, TorchaoVersion{0, 18}, quant::DeviceSemantics::Cpu);
        ASSERT_TRUE(spec.ok()) << spec.error().message;
        model::ForwardOptions o;
        o.run.dtype = at::kBFloat16;
        o.run.form = model::FormSpec{LinearForm::FQ, *spec};
        o.attention = AttentionImpl::Eager;
        golden::Deviation total;
        for (int p = 0; p < 2; ++p) {
            const std::string ps = std::to_string(p);
            auto logits = lm->forward(golden::loadTensor(*file, "ids." + ps)->unsqueeze(0), o);
            ASSERT_TRUE(logits.ok()) << logits.error().message;
            at::Tensor want = *golden::loadTensor(*file, std::string(side) + "." + ps);
            golden::accumulate(total, golden::deviation(logits->reshape(want.sizes()), want));
        }
        std::printf("mx %s (%s) model logits vs transformers + torchao: %s\n", side,
                    std::string(mxScaleModeName(mode)).c_str(), golden::describe(total).c_str());
        EXPECT_EQ(total.differing, 0) << side;
    }
}

}  // namespace
}  // namespace ql
