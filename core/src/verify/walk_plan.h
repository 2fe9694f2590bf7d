// What the verify walk computes for every module, decided once from the two sides and the request:
// the deployments of the eval side that check 5 compares (and runs as extra forwards), and the
// adapter side whose merge check 6 studies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "quant/fake_quant_spec.h"
#include "quantlens/verify.h"
#include "verify/side.h"
#include "verify/verify_pass.h"

namespace ql::checks {

// One way of deploying the eval side (QATConfig(step="convert") on the model as evaluation builds it).
struct DeploymentPlan {
    std::string id;                 // "like_for_like", "merge_then_convert"
    std::string title;              // shown in the report
    std::string compares;           // "Q(W)x + s·B(Ax) vs FQ(W)x + s·B(Ax)"
    bool asEvaluated = false;       // like_for_like: merges / serves the LoRA per module as the eval side runs it
    bool mergeFirst = false;        // converts bf16(W + s·BA): an eval side that merges, or merge_then_convert
    bool loraOnTop = false;         // the eval side's unmerged LoRA is served on top of the converted base
    bool compareEffective = false;  // compared with eval's dense map (merge_then_convert), else its prepared rows
    bool intx = false;              // IntxUnpackedToInt8Tensor; else Int4Tensor PLAIN
    bool blockFormat = false;       // MXTensor / NVFP4Tensor: to_mx / to_nvfp4 of the weight, as the fake quant
    quant::FakeQuantSpec convert;   // group, bits and division of the convert step
};

// Whether deployment `d` converts module `m` of the eval side: the side fake-quantizes it and its
// in-features divide by both the fake quant's and the convert step's group (a Linear that does not
// stays float through convert). The one rule the rows builder and the convert pass read.
bool convertsModule(const DeploymentPlan& d, const Side& eval, const model::ModuleRef& m);

// Whether deployment `d` serves the eval side's LoRA on `m` unmerged on top of the converted base:
// like_for_like as the eval side runs that module (neither merged nor float), else the plan's choice.
bool servesLoraOnTop(const DeploymentPlan& d, const Side& eval, const model::ModuleRef& m);

struct MergePlan {
    Track side = Track::Eval;   // the side whose adapter is studied
    quant::FakeQuantSpec spec;  // its weight fake quant
};

struct WalkPlan {
    const Side* train = nullptr;
    const Side* eval = nullptr;
    std::vector<DeploymentPlan> deployments;  // empty: no convert check
    // Counterfactual eval sides (the diagnosis): each runs as one more track after the deployments.
    std::vector<const Side*> variants;
    std::optional<MergePlan> merge;  // absent: no adapter-merge check
    std::string convertSkipReason;   // why there are no deployments, when the check was asked for
    std::string mergeSkipReason;
    std::int64_t blockElements = 0;  // VerifyRequest::blockElements
    const Side& side(Track t) const { return t == Track::Train ? *train : *eval; }
    // The forward track of variant v: after train, eval and every deployment.
    std::size_t variantTrack(std::size_t v) const {
        return trackIndex(Track::FirstDeployment) + deployments.size() + v;
    }
};

WalkPlan makeWalkPlan(const VerifyRequest& request, const Side& train, const Side& eval);

}  // namespace ql::checks
