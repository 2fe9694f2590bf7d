// The verification engine: the six checks (config, weights, logits, activations, convert, adapter
// merge) on a train and an eval recipe.
#pragma once

#include <quantlens/model_forms.h>
#include <quantlens/progress.h>
#include <quantlens/recipe.h>
#include <quantlens/result.h>
#include <quantlens/verify_report.h>

#include <optional>
#include <string>
#include <vector>

namespace ql {

struct VerifyRequest {
    Recipe train;
    Recipe eval;
    std::vector<Prompt> prompts;          // text (tokenized with the model's tokenizer.json) or ids
    Tolerance weightTolerance{0.0, 0.0};  // default: bit-exact
    Tolerance logitTolerance{1e-5, 1e-5};
    // Check 5's rule: the converted model quantizes exactly as the fake quant (int4 codes identical in
    // every module; intx: converted weights equal), every deployed logit within convertTolerance of the
    // fake-quant one, and no argmax flip whose fake-quant margin exceeds that tolerance. A healthy int4
    // convert moves logits by about 1 % of their scale (Int4Tensor stores each group's scale and zero in
    // bf16), which can reverse near-tied top tokens; a convert that quantizes differently moves them by
    // several units and flips tokens it clearly preferred.
    Tolerance convertTolerance{1.0, 0.1};
    // Opt-in: also require argmax agreement >= this (the notebook's literal "predictions match").
    std::optional<double> argmaxThreshold;
    std::string device = "cpu";  // "cpu" or "cuda"
    // Attention kernel of both forwards: SDPA (transformers' default) or eager (attn_implementation=
    // "eager"); they differ in the last bits of bf16 logits, not in what the checks conclude.
    AttentionImpl attention = AttentionImpl::Sdpa;
    // Which checks run (a check left out is reported as skipped, "not requested"). The walk runs only
    // what the chosen checks need: with config and weights alone it runs no forward at all; the
    // convert check adds the deployed forwards, the adapter merge check its merged rows. The config
    // diff is always computed (the report shows it); the diagnosis runs with the config check.
    bool checkConfig = true;
    bool checkWeights = true;
    bool checkLogits = true;
    bool checkActivations = true;
    bool checkConvert = true;
    bool checkAdapterMerge = true;
    // The diagnosis: one more eval track per numerics-changing config difference (that difference
    // alone set to train's value) and one with all of them reverted, in the same walk.
    bool diagnose = true;
    // Device numerics of the convert step (check 5); default: the eval recipe's device_numerics.
    std::optional<DeviceNumerics> convertNumerics;
    // The walk prepares each Linear in row blocks of about this many elements where its kernels allow
    // (CPU, bf16, int4 PLAIN, plain LoRA); 0 prepares every Linear whole (the reference path: same
    // report, more memory). Memory and speed only, never results.
    std::int64_t blockElements = std::int64_t{1} << 18;
};

// Sets the check* flags from a comma-separated list of check names ("weights,logits"; names as in the
// report: config, weights, logits, activations, convert, adapter_merge): exactly those run.
// Errors: an unknown or repeated name, or an empty list (InvalidInput, naming it and the known names).
Status selectChecks(std::string_view list, VerifyRequest& request);

// Runs every check on the calling thread; streams the base weights module by module. `progress`
// is called between modules/layers; returning false cancels (ErrorCode::Cancelled). Never throws.
Result<VerifyReport> verify(const VerifyRequest& request, const ProgressFn& progress = {});

}  // namespace ql
