// Check 5: the eval side's fake-quantized model vs what QATConfig(step="convert") deploys, like with
// like (walk_plan.h's deployments): per module the types, bytes, codes and the dequantized weight vs
// the fake-quantized one; then the deployed forward's logits vs the eval logits.
// Two questions kept apart. (a) Does the converted model quantize exactly as the fake-quant model? The
// rule (on the like-for-like deployment): codes identical in every module (intx: converted weights equal
// the fake-quantized ones), every logit within the convert tolerance, and no argmax flip whose fake-quant
// margin exceeds that tolerance (argmax_flips.h); plus, opt-in, argmax agreement >= --argmax-threshold.
// (b) What does the storage format cost? bf16 scale/zero rounding, dequant and logit deviation, argmax
// agreement and near-tie flips: measured and reported, not failed.
#pragma once

#include <mutex>
#include <optional>
#include <vector>

#include "quantlens/verify.h"
#include "verify/diff_stream.h"
#include "verify/verify_pass.h"
#include "verify/walk_plan.h"

namespace ql::checks {

class ConvertPass final : public VerifyPass {
public:
    ConvertPass(const WalkPlan& plan, const VerifyRequest& request);

    void beginModule(const model::ModuleRef& m, const ModuleInputs& inputs) override;
    void addRows(const model::ModuleRef& m, const ModuleRows& rows) override;
    void endModule(const model::ModuleRef& m) override;
    void addLogits(const std::vector<std::vector<at::Tensor>>& logits) override;

    std::pair<CheckSummary, std::optional<ConvertCheck>> finish() const;

private:
    struct Module {
        ConvertModuleRow row;
        std::optional<DiffStream> dequant;
        std::uint64_t codeMismatches = 0;
        bool codesCompared = false;
        bool converted = false;
        std::uint64_t groups = 0;  // quantization groups when converted
    };
    // The module's row before its rows are compared: types, dtypes, bytes; `converted` false when the
    // module stays float after convert (not quantized, or K not divisible by the groups).
    ConvertModuleRow startRow(const model::ModuleRef& m, const DeploymentPlan& d, bool& converted) const;
    bool passes(const ConvertDeployment& d, bool intx) const;

    const WalkPlan& m_plan;
    const VerifyRequest& m_request;
    std::vector<ConvertDeployment> m_deployments;
    std::vector<Module> m_current;  // per deployment, the module in progress
    std::mutex m_mutex;             // addRows runs on several threads at once (disjoint rows)
};

}  // namespace ql::checks
