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
    std::vector<Prompt> prompts;         // text (tokenized with the model's tokenizer.json) or ids
    Tolerance weightTolerance{0.0, 0.0}; // default: bit-exact
    Tolerance logitTolerance{1e-5, 1e-5};
    // Check 5's rule: codes identical, argmax agreement >= argmaxThreshold (1: at every position),
    // and the deployed logits within convertTolerance of the fake-quant
    // ones. A healthy int4 convert moves logits by about 1 % of their scale (the bf16 rounding of each
    // group's scale and zero, the kernel's dequant); a convert that quantizes differently moves them by
    // several units and flips top tokens.
    Tolerance convertTolerance{1.0, 0.1};
    double argmaxThreshold = 1.0;
    std::string device = "cpu";          // "cpu" or "cuda"
    // Attention kernel of both forwards: SDPA (transformers' default) or eager (attn_implementation=
    // "eager"); they differ in the last bits of bf16 logits, not in what the checks conclude.
    AttentionImpl attention = AttentionImpl::Sdpa;
    bool checkActivations = true;
    bool checkConvert = true;
    bool checkAdapterMerge = true;
    // Device numerics of the convert step (check 5); default: the eval recipe's device_numerics.
    std::optional<DeviceNumerics> convertNumerics;
    // The walk prepares each Linear in row blocks of about this many elements where its kernels allow
    // (CPU, bf16, int4 PLAIN, plain LoRA); 0 prepares every Linear whole (the reference path: same
    // report, more memory). Memory and speed only, never results.
    std::int64_t blockElements = std::int64_t{1} << 18;
};

// Runs every check on the calling thread; streams the base weights module by module. `progress`
// is called between modules/layers; returning false cancels (ErrorCode::Cancelled). Never throws.
Result<VerifyReport> verify(const VerifyRequest& request, const ProgressFn& progress = {});

}  // namespace ql
