#include "sample_report.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "verify/summary.h"

namespace ql::ui::test {

// Each check's key numbers with the engine's labels and units (verify/summary.h), from the fixture's
// sections, as the passes' finish() words them; headlines stay the fixture's own.
void setKeyNumbers(VerifyReport& r) {
    using namespace ql::checks;
    std::int64_t differing = 0;
    for (const ConfigFieldDiff& f : r.config.fields) differing += f.verdict == DiffClass::Same ? 0 : 1;
    r.checks[0].numbers = {keyCount("fields compared", static_cast<std::int64_t>(r.config.fields.size())),
                           keyCount("fields changing numerics", differing),
                           keyCount("findings", static_cast<std::int64_t>(r.config.findings.size()))};
    const WeightsCheck& w = *r.weights;
    r.checks[1].numbers = {keyCount("modules", static_cast<std::int64_t>(w.modules.size())),
                           keyCount("differing modules", w.modulesDiffering),
                           keyMeasure("max |Δ|", w.overall.maxAbs, "absolute"),
                           keyMeasure("SQNR dB", w.overall.sqnrDb, "decibel")};
    const LogitsCheck& l = *r.logits;
    r.checks[2].numbers = {keyCount("positions", l.tokens),
                           keyMeasure("max |Δ|", l.diff.maxAbs, "absolute"),
                           keyMeasure("mean |Δ|", l.diff.meanAbs, "absolute"),
                           keyMeasure("KL mean", l.klMean, "nats"),
                           keyMeasure("KL max", l.klMax, "nats"),
                           keyFraction("top-1", l.top1Agreement),
                           keyFraction("top-5", l.top5Agreement)};
    const ActivationsCheck& a = *r.activations;
    r.checks[3].numbers = {keyCount("layers", static_cast<std::int64_t>(a.layers.size())),
                           a.firstDivergingLayer < 0
                               ? keyText("first diverging layer", "none")
                               : keyMeasure("first diverging layer", a.firstDivergingLayer, "layer")};
    const ConvertDeployment& d = r.convert->deployments.front();
    r.checks[4].numbers = {keyCount("modules changing codes", d.modulesCodesDiffer),
                           keyMeasure("logits max |Δ|", d.logits.maxAbs, "absolute"),
                           keyFraction("argmax agreement", d.argmaxAgreement), keyBytes("bytes before", d.bytesBefore),
                           keyBytes("bytes after", d.bytesAfter)};
    for (std::size_t i = 1; i < r.convert->deployments.size(); ++i) {
        const ConvertDeployment& other = r.convert->deployments[i];
        r.checks[4].numbers.push_back(keyFraction(other.title + ": argmax agreement", other.argmaxAgreement));
        r.checks[4].numbers.push_back(keyText(other.title + ": verdict", other.pass ? "pass" : "fail"));
    }
    if (r.adapterMerge) {
        r.checks[5].numbers = {keyCount("adapted modules", static_cast<std::int64_t>(r.adapterMerge->modules.size()))};
    }
}

}  // namespace ql::ui::test

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

// The convert row of a fixture module: int4 PLAIN with identical codes.
ConvertModuleRow convertRow(const WeightModuleResult& m, int group, std::uint64_t bytesBefore, std::uint64_t bytesAfter,
                            std::uint64_t scalesRounded, const std::string& afterSuffix = "") {
    ConvertModuleRow row;
    row.module = m.module;
    row.typeBefore = "FakeQuantizedLinear[int4 g" + std::to_string(group) + "]";
    row.typeAfter = "Linear[Int4Tensor plain g" + std::to_string(group) + "]" + afterSuffix;
    row.dtypeBefore = "bfloat16";
    row.dtypeAfter = "int8 (packed int4) + bf16 scale/zero";
    row.shape = m.shape;
    row.bytesBefore = bytesBefore;
    row.bytesAfter = bytesAfter;
    row.codesIdentical = true;
    row.scalesRoundedInBf16 = scalesRounded;
    return row;
}

// Ids from the prompts (so their text is known), plus 100, which no prompt holds.
const std::int32_t kTopIds[] = {9707, 1052, 11, 1879, 0, 1782, 374, 2409, 13, 100};

// Both sides' top-5 next tokens at each of `positions` positions; the eval side swaps ranks 1 and 2
// at every third position.

