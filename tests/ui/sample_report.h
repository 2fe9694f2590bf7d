// UI-fixture data: a small, hand-built VerifyReport that exercises every tab. It makes NO numeric
// claim about quantization; the numbers only need to be distinct and well-formed for the views.
#pragma once

#include <quantlens/verify_report.h>

#include <memory>

namespace ql::ui::test {

// 2 decoder layers × 3 modules; module 4 ("model.layers.1.mlp.down_proj") differs, the rest are
// bit-identical. Every optional check is present, with the schema-2 fields: each check's rule and
// explanation, decoded prompt tokens (2 prompts × 5), both sides' top-5 tokens and the per-position
// relative L2 of each layer at the 10 positions, one convert deployment (like for like).
VerifyReport sampleReport();
std::shared_ptr<const VerifyReport> sampleReportPtr();

inline constexpr int kSampleModules = 6;
inline constexpr int kSampleFailingModule = 4;

// A report at model scale: `layers` decoder layers × the 7 projections (q, k, v, o, gate, up, down)
// of Qwen3-0.6B's shapes, plus lm_head (a 512-row head, 4 groups along K, differing in 4 elements
// within tolerance, its worst element at row 343). k_proj and v_proj of every third layer are
// bit-identical, every other module differs, with max |Δ| growing with depth; modules of layer 5
// are out of tolerance. The train side fakes group 32, the eval side 128 (trainGroupSize and the
// config check). Two convert deployments: like for like (LoRA served unmerged on the int4 base,
// passes) and merge, then convert (fails: argmax agreement 93.75 % < 100 %). Every check is present. Like
// sampleReport(), no numeric claim.
VerifyReport scaleReport(int layers);
std::shared_ptr<const VerifyReport> scaleReportPtr(int layers);
inline constexpr int kScaleProjections = 7;
inline constexpr int scaleModules(int layers) {
    return layers * kScaleProjections + 1;
}  // + lm_head
inline constexpr int kLmHeadRows = 512;
inline constexpr int kLmHeadWorstRow = 343;

// The scale report with both sides bit-identical everywhere: every max |Δ| 0, SQNR +∞, no worst
// element, every check passes (what a run of one recipe against itself gives).
VerifyReport identicalReport(int layers);
// The sample report with every check failing and every module out of tolerance.
VerifyReport allFailingReport();

}  // namespace ql::ui::test
