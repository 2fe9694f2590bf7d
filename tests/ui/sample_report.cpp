#include "sample_report.h"

#include <cmath>
#include <limits>

namespace ql::ui::test {

namespace {
const char* const kTypes[] = {"q_proj", "v_proj", "down_proj"};
const char* const kParents[] = {"self_attn", "self_attn", "mlp"};

Histogram logHistogram(std::uint64_t scale) {
    Histogram h;
    for (int i = 0; i <= 10; ++i) h.edges.push_back(std::pow(10.0, -8 + i * 0.6));
    for (int i = 0; i < 10; ++i) h.counts.push_back(scale * static_cast<std::uint64_t>(1 + (i * 7) % 5));
    h.zeros = 100;
    return h;
}

WeightModuleResult weightModule(int index) {
    WeightModuleResult m;
    const int layer = index / 3;
    m.layerIndex = layer;
    m.layerType = kTypes[index % 3];
    m.module = "model.layers." + std::to_string(layer) + "." + kParents[index % 3] + "." + m.layerType;
    m.shape = {64, 128};
    m.groupSize = 32;
    m.diff.total = 64 * 128;
    m.pass = index != kSampleFailingModule;
    m.diff.sqnrDb = std::numeric_limits<double>::infinity();
    if (!m.pass) {
        m.diff = DiffMetrics{8192, 512, 512, 0.03125, 0.002, 0.004, 31.5, 0.9996, 0};
    }
    m.groupError = GroupErrorMap{8, 4, 8, 1, std::vector<float>(32, 0.0f)};
    for (int c = 0; c < 32; ++c) m.groupError.maxAbs[c] = m.pass ? 0.0f : 0.001f * static_cast<float>(c % 9);
    if (!m.pass) m.worst = {{3, 17, 0.51, 0.5, 0.53125}, {9, 40, -0.2, -0.1875, -0.21875}};
    for (int i = 0; i <= 20; ++i) m.originalHistogram.edges.push_back(-0.1 + 0.01 * i);
    for (int i = 0; i < 20; ++i) m.originalHistogram.counts.push_back(static_cast<std::uint64_t>(400 - (i - 10) * (i - 10) * 4));
    for (int q = -8; q < 8; ++q) m.quantGrid.push_back(q * 0.0125);
    m.loraDeltaMaxAbs = 0.001 * (index + 1);
    m.loraDeltaRms = 0.0002 * (index + 1);
    return m;
}
}  // namespace

VerifyReport sampleReport() {
    VerifyReport r;
    r.quantlensVersion = "ui-fixture";
    r.createdUtc = "2025-01-01T00:00:00Z";
    r.device = "cpu";
    r.wallSeconds = 1.5;
    r.train = SideSummary{"train.yaml", "models/tiny", "adapters/run", "unmerged", "bfloat16", "cuda", "0.18", "int4 g32"};
    r.eval = SideSummary{"eval.yaml", "models/tiny", "adapters/run", "merged", "bfloat16", "cpu", "0.15", "int4 g128"};
    r.prompts = {Prompt{"hello", {}}, Prompt{"world", {}}};
    r.checks = {
        {CheckKind::Config, CheckStatus::Fail, "2 fields change numerics", {{"fields differing", "2"}}, "group size differs"},
        {CheckKind::Weights, CheckStatus::Fail, "1 of 6 modules differ", {{"max |Δ|", "3.1e-2"}}, ""},
        {CheckKind::Logits, CheckStatus::Fail, "top-1 agreement 90 %", {{"KL max", "0.01"}}, ""},
        {CheckKind::Activations, CheckStatus::Fail, "first diverging layer 1", {}, ""},
        {CheckKind::Convert, CheckStatus::Pass, "codes identical", {{"compression", "3.6×"}}, ""},
        {CheckKind::AdapterMerge, CheckStatus::Skipped, "no merged side", {}, ""},
    };
    r.config.fields = {{"group_size", "32", "128", DiffClass::ChangesNumerics, "groups of 32 vs 128 elements"},
                       {"int4_packing_format", "PLAIN", "PLAIN", DiffClass::Same, ""},
                       {"torchao_version", "0.18", "0.15", DiffClass::NoEffect, "same ops for this scheme"}};
    r.config.findings = {{"fake_group_size_128", "eval", "group_size", FindingSeverity::Warning, true, "fixture finding"}};
    r.config.sameNumerics = false;
    WeightsCheck weights;
    for (int i = 0; i < kSampleModules; ++i) weights.modules.push_back(weightModule(i));
    weights.overall = weights.modules[kSampleFailingModule].diff;
    weights.modulesDiffering = 1;
    r.weights = weights;
    LogitsCheck logits;
    logits.tokens = 10;
    logits.diff = DiffMetrics{10 * 32, 300, 200, 0.25, 0.01, 0.02, 40.0, 0.999, 0};
    logits.absDiff = logHistogram(10);
    logits.perPositionMaxAbs = {0.1, 0.2, 0.15, 0.25, 0.05, 0.1, 0.12, 0.2, 0.18, 0.02};
    logits.perPositionKl = {0.001, 0.002, 0.004, 0.01, 0.0005, 0.001, 0.002, 0.003, 0.002, 0.0001};
    logits.promptStarts = {0, 5};
    logits.top1Agreement = 0.9;
    logits.top5Agreement = 0.96;
    r.logits = logits;
    ActivationsCheck activations;
    activations.layers = {{0, DiffMetrics{}, 0.0}, {1, DiffMetrics{100, 40, 20, 0.05, 0.01, 0.01, 30, 0.999, 0}, 0.002}};
    activations.firstDivergingLayer = 1;
    r.activations = activations;
    ConvertDeployment convert;
    convert.id = "like_for_like";
    for (const WeightModuleResult& m : weights.modules) {
        ConvertModuleRow row;
        row.module = m.module;
        row.typeBefore = "FakeQuantizedLinear[int4 g32]";
        row.typeAfter = "Linear[Int4Tensor plain]";
        row.dtypeBefore = "bfloat16";
        row.dtypeAfter = "int8 (packed int4) + bf16 scale/zero";
        row.shape = m.shape;
        row.bytesBefore = 16384;
        row.bytesAfter = 4608;
        row.codesIdentical = true;
        row.scalesRoundedInBf16 = 3;
        convert.modules.push_back(row);
    }
    convert.bytesBefore = 6 * 16384;
    convert.bytesAfter = 6 * 4608;
    r.convert.emplace().deployments.push_back(convert);
    TrainerState state;
    state.globalStep = 30;
    state.maxSteps = 30;
    for (int step = 10; step <= 30; step += 10) {
        TrainerLogEntry entry;
        entry.step = step;
        entry.values = {{"loss", 2.0 / step}, {"learning_rate", 1e-4}};
        state.logHistory.push_back(entry);
    }
    r.trainerState = state;
    r.warnings = {{"tied_embeddings", "lm_head", "fixture warning"}};
    return r;
}

std::shared_ptr<const VerifyReport> sampleReportPtr() {
    return std::make_shared<const VerifyReport>(sampleReport());
}

}  // namespace ql::ui::test
