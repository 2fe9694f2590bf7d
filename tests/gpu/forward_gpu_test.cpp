// QuantLens' forward on CUDA vs transformers on the same GPU: bf16 logits of the tiny forward-reference
// checkpoints (every family, eager and SDPA). tests/bench/gpu_forward_ref.py writes transformers' logits
// into <reference>/forward_device on the device machine before the gpu tests run (tests/bench/gpu_run.sh).
// Both sides run the same ATen ops in the same order and dtypes (on the CPU they are bit-identical, see
// tests/golden/forward_golden_test.cpp), so the logits are asserted bit-identical here too; the measured
// maximum deviation is printed either way.
#include <gtest/gtest.h>

#include <cstdio>

#include "golden/forward_golden.h"
#include "gpu/gpu_golden.h"
#include "model/causal_lm.h"

namespace ql::model {
namespace {

TEST(ForwardGpu, Bf16LogitsMatchTransformersOnTheSameGpu) {
    QL_REQUIRE_CUDA();
    const auto dir = test::referenceModuleDir("forward_device");
    const auto checkpoints = test::referenceModuleDir("checkpoints");
    ASSERT_TRUE(dir && checkpoints) << "run tests/bench/gpu_forward_ref.py --ref <reference dir> first";
    const auto index = test::loadJsonFile(*dir / "index.json");
    ASSERT_TRUE(index.has_value());
    ASSERT_EQ((*index)["device"], "cuda") << "forward_device holds transformers' logits from another device";
    golden::Deviation all;
    int cases = 0;
    for (const nlohmann::json& c : (*index)["cases"]) {
        auto file = SafetensorsFile::openFile(*dir / c["file"].get<std::string>());
        auto lm = CausalLm::open(*checkpoints / c["model"].get<std::string>());
        ASSERT_TRUE(file.ok() && lm.ok()) << c["file"];
        ForwardOptions o;
        o.run.dtype = at::kBFloat16;
        o.run.device = at::Device(at::kCUDA);
        o.attention = c["attn"] == "eager" ? AttentionImpl::Eager : AttentionImpl::Sdpa;
        golden::Deviation d;
        for (std::size_t p = 0; p < c["prompts"].size(); ++p) {
            const std::string ps = std::to_string(p);
            auto logits = lm->forward(*golden::loadTensor(*file, "ids." + ps), o, {});
            ASSERT_TRUE(logits.ok()) << logits.error().message;
            golden::accumulate(d, golden::deviation(logits->cpu(), *golden::loadTensor(*file, "logits." + ps)));
        }
        std::printf("%-52s %s\n", c["file"].get<std::string>().c_str(), golden::describe(d).c_str());
        EXPECT_EQ(d.differing, 0) << c["file"] << ": " << golden::describe(d);
        golden::accumulate(all, d);
        ++cases;
    }
    std::printf("forward on %s vs transformers %s: %d bf16 cases, %s\n",
                (*index)["device_name"].get<std::string>().c_str(), (*index)["transformers"].get<std::string>().c_str(),
                cases, golden::describe(all).c_str());
    EXPECT_EQ(cases, 14);  // 7 checkpoints (6 + llama2 with linear RoPE) x {eager, sdpa}
}

}  // namespace
}  // namespace ql::model
