// The result of `verify`: plain values only, so the GUI, the JSON writer and the exporters all read
// the same snapshot. Schema documented in README ("Report JSON"); kReportSchemaVersion bumps on change.
#pragma once

#include <quantlens/config_diff.h>
#include <quantlens/coverage.h>
#include <quantlens/trainer_state.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ql {

// 4: top-level verdict, key numbers with a numeric value and unit, drill-down maps in a sidecar file.
inline constexpr int kReportSchemaVersion = 4;
inline constexpr int kOldestReadableReportSchema = 2;  // older fields read as written; new ones take defaults

// Polygraphy's rule: a pair (a, b) is close when |a-b| <= atol OR |a-b| <= rtol*|b| (b = eval side).
struct Tolerance {
    double atol = 0.0;
    double rtol = 0.0;
};

// Differences between two tensors of the same shape (train side a, eval side b).
struct DiffMetrics {
    std::uint64_t total = 0;           // elements compared
    std::uint64_t differing = 0;       // elements not bit-identical
    std::uint64_t outOfTolerance = 0;  // elements failing the Tolerance rule
    double maxAbs = 0.0;
    double meanAbs = 0.0;
    double rmse = 0.0;
    double sqnrDb = 0.0;  // 10 log10(sum b^2 / sum (a-b)^2); +inf when identical
    double cosine = 1.0;
    std::uint64_t nonFinite = 0;  // positions where either side is NaN/inf
    bool bitExact() const { return differing == 0; }
};

// Histogram of |Δ| with log-spaced bins; exact zeros are counted apart (they have no log).
struct Histogram {
    std::vector<double> edges;          // bins.size() + 1 ascending edges
    std::vector<std::uint64_t> counts;  // per bin
    std::uint64_t zeros = 0;            // |Δ| == 0 exactly
    std::uint64_t overflow = 0;         // beyond the last edge or non-finite
};

enum class CheckKind { Config, Weights, Logits, Activations, Convert, AdapterMerge };
// Info: the check ran and measured something worth reading, but nothing it states is a verdict on this
// pair of sides (e.g. adapter merge when neither side merges). Neither a pass nor a failure.
enum class CheckStatus { Pass, Fail, Skipped, Error, Info };

// One key number of a check: the number with its unit for programs, the display text for people.
// Units: "count", "fraction" (0..1, displayed as a percentage), "bytes", "nats", "decibel", "absolute" (a
// difference in the compared values' own units: weights, logits), "relative" (a relative L2), "layer" (a
// decoder layer index), "text" (no number: the display says it all, e.g. which inputs were probed).
struct KeyNumber {
    std::string label;            // "max |Δ|", "argmax agreement", ...
    std::string display;          // formatted for people: "56.2 %", "3.1e-02", "1.50 GiB", "none"
    std::optional<double> value;  // absent when there is no number (unit "text", "none", "-")
    std::string unit = "text";
};

// One line of the Overview: the check's verdict and its key numbers.
struct CheckSummary {
    CheckKind kind = CheckKind::Config;
    CheckStatus status = CheckStatus::Skipped;
    std::string headline;  // "12 of 196 modules differ (max |Δ| 3.1e-2)"
    std::vector<KeyNumber> numbers;
    std::string rule;         // the rule the status applies ("pass when ..."), shown next to it
    std::string explanation;  // what was compared, what the result means, what to do
};

// Drill-down data of one quantized module in the weight check.
struct GroupErrorMap {
    std::int64_t rows = 0;       // output features (possibly downsampled)
    std::int64_t cols = 0;       // groups along K (possibly downsampled)
    std::int64_t rowStride = 1;  // how many original rows each map row covers
    std::int64_t colStride = 1;  // how many groups each map column covers
    std::vector<float> maxAbs;   // rows*cols, row-major: max |Δ| in the cell
};

struct WorstElement {
    std::int64_t row = 0;
    std::int64_t col = 0;
    double original = 0.0;  // unquantized base weight (+ LoRA when merged)
    double train = 0.0;
    double eval = 0.0;
};

struct WeightModuleResult {
    std::string module;               // "model.layers.3.self_attn.q_proj"
    int layerIndex = -1;              // decoder layer, -1 for lm_head/embeddings
    std::string layerType;            // "q_proj", "down_proj", "lm_head"
    std::vector<std::int64_t> shape;  // [out, in]
    int groupSize = 0;                // of the eval side's fake quant (0: not grouped)
    int trainGroupSize = 0;           // of the train side's fake quant (0: not grouped)
    DiffMetrics diff;                 // effective weight, train vs eval
    bool pass = true;
    GroupErrorMap groupError;
    std::vector<WorstElement> worst;  // largest |Δ| first, at most 32
    Histogram originalHistogram;      // of the unquantized weight values (signed, linear bins)
    std::vector<double> quantGrid;    // dequantized grid values of the worst group (for the plot)
    double loraDeltaMaxAbs = 0.0;     // max |s·BA| for this module (0 without adapter)
    double loraDeltaRms = 0.0;
};

