// Check 3: the logits of the train and eval forwards over the prompts, per position: |Δ|, KL(train‖eval),
// top-1 and top-5 agreement, the |Δ| histogram, and both sides' five most likely tokens.
#pragma once

#include "quantlens/verify.h"
#include "verify/verify_pass.h"

namespace ql::checks {

class LogitsPass final : public VerifyPass {
public:
    explicit LogitsPass(const Tolerance& tolerance) : m_tolerance(tolerance) {}
    void addLogits(const std::vector<std::vector<at::Tensor>>& logits) override;
    std::pair<CheckSummary, LogitsCheck> finish() const;

private:
    Tolerance m_tolerance;
    LogitsCheck m_check;
};

}  // namespace ql::checks