std::vector<PositionTopTokens> topTokensAt(int positions) {
    std::vector<PositionTopTokens> out;
    for (int p = 0; p < positions; ++p) {
        PositionTopTokens t;
        for (int k = 0; k < 5; ++k) {
            t.trainIds.push_back(kTopIds[(p + 2 * k) % 10]);
            t.trainLogits.push_back(12.0f - 1.5f * static_cast<float>(k) - 0.1f * static_cast<float>(p));
        }
        t.evalIds = t.trainIds;
        t.evalLogits = t.trainLogits;
        if (p % 3 == 2) {
            std::swap(t.evalIds[0], t.evalIds[1]);
            t.evalLogits[0] += 0.25f;
        }
        out.push_back(t);
    }
    return out;
}

// Relative L2 per position after `layer`: zero at layer 0, growing with depth and position.
std::vector<double> positionRelativeL2(int layer, int positions) {
    std::vector<double> out;
    for (int p = 0; p < positions; ++p) out.push_back(layer == 0 ? 0.0 : 1e-4 * layer * (1 + (p * 5) % 7));
    return out;
}

WeightModuleResult weightModule(int index) {
    WeightModuleResult m;
    const int layer = index / 3;
    m.layerIndex = layer;
    m.layerType = kTypes[index % 3];
    m.module = "model.layers." + std::to_string(layer) + "." + kParents[index % 3] + "." + m.layerType;
    m.shape = {64, 128};
    m.groupSize = 32;
    m.trainGroupSize = 32;
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
    for (int i = 0; i < 20; ++i)
        m.originalHistogram.counts.push_back(static_cast<std::uint64_t>(400 - (i - 10) * (i - 10) * 4));
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
    r.train =
        SideSummary{"train.yaml", "models/tiny", "adapters/run", "unmerged", "bfloat16", "cuda", "0.18", "int4 g32"};
    r.eval = SideSummary{"eval.yaml", "models/tiny", "adapters/run", "merged", "bfloat16", "cpu", "0.15", "int4 g128"};
    r.convertTolerance = Tolerance{1.0, 0.1};
    r.prompts = {Prompt{"hello there", {9707, 1052, 11, 1879, 0}, {"hello", " there", ",", " you", "!"}},
                 Prompt{"the world", {1782, 1879, 374, 2409, 13}, {"the", " world", " is", " round", "."}}};
    r.checks = {
        {CheckKind::Config,
         CheckStatus::Fail,
         "2 fields change numerics",
         {{"fields differing", "2"}},
         "pass when no field or finding changes numerics between the two recipes (fixture rule)",
         "Fixture: the group size differs between the two recipes; make it equal in the evaluation code."},
        {CheckKind::Weights,
         CheckStatus::Fail,
         "1 of 6 modules differ",
         {{"max |Δ|", "3.1e-2"}},
         "pass when every module's dense maps agree within the weight tolerance (fixture rule)",
         "Fixture: compared the weight each side's forward applies; one module exceeds the tolerance."},
        {CheckKind::Logits,
         CheckStatus::Fail,
         "top-1 agreement 90 %",
         {{"KL max", "0.01"}},
         "pass when every logit agrees within the logit tolerance (fixture rule)",
         "Fixture: ran both models over the prompts and compared their logits position by position."},
        {CheckKind::Activations,
         CheckStatus::Fail,
         "first diverging layer 1",
         {},
         "pass when the hidden state after every decoder layer agrees within the logit tolerance (fixture rule)",
         "Fixture: layer 1 is the first whose output leaves the tolerance."},
        {CheckKind::Convert,
         CheckStatus::Pass,
         "codes identical",
         {{"compression", "3.6×"}},
         "pass when the converted codes equal the fake quant's, argmax agreement >= 100 % and every logit is within "
         "the "
         "convert tolerance (fixture rule)",
         "Fixture: converted the eval model as QATConfig(step=\"convert\") would and ran it on the prompts."},
        {CheckKind::AdapterMerge,
         CheckStatus::Skipped,
         "no merged side",
         {},
         "",
         "Fixture: the adapter-merge check did not run: no side merges the LoRA."},
    };
    r.config.fields = {{"group_size", "32", "128", DiffClass::ChangesNumerics, "groups of 32 vs 128 elements"},
                       {"int4_packing_format", "PLAIN", "PLAIN", DiffClass::Same, ""},
                       {"torchao_version", "0.18", "0.15", DiffClass::NoEffect, "same ops for this scheme"}};
    r.config.findings = {
        {"fake_group_size_128", "eval", "group_size", FindingSeverity::Warning, true, "fixture finding"}};
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
    logits.topTokens = topTokensAt(10);
    r.logits = logits;
    ActivationsCheck activations;
    activations.layers = {
        {0, DiffMetrics{}, 0.0, positionRelativeL2(0, 10)},
        {1, DiffMetrics{100, 40, 20, 0.05, 0.01, 0.01, 30, 0.999, 0}, 0.002, positionRelativeL2(1, 10)}};
    activations.firstDivergingLayer = 1;
    r.activations = activations;
    ConvertDeployment convert;
    convert.id = "like_for_like";
    convert.title = "converted model (as evaluated)";
    convert.compares = "Q(W) x vs FQ(W) x";
    for (const WeightModuleResult& m : weights.modules) convert.modules.push_back(convertRow(m, 32, 16384, 4608, 3));
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
    setKeyNumbers(r);
    return r;
}

