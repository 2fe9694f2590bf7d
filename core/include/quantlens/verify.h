// The verification engine: the six checks of DESIGN.md on a train and an eval recipe.
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
    std::string device = "cpu";          // "cpu" or "cuda"
    // Attention kernel of both forwards: SDPA (transformers' default) or eager (attn_implementation=
    // "eager"); they differ in the last bits of bf16 logits, not in what the checks conclude.
    AttentionImpl attention = AttentionImpl::Sdpa;
    bool checkActivations = true;
    bool checkConvert = true;
    bool checkAdapterMerge = true;
    // Device numerics of the convert step (check 5); default: the eval recipe's device_numerics.
    std::optional<DeviceNumerics> convertNumerics;
};

// Runs every check on the calling thread; streams the base weights module by module. `progress`
// is called between modules/layers; returning false cancels (ErrorCode::Cancelled). Never throws.
Result<VerifyReport> verify(const VerifyRequest& request, const ProgressFn& progress = {});

}  // namespace ql
