// Check 4: the hidden state after every decoder layer, train vs eval, over all prompts: per-layer
// divergence, per-position relative L2, and the first layer whose hidden state leaves the tolerance.
#pragma once

#include "quantlens/verify.h"
#include "verify/verify_pass.h"

namespace ql::checks {

class ActivationsPass final : public VerifyPass {
public:
    explicit ActivationsPass(const Tolerance& tolerance) : m_tolerance(tolerance) {}
    void addLayer(int layer, const std::vector<std::vector<at::Tensor>>& hidden) override;
    std::pair<CheckSummary, ActivationsCheck> finish() const;

private:
    Tolerance m_tolerance;
    ActivationsCheck m_check;
};

}  // namespace ql::checks