std::shared_ptr<const VerifyReport> sampleReportPtr() {
    return std::make_shared<const VerifyReport>(sampleReport());
}

}  // namespace ql::ui::test

namespace ql::ui::test {

namespace {
struct Projection {
    const char* type;
    const char* parent;
    std::int64_t out, in;
};
// Qwen3-0.6B's projection shapes (hidden 1024, 16 heads of 128, 8 KV heads, MLP 3072).
const Projection kProjections[kScaleProjections] = {
    {"q_proj", "self_attn", 2048, 1024}, {"k_proj", "self_attn", 1024, 1024}, {"v_proj", "self_attn", 1024, 1024},
    {"o_proj", "self_attn", 1024, 2048}, {"gate_proj", "mlp", 3072, 1024},    {"up_proj", "mlp", 3072, 1024},
    {"down_proj", "mlp", 1024, 3072}};
constexpr int kGroup = 128;
constexpr int kTrainGroup = 32;
constexpr int kFailingLayer = 5;

GroupErrorMap pooledMap(std::int64_t out, std::int64_t in, double scale, bool identical) {
    GroupErrorMap map;
    map.rowStride = std::max<std::int64_t>(1, (out + 255) / 256);
    map.rows = (out + map.rowStride - 1) / map.rowStride;
    map.cols = in / kGroup;
    map.maxAbs.resize(static_cast<std::size_t>(map.rows * map.cols));
    for (std::int64_t i = 0; i < map.rows * map.cols; ++i) {
        map.maxAbs[i] = identical ? 0.0f : static_cast<float>(scale * (0.2 + 0.8 * ((i * 37) % 101) / 100.0));
    }
    return map;
}

WeightModuleResult scaleModule(int layer, int p) {
    const Projection& proj = kProjections[p];
    WeightModuleResult m;
    m.module = "model.layers." + std::to_string(layer) + "." + proj.parent + "." + proj.type;
    m.layerIndex = layer;
    m.layerType = proj.type;
    m.shape = {proj.out, proj.in};
    m.groupSize = kGroup;
    m.trainGroupSize = kTrainGroup;
    const bool identical = (p == 1 || p == 2) && layer % 3 == 0;
    const double maxAbs = identical ? 0.0 : 1e-4 * std::pow(1.08, layer) * (1 + p);
    m.diff.total = static_cast<std::uint64_t>(proj.out * proj.in);
    m.diff.differing = identical ? 0 : m.diff.total / (3 + p);
    m.diff.maxAbs = maxAbs;
    m.diff.meanAbs = maxAbs / 20;
    m.diff.rmse = maxAbs / 12;
    m.diff.sqnrDb = identical ? std::numeric_limits<double>::infinity() : 48.0 - 0.2 * layer - p;
    m.diff.cosine = identical ? 1.0 : 0.99999;
    m.pass = layer != kFailingLayer;
    m.diff.outOfTolerance = m.pass ? 0 : m.diff.differing;
    m.groupError = pooledMap(proj.out, proj.in, maxAbs, identical);
    if (!identical) m.worst = {{17 + layer, 300 + p, 0.25, 0.25 + maxAbs, 0.25}};
    for (int i = 0; i <= 64; ++i) m.originalHistogram.edges.push_back(-0.6 + 1.2 * i / 64.0);
    for (int i = 0; i < 64; ++i) {
        const double x = (i - 31.5) / 3.0;
        m.originalHistogram.counts.push_back(static_cast<std::uint64_t>(20000.0 * std::exp(-x * x / 2)) +
                                             (i % 17 == 0 ? 3 : 0));
    }
    for (int q = -8; q < 8; ++q) m.quantGrid.push_back(q * 0.004);
    m.loraDeltaMaxAbs = 0.002;
    m.loraDeltaRms = 0.0003;
    return m;
}

WeightModuleResult lmHead() {
    WeightModuleResult m;
    m.module = "lm_head";
    m.layerIndex = -1;
    m.layerType = "lm_head";
    m.shape = {kLmHeadRows, 4 * kGroup};
    m.groupSize = kGroup;
    m.trainGroupSize = kTrainGroup;
    m.diff.total = static_cast<std::uint64_t>(kLmHeadRows * 4 * kGroup);
    m.diff = DiffMetrics{m.diff.total, 4, 0, 0.0625, 1e-6, 1e-4, 60.0, 1.0, 0};
    m.groupError = GroupErrorMap{256, 4, 2, 1, std::vector<float>(256 * 4, 0.0f)};
    m.groupError.maxAbs[(kLmHeadWorstRow / 2) * 4 + 2] = 0.0625f;
    m.worst = {{kLmHeadWorstRow, 2 * kGroup + 5, 0.5, 0.5625, 0.5}};
    for (int i = 0; i <= 16; ++i) m.originalHistogram.edges.push_back(-1.0 + i / 8.0);
    m.originalHistogram.counts.assign(16, 4096);
    for (int q = -8; q < 8; ++q) m.quantGrid.push_back(0.5 + q * 0.0625);
    return m;
}
}  // namespace

VerifyReport scaleReport(int layers) {
    VerifyReport r = sampleReport();
    r.config.fields.push_back(
        {"effective.weight_group_size", "32", "128", DiffClass::ChangesNumerics, "fixture: the eval side fakes g128"});
    WeightsCheck weights;
    for (int layer = 0; layer < layers; ++layer) {
        for (int p = 0; p < kScaleProjections; ++p) weights.modules.push_back(scaleModule(layer, p));
    }
    weights.modules.push_back(lmHead());
    weights.modulesDiffering = 0;
    for (const WeightModuleResult& m : weights.modules) {
        weights.modulesDiffering += m.diff.differing > 0 ? 1 : 0;
        if (m.diff.maxAbs > weights.overall.maxAbs) weights.overall = m.diff;
    }
    r.weights = weights;
    r.checks[1].headline =
        std::to_string(weights.modulesDiffering) + " of " + std::to_string(weights.modules.size()) + " modules differ";
    ActivationsCheck activations;
    for (int layer = 0; layer < layers; ++layer) {
        const double v = layer == 0 ? 0.0 : 1e-3 * std::pow(1.1, layer);
        activations.layers.push_back({layer,
                                      DiffMetrics{1000, layer == 0 ? 0u : 900u, 0, v, v / 10, v / 8, 40, 0.9999, 0},
                                      v / 50, positionRelativeL2(layer, static_cast<int>(r.logits->tokens))});
    }
    activations.firstDivergingLayer = kFailingLayer;
    r.activations = activations;
    // Like for like keeps the LoRA unmerged on the int4 base and passes; merging before convert
    // moves the top token at 1 of 16 positions and fails the rule.
    ConvertCheck convert;
    convert.argmaxThreshold = 1.0;
    for (const bool merged : {false, true}) {
        ConvertDeployment d;
        d.id = merged ? "merge_then_convert" : "like_for_like";
        d.title = merged ? "LoRA merged, then converted" : "converted base, LoRA served unmerged (as evaluated)";
        d.compares = merged ? "Q(W + s·BA) x vs FQ(W) x + s·B(A x)" : "Q(W) x + s·B(A x) vs FQ(W) x + s·B(A x)";
        for (const WeightModuleResult& m : weights.modules) {
            const auto elements = static_cast<std::uint64_t>(m.shape[0] * m.shape[1]);
            const ConvertModuleRow row =
                convertRow(m, kGroup, elements * 2,
                           elements / 2 + static_cast<std::uint64_t>(m.shape[0] * (m.shape[1] / kGroup) * 4), 7,
                           merged || m.layerIndex < 0 ? "" : " + LoRA (unmerged)");
            d.bytesBefore += row.bytesBefore;
            d.bytesAfter += row.bytesAfter;
            d.modules.push_back(row);
        }
        d.logits = merged ? DiffMetrics{3200, 3000, 40, 0.5, 0.05, 0.07, 30.0, 0.999, 0}
                          : DiffMetrics{3200, 2900, 0, 0.125, 0.01, 0.02, 42.0, 0.99999, 0};
        d.logitsAbsDiff = r.logits->absDiff;
        d.argmaxAgreement = merged ? 0.9375 : 1.0;
        d.pass = !merged;
        convert.deployments.push_back(d);
    }
    r.convert = convert;
    AdapterMergeCheck merge;
    for (const WeightModuleResult& m : weights.modules) {
        if (m.layerIndex < 0) continue;
        merge.modules.push_back({m.module, m.diff, m.diff, 12, 8 * 16, 0.002});
    }
    merge.recommendation = "Evaluate with the adapter kept unmerged, or merge before QAT (fixture text).";
    r.adapterMerge = merge;
    r.checks[5] = {CheckKind::AdapterMerge,
                   CheckStatus::Pass,
                   "merging changes the adapted modules",
                   {},
                   "fails when one side merges the LoRA and the other keeps it unmerged, and merging changes a module; "
                   "otherwise informational (fixture rule)",
                   "Fixture: compared the merged map with the unmerged one for each adapted module."};
    setKeyNumbers(r);
    return r;
}

std::shared_ptr<const VerifyReport> scaleReportPtr(int layers) {
    return std::make_shared<const VerifyReport>(scaleReport(layers));
}

}  // namespace ql::ui::test