struct WeightsCheck {
    std::vector<WeightModuleResult> modules;  // model order
    DiffMetrics overall;
    std::int64_t modulesDiffering = 0;
};

// The k most likely tokens of both sides at one position (ids with their logits, most likely first).
struct PositionTopTokens {
    std::vector<std::int32_t> trainIds, evalIds;
    std::vector<float> trainLogits, evalLogits;
    std::vector<std::string> trainTexts, evalTexts;  // each id decoded; empty without a tokenizer
};

struct LogitsCheck {
    std::int64_t tokens = 0;  // positions compared (all prompts)
    DiffMetrics diff;
    Histogram absDiff;
    std::vector<double> perPositionMaxAbs;  // concatenated over prompts
    std::vector<double> perPositionKl;      // KL(train || eval) per position, nats
    std::vector<int> promptStarts;          // index in the per-position arrays where each prompt starts
    double klMean = 0.0, klMedian = 0.0, klP99 = 0.0, klMax = 0.0;
    double top1Agreement = 1.0;                // fraction of positions with the same argmax
    double top5Agreement = 1.0;                // mean |top5(train) ∩ top5(eval)| / 5
    std::vector<PositionTopTokens> topTokens;  // per position (concatenated over prompts), k = 5
};

struct LayerDivergence {
    int layer = -1;  // decoder layer index (hidden state after it)
    DiffMetrics diff;
    double relativeL2 = 0.0;                    // ||a-b|| / ||b||
    std::vector<double> perPositionRelativeL2;  // ||a_p-b_p|| / ||b_p|| per position (concatenated over prompts)
};

struct ActivationsCheck {
    std::vector<LayerDivergence> layers;
    int firstDivergingLayer = -1;  // first layer whose hidden state is out of tolerance
};

struct ConvertModuleRow {
    std::string module;
    std::string typeBefore;               // "FakeQuantizedLinear[int4 g128]"
    std::string typeAfter;                // "Linear[Int4Tensor plain]"
    std::string dtypeBefore, dtypeAfter;  // "bfloat16", "int8 (packed int4) + bf16 scale/zero"
    std::vector<std::int64_t> shape;
    std::uint64_t bytesBefore = 0, bytesAfter = 0;
    std::optional<bool> codesIdentical;     // codes of fake quant == converted codes (absent: n/a)
    std::uint64_t scalesRoundedInBf16 = 0;  // groups whose fp32 scale changed when rounded to bf16
    std::uint64_t zerosRoundedInBf16 = 0;   // groups whose fp32 zero point changed when rounded to bf16
    // Fake-quant weight (a) vs the deployed, dequantized weight (b). like_for_like: the base weights
    // (the adapter, if any, is the same on both sides); merge_then_convert: the dense maps,
    // FQ(W) + s·BA vs deq(Q(W + s·BA)).
    DiffMetrics dequant;
};

// A position where the deployed model's top token differs from the fake-quant model's. The margin is
// the fake-quant model's preference for its own top token over the deployed one, fake[top] - fake[deployed];
// the deviations are deployed - fake for each of the two tokens. A flip is a near tie when the margin is
// within the convert tolerance at the top logit, max(atol, rtol·|fake[top]|): the format's bf16 scale/zero
// rounding is allowed to move logits that far, so it may reverse such a tie. A larger margin is a real
// divergence.
struct ArgmaxFlip {
    int prompt = 0;             // index into VerifyReport::prompts
    std::int64_t position = 0;  // token position within that prompt
    std::int32_t fakeTop = 0, deployedTop = 0;
    std::string fakeTopText, deployedTopText;  // decoded; empty without a tokenizer
    double fakeTop2Margin = 0.0;               // fake-quant model: top-1 minus top-2 logit
    double margin = 0.0;                       // fake[fakeTop] - fake[deployedTop] (>= fakeTop2Margin)
    double allowed = 0.0;                      // the convert tolerance at fake[fakeTop]
    double deviationFakeTop = 0.0;             // deployed - fake logit of fakeTop
    double deviationDeployedTop = 0.0;         // deployed - fake logit of deployedTop
    bool nearTie = true;                       // margin <= allowed
};
inline constexpr std::size_t kMaxListedFlips = 256;

