// Forward pass vs transformers 5 (ql_ref/forward.py): logits and the hidden state after every decoder
// layer, every family of the tiny checkpoints, fp32 and bf16, eager and SDPA, seeded prompts.
// Both dtypes are asserted bit-identical (the same ATen ops in the same order and dtypes give the same
// bits on the same CPU); fp32 is also held to the looser max |d| / max|ref| <= 1e-5 and the measured
// maximum is printed.
#include "golden/forward_golden.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "model/causal_lm.h"

namespace ql::model {
namespace {

using nlohmann::json;

struct CaseResult {
    golden::Deviation logits, hidden;
};

CaseResult runCase(const json& c, const std::filesystem::path& dir, const std::filesystem::path& checkpoints) {
    CaseResult r;
    auto file = SafetensorsFile::openFile(dir / c["file"].get<std::string>());
    EXPECT_TRUE(file.ok());
    auto lm = CausalLm::open(checkpoints / c["model"].get<std::string>());
    EXPECT_TRUE(lm.ok()) << (lm.ok() ? "" : lm.error().message);
    if (!file.ok() || !lm.ok()) {
        return r;
    }
    ForwardOptions o;
    o.run.dtype = c["dtype"] == "float32" ? at::kFloat : at::kBFloat16;
    o.attention = c["attn"] == "eager" ? AttentionImpl::Eager : AttentionImpl::Sdpa;
    const std::size_t prompts = c["prompts"].size();
    for (std::size_t p = 0; p < prompts; ++p) {
        const std::string ps = std::to_string(p);
        std::map<int, at::Tensor> hidden;
        ForwardHooks hooks;
        hooks.afterLayer = [&](int layer, std::size_t, const at::Tensor& h) { hidden[layer] = h.clone(); };
        auto logits = lm->forward(*golden::loadTensor(*file, "ids." + ps), o, hooks);
        EXPECT_TRUE(logits.ok()) << (logits.ok() ? "" : logits.error().message);
        if (!logits.ok()) {
            continue;
        }
        golden::accumulate(r.logits, golden::deviation(*logits, *golden::loadTensor(*file, "logits." + ps)));
        EXPECT_EQ(static_cast<int>(hidden.size()), lm->config().numHiddenLayers);
        for (const auto& [layer, h] : hidden) {
            auto ref = golden::loadTensor(*file, "hidden." + ps + "." + std::to_string(layer));
            EXPECT_TRUE(ref.has_value());
            if (ref) {
                golden::accumulate(r.hidden, golden::deviation(h, *ref));
            }
        }
    }
    return r;
}

TEST(ForwardGolden, MatchesTransformersEagerAndSdpa) {
    const auto ref = golden::forwardCases("forward");
    ASSERT_TRUE(ref.has_value());
    const auto& dir = ref->dir;
    const auto& checkpoints = ref->checkpoints;
    int cases = 0, bf16Identical = 0, bf16Cases = 0;
    double fp32MaxRel = 0.0;
    for (const json& c : ref->cases) {
        ++cases;
        const CaseResult r = runCase(c, dir, checkpoints);
        const std::string name = c["file"];
        std::printf("%-52s logits: %s | hidden: %s\n", name.c_str(), golden::describe(r.logits).c_str(),
                    golden::describe(r.hidden).c_str());
        if (c["dtype"] == "float32") {
            fp32MaxRel = std::max({fp32MaxRel, r.logits.maxRel, r.hidden.maxRel});
            EXPECT_LE(r.logits.maxRel, 1e-5) << name;
            EXPECT_LE(r.hidden.maxRel, 1e-5) << name;
            EXPECT_EQ(r.logits.differing + r.hidden.differing, 0) << name;
        } else {
            ++bf16Cases;
            bf16Identical += r.logits.differing == 0 && r.hidden.differing == 0;
            EXPECT_EQ(r.logits.differing, 0) << name << " logits: " << golden::describe(r.logits);
            EXPECT_EQ(r.hidden.differing, 0) << name << " hidden: " << golden::describe(r.hidden);
        }
        EXPECT_GT(r.logits.total, 0) << name;
    }
    std::printf("forward golden: %d cases; fp32 max relative deviation %.3g; bf16 %d/%d bit-identical\n", cases,
                fp32MaxRel, bf16Identical, bf16Cases);
    EXPECT_EQ(cases, 28);  // 6 checkpoints + llama2 with linear RoPE, x {fp32, bf16} x {eager, sdpa}
}

}  // namespace
}  // namespace ql::model