namespace ql::ui::test {

namespace {
DiffMetrics identicalDiff(std::uint64_t total) {
    DiffMetrics d;
    d.total = total;
    d.sqnrDb = std::numeric_limits<double>::infinity();
    return d;
}
}  // namespace

VerifyReport identicalReport(int layers) {
    VerifyReport r = scaleReport(layers);
    for (CheckSummary& check : r.checks) check.status = CheckStatus::Pass;
    r.checks[0].headline = "same numerics";
    r.checks[1].headline = "every module bit-identical";
    r.config.sameNumerics = true;
    r.config.findings.clear();
    for (ConfigFieldDiff& field : r.config.fields) {
        field.eval = field.train;
        field.verdict = DiffClass::Same;
        field.explanation.clear();
    }
    for (WeightModuleResult& m : r.weights->modules) {
        m.diff = identicalDiff(m.diff.total);
        m.pass = true;
        m.worst.clear();
        m.trainGroupSize = m.groupSize;
        std::fill(m.groupError.maxAbs.begin(), m.groupError.maxAbs.end(), 0.0f);
    }
    r.weights->overall = identicalDiff(r.weights->overall.total);
    r.weights->modulesDiffering = 0;
    r.logits->diff = identicalDiff(r.logits->diff.total);
    r.logits->absDiff.counts.assign(r.logits->absDiff.counts.size(), 0);
    r.logits->absDiff.zeros = r.logits->diff.total;
    std::fill(r.logits->perPositionMaxAbs.begin(), r.logits->perPositionMaxAbs.end(), 0.0);
    std::fill(r.logits->perPositionKl.begin(), r.logits->perPositionKl.end(), 0.0);
    r.logits->top1Agreement = r.logits->top5Agreement = 1.0;
    for (PositionTopTokens& t : r.logits->topTokens) {
        t.evalIds = t.trainIds;
        t.evalLogits = t.trainLogits;
    }
    for (LayerDivergence& layer : r.activations->layers) {
        layer.diff = identicalDiff(layer.diff.total);
        layer.relativeL2 = 0.0;
        std::fill(layer.perPositionRelativeL2.begin(), layer.perPositionRelativeL2.end(), 0.0);
    }
    r.activations->firstDivergingLayer = -1;
    for (ConvertDeployment& d : r.convert->deployments) {
        d.logits = identicalDiff(d.logits.total);
        d.logitsAbsDiff = r.logits->absDiff;
        d.argmaxAgreement = 1.0;
        d.pass = true;
    }
    for (AdapterMergeModule& m : r.adapterMerge->modules) m.weight = m.output = identicalDiff(m.weight.total);
    r.warnings.clear();
    setKeyNumbers(r);
    return r;
}

VerifyReport allFailingReport() {
    VerifyReport r = sampleReport();
    for (CheckSummary& check : r.checks) check.status = CheckStatus::Fail;
    r.checks[1].headline = "6 of 6 modules differ";
    for (WeightModuleResult& m : r.weights->modules) {
        m.pass = false;
        m.diff = r.weights->modules[kSampleFailingModule].diff;
        m.worst = r.weights->modules[kSampleFailingModule].worst;
        m.groupError = r.weights->modules[kSampleFailingModule].groupError;
    }
    r.weights->modulesDiffering = static_cast<std::int64_t>(r.weights->modules.size());
    r.logits->top1Agreement = 0.4;
    r.activations->firstDivergingLayer = 0;
    for (ConvertDeployment& d : r.convert->deployments) {
        d.pass = false;
        d.argmaxAgreement = 0.5;
        d.modulesCodesDiffer = static_cast<std::int64_t>(d.modules.size());
    }
    setKeyNumbers(r);
    return r;
}

}  // namespace ql::ui::test