// One way of deploying the eval side after QATConfig(step="convert"), compared with the eval side's
// fake-quantized model. "like_for_like": the eval form with real low-bit weights (an unmerged adapter
// stays unmerged and is served on top: Q(W)x + s·B(Ax) vs FQ(W)x + s·B(Ax); a merged one is converted
// merged: Q(W') vs FQ(W')). "merge_then_convert": an unmerged eval side merged before convert, Q(W + s·BA)
// vs FQ(W)x + s·B(Ax) (merge effect and convert effect together).
struct ConvertDeployment {
    std::string id;        // "like_for_like", "merge_then_convert"
    std::string title;     // "int4 base + LoRA served unmerged"
    std::string compares;  // "Q(W)x + s·B(Ax) vs FQ(W)x + s·B(Ax)"
    std::vector<ConvertModuleRow> modules;
    std::uint64_t bytesBefore = 0, bytesAfter = 0;
    std::int64_t modulesCodesDiffer = 0;  // modules whose converted codes differ from the fake quant's
    DiffMetrics logits;                   // eval fake-quant logits (a) vs deployed logits (b)
    Histogram logitsAbsDiff;
    double argmaxAgreement = 1.0;
    // What the low-bit storage format costs, measured (not a verdict when the codes are identical):
    std::uint64_t groupsTotal = 0;          // quantization groups of the converted modules
    std::uint64_t scalesRoundedInBf16 = 0;  // of them, groups whose scale changed when stored in bf16
    std::uint64_t zerosRoundedInBf16 = 0;   // ... whose zero point changed
    double dequantMaxAbs = 0.0;             // max |FQ weight - dequantized deployed weight| over modules
    std::int64_t positions = 0;             // logit positions compared (all prompts)
    std::int64_t flipsTotal = 0;            // positions whose argmax differs
    std::int64_t flipsNearTie = 0;          // of them, margin <= the convert tolerance (format rounding)
    std::int64_t flipsBeyondTolerance = 0;  // of them, margin > the convert tolerance: a real divergence
    std::vector<ArgmaxFlip> flips;          // position order; at most kMaxListedFlips
    bool pass = true;                       // the check's rule applied to this deployment
};

struct ConvertCheck {
    std::vector<ConvertDeployment> deployments;  // like_for_like first: the verdict is about it
    // Opt-in (--argmax-threshold): the notebook's literal "predictions match" rule, argmax agreement >=
    // this on top of the default rule. Absent: argmax flips are judged by their margins only.
    std::optional<double> argmaxThreshold;
};

struct AdapterMergeModule {
    std::string module;
    DiffMetrics weight;                   // FQ(W + s·BA) vs FQ(W) + s·BA
    DiffMetrics output;                   // the same two applied to the prompts' inputs
    std::int64_t groupsScaleChanged = 0;  // groups whose quant scale changed after the merge
    std::int64_t groupsTotal = 0;
    double deltaMaxAbs = 0.0;
};

struct AdapterMergeCheck {
    std::vector<AdapterMergeModule> modules;
    std::string recommendation;  // what to do instead
};

// What one eval track computes against the train side (the diagnosis): the weights and logits
// checks' measures, with the same definitions and tolerances.
struct TrackEffect {
    std::int64_t weightsModulesDiffering = 0;  // Linear modules whose effective weight is not bit-identical
    double logitsMaxAbs = 0.0;
    std::uint64_t logitsOutOfTolerance = 0;  // under the logit tolerance
    double logitsTop1Agreement = 1.0;
    bool matchesTrain() const { return weightsModulesDiffering == 0 && logitsOutOfTolerance == 0; }
};

// One numerics-changing difference of the config check, measured: the eval side with this field alone
// set to train's value, run as one more track of the same walk.
struct DiagnosisCause {
    std::string field;                  // "adapter.form", "torchao_version", "quantization.group_size", ...
    std::string train, eval;            // the two values (the config check's canonical text)
    std::optional<TrackEffect> effect;  // absent when that recipe could not be run (see note)
    std::string note;                   // interaction or why it could not be run
};

// Check 7: which difference causes how much of the gap, and the fixed eval recipe.
struct Diagnosis {
    TrackEffect before;                      // the eval side as it is
    std::vector<DiagnosisCause> causes;      // ranked: the cause whose revert closes most of the gap first
    std::optional<TrackEffect> allReverted;  // every cause reverted at once (the fixed eval recipe's track)
    bool fixedRecipeMatchesTrain = false;    // allReverted matches train (weights and logits)
    std::vector<std::string> remaining;      // what still differs when every cause is reverted
    std::string fixedEvalYaml;               // the recipe --write-fixed-eval writes
    std::string summary;                     // one paragraph: what to change, measured
};

// The one walk's work: its forwards (train, eval, each deployment, each diagnosis track) and the Linear
// forwards (module × track) it ran, of which `linearForwardsShared` were copies of another track's
// product (same input, identical weights: identical sides, a counterfactual track up to its first
// difference).
struct WalkStats {
    std::int64_t tracks = 0;
    std::int64_t linearForwards = 0;
    std::int64_t linearForwardsShared = 0;
};

