// The quantized forms vs torchao 0.18 QAT + PEFT 0.21 (ql_ref/forward.py, qwen3 tied bf16 + a rank-8
// LoRA on every linear, Int4WeightOnlyConfig(group_size=32) prepared with QATConfig on the CPU, lm_head
// included as torchao's default filter does):
//   FQ  quantize_(prepare) only                      T   prepare, then PeftModel.from_pretrained
//   M   T.merge_and_unload()                          T'  PeftModel first, then prepare (lora_A too)
// Logits are asserted bit-identical.
#include <gtest/gtest.h>

#include <cstdio>

#include "golden/forward_golden.h"
#include "model/causal_lm.h"

namespace ql::model {
namespace {

using nlohmann::json;

quant::LinearFakeQuant int4Spec(int group) {
    QuantConfig config;
    config.scheme = QuantScheme::Int4WeightOnly;
    config.qatStep = QatStep::Prepare;
    config.weight.groupSize = group;
    auto spec = quant::toFakeQuantSpec(config, TorchaoVersion{0, 18}, quant::DeviceSemantics::Cpu);
    EXPECT_TRUE(spec.ok()) << (spec.ok() ? "" : spec.error().message);
    return spec.ok() ? *spec : quant::LinearFakeQuant{};
}

TEST(QatFormsGolden, FakeQuantFormsMatchTorchaoAndPeft) {
    const auto ref = golden::forwardCases("qat");
    ASSERT_TRUE(ref.has_value());
    const auto& dir = ref->dir;
    const auto& checkpoints = ref->checkpoints;
    int cases = 0;
    for (const json& c : ref->cases) {
        ++cases;
        auto file = SafetensorsFile::openFile(dir / c["file"].get<std::string>());
        ASSERT_TRUE(file.ok());
        const auto spec = int4Spec(c["group_size"].get<int>());
        EXPECT_EQ(spec.weight.groupSize, c["group_size"].get<int>());
        const auto modelDir = checkpoints / c["model"].get<std::string>();
        auto base = CausalLm::open(modelDir);
        auto adapted = CausalLm::open(modelDir, checkpoints / c["adapter"].get<std::string>());
        ASSERT_TRUE(base.ok() && adapted.ok());
        const std::pair<LinearForm, const char*> forms[] = {
            {LinearForm::FQ, "FQ"}, {LinearForm::T, "T"}, {LinearForm::M, "M"}, {LinearForm::TPrime, "Tprime"}};
        for (auto [form, key] : forms) {
            ForwardOptions o;
            o.run.dtype = at::kBFloat16;
            o.run.form = FormSpec{form, spec};
            o.run.quantizeLmHead = c["lm_head_quantized"].get<bool>();
            o.attention = AttentionImpl::Eager;
            const CausalLm& lm = form == LinearForm::FQ ? *base : *adapted;
            golden::Deviation total;
            for (std::size_t p = 0; p < c["prompts"].size(); ++p) {
                const std::string ps = std::to_string(p);
                auto logits = lm.forward(*golden::loadTensor(*file, "ids." + ps), o);
                ASSERT_TRUE(logits.ok()) << logits.error().message;
                golden::accumulate(total, golden::deviation(*logits, *golden::loadTensor(*file, key + ("." + ps))));
            }
            std::printf("qat int4 g%d form %-3s logits vs torchao+peft: %s\n", spec.weight.groupSize,
                        std::string(linearFormName(form)).c_str(), golden::describe(total).c_str());
            EXPECT_EQ(total.differing, 0) << "form " << key;
        }
    }
    EXPECT_EQ(cases, 1);
}

}  // namespace
}  // namespace ql::model
