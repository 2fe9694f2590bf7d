// LoRA vs PEFT 0.21 (ql_ref/forward.py, every adapter case of ql_ref/checkpoints.py): the merged
// parameters bit-identical with merge_and_unload().state_dict() (plain, rslora, rank/alpha
// patterns, regex targets + modules_to_save, layers_to_transform, DoRA + modules_to_save), and the
// logits of the unmerged PeftModel (form F with an adapter) and of the merged model (form M
// without quantization) bit-identical with PEFT's.
#include <gtest/gtest.h>

#include <cstdio>

#include "golden/forward_golden.h"
#include "model/causal_lm.h"

namespace ql::model {
namespace {

using nlohmann::json;

at::ScalarType dtypeOf(const json& c) {
    return c["dtype"] == "float32" ? at::kFloat : at::kBFloat16;
}

TEST(LoraMergeGolden, MergedStateDictBitIdenticalWithPeft) {
    const auto ref = golden::forwardCases("lora");
    ASSERT_TRUE(ref.has_value());
    const auto& dir = ref->dir;
    const auto& checkpoints = ref->checkpoints;
    int cases = 0;
    for (const json& c : ref->cases) {
        ++cases;
        auto file = SafetensorsFile::openFile(dir / c["file"].get<std::string>());
        ASSERT_TRUE(file.ok());
        auto lm =
            CausalLm::open(checkpoints / c["model"].get<std::string>(), checkpoints / c["adapter"].get<std::string>());
        ASSERT_TRUE(lm.ok()) << lm.error().message;
        RunSpec run;
        run.dtype = dtypeOf(c);
        auto merged = lm->loader().mergedParameters(run);
        ASSERT_TRUE(merged.ok()) << merged.error().message;
        int params = 0, identical = 0, stateEntries = 0;
        for (const TensorInfo& t : file->tensors()) {
            stateEntries += t.name.starts_with("state.");
        }
        for (const auto& [name, value] : *merged) {
            auto ref = golden::loadTensor(*file, "state." + name);
            ASSERT_TRUE(ref.has_value()) << c["file"] << ": no reference for " << name;
            ++params;
            const auto bad = golden::bitMismatches(value.contiguous(), *ref);
            EXPECT_EQ(bad, 0) << c["file"] << " " << name;
            identical += bad == 0;
        }
        std::printf("%-40s merged parameters: %d/%d bit-identical (reference state_dict has %d)\n",
                    c["file"].get<std::string>().c_str(), identical, params, stateEntries);
        EXPECT_EQ(params, stateEntries);
    }
    EXPECT_EQ(cases, 6);
}

TEST(LoraMergeGolden, UnmergedAndMergedLogitsMatchPeft) {
    const auto ref = golden::forwardCases("lora");
    ASSERT_TRUE(ref.has_value());
    const auto& dir = ref->dir;
    const auto& checkpoints = ref->checkpoints;
    for (const json& c : ref->cases) {
        auto file = SafetensorsFile::openFile(dir / c["file"].get<std::string>());
        ASSERT_TRUE(file.ok());
        auto lm =
            CausalLm::open(checkpoints / c["model"].get<std::string>(), checkpoints / c["adapter"].get<std::string>());
        ASSERT_TRUE(lm.ok()) << lm.error().message;
        for (auto [form, key] : {std::pair{LinearForm::F, "unmerged"}, std::pair{LinearForm::M, "merged"}}) {
            ForwardOptions o;
            o.run.dtype = dtypeOf(c);
            o.run.form.form = form;  // no quant spec: F = LoRA unmerged, M = merge_and_unload (float)
            o.attention = AttentionImpl::Eager;
            golden::Deviation total;
            for (std::size_t p = 0; p < c["prompts"].size(); ++p) {
                const std::string ps = std::to_string(p);
                auto logits = lm->forward(*golden::loadTensor(*file, "ids." + ps), o);
                ASSERT_TRUE(logits.ok()) << logits.error().message;
                golden::accumulate(total, golden::deviation(*logits, *golden::loadTensor(*file, key + ("." + ps))));
            }
            std::printf("%-40s %-8s logits: %s\n", c["file"].get<std::string>().c_str(), key,
                        golden::describe(total).c_str());
            EXPECT_EQ(total.differing, 0) << c["file"] << " " << key;
        }
    }
}

}  // namespace
}  // namespace ql::model