// A non-fatal finding (warnings are data, not log lines).
struct ReportWarning {
    std::string kind;     // "skipped_module", "nan_in_weights", "tied_embeddings", ...
    std::string subject;  // module / file / field
    std::string detail;
};

// Where a side's model and adapter came from (the recipe's resolution, see recipe.h).
struct SideResolution {
    std::string modelRequested;  // as the recipe (or adapter_config.json) wrote it
    std::string modelOrigin;     // "recipe", "adapter_config.json base_model_name_or_path (<file>)"
    std::string hubRepoId;       // set when the model was found in the Hugging Face cache
    std::string hubRevision;
    std::string hubCommit;                       // the snapshot's commit hash
    std::string hubCache;                        // "<cache folder> (<rule that chose it>)"
    std::string adapterRequested;                // the adapter path as the recipe wrote it
    std::optional<std::int64_t> checkpointStep;  // N of the checkpoint-N taken from a Trainer output folder
    std::string checkpointRule;  // why that checkpoint ("latest by global step ...", "checkpoint: 500 ...")
    std::vector<std::int64_t> checkpointsAvailable;
    std::optional<std::int64_t> adapterGlobalStep;  // trainer_state.json global_step of the adapter folder
};

struct SideSummary {
    std::string recipeFile;
    std::string modelDir;
    std::string adapterDir;   // empty without adapter
    std::string adapterForm;  // "unmerged", "merged", "qat_after_peft", ""
    std::string dtype;
    std::string deviceNumerics;
    std::string torchaoVersion;
    std::string quantization;  // one-line description
    SideResolution resolution;
    std::vector<CoverageRow> coverage;  // every module with its form, quantization or float and why
};

struct Prompt {
    std::string text;  // empty when given as ids
    std::vector<std::int32_t> ids;
    std::vector<std::string> tokens;  // decoded text of each id (empty without a tokenizer)
};

// The report's verdict: "pass" when no check failed or errored; the checks counted by status.
struct ReportVerdict {
    bool pass = true;
    int passed = 0, failed = 0, errors = 0, skipped = 0, info = 0;
    std::string text;  // VerifyReport::verdictText()
};

struct VerifyReport {
    int schemaVersion = kReportSchemaVersion;
    std::string quantlensVersion;
    std::string createdUtc;          // ISO 8601
    std::string device;              // "cpu", "cuda:0 (NVIDIA H100 ...)"
    std::string attention = "sdpa";  // attention kernel of the forwards: "sdpa" or "eager"
    double wallSeconds = 0.0;
    Tolerance weightTolerance;
    Tolerance logitTolerance;
    Tolerance convertTolerance;  // fake-quant vs deployed logits (check 5)
    SideSummary train, eval;
    std::vector<Prompt> prompts;
    std::vector<CheckSummary> checks;  // in CheckKind order, one per check that ran or was skipped
    ConfigDiff config;
    std::optional<WeightsCheck> weights;
    std::optional<LogitsCheck> logits;
    std::optional<ActivationsCheck> activations;
    std::optional<ConvertCheck> convert;
    std::optional<AdapterMergeCheck> adapterMerge;
    std::optional<Diagnosis> diagnosis;  // absent when the config check finds no numerics difference
    WalkStats walk;
    std::optional<TrainerState> trainerState;  // from the adapter dir, for the Training tab
    std::vector<ReportWarning> warnings;
    // Not part of the JSON: why the weight modules carry no drill-down (group-error map, worst elements,
    // histogram, grid) after reading a report file, e.g. its sidecar file is missing; "" when they do.
    std::string drilldownProblem;

    bool allPassed() const;         // no check Fail or Error
    ReportVerdict verdict() const;  // the checks counted by status, and verdictText()
    // "all checks pass", "all checks pass (1 skipped, 1 for information)", "2 checks failed: weights, logits"
    std::string verdictText() const;
};

// Where the recipe's model, hub snapshot and Trainer checkpoint came from (its resolution fields).
SideResolution sideResolution(const Recipe& recipe);

// The one spelling of each check kind and status (report JSON, CLI text, JUnit, GUI lookups).
std::string_view checkKindName(CheckKind kind);                         // "config", "weights", ..., "adapter_merge"
std::string_view checkStatusName(CheckStatus status);                   // "pass", "fail", "skipped", "error", "info"
std::optional<CheckKind> checkKindFromName(std::string_view name);      // nullopt: not a kind's name
std::optional<CheckStatus> checkStatusFromName(std::string_view name);  // nullopt: not a status' name

}  // namespace ql
