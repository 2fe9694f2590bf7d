// Argmax flips between the fake-quant model and a deployment of it (check 5): every position whose
// top token changes, with the fake-quant model's margins and both tokens' deviations, classified as
// a near tie (margin within the convert tolerance, which the format's bf16 rounding may reverse) or
// a real divergence. ArgmaxFlip (verify_report.h) states the definitions.
#pragma once

#include <ATen/ATen.h>

#include "quantlens/verify_report.h"

namespace ql::checks {

// The convert tolerance at one logit: how far the rule lets a logit of this value move,
// max(atol, rtol·|logit|) (Polygraphy's "|Δ| <= atol OR |Δ| <= rtol·|b|").
double allowedDeviation(const Tolerance& tolerance, double logit);

// Adds the flips of one prompt's logits ([1, S, V] or [S, V], fake then deployed) to the deployment's
// counts (positions, flipsTotal, flipsNearTie, flipsBeyondTolerance) and its list (up to kMaxListedFlips).
// Argmax ties within one model resolve to the lowest id, as torch.argmax on CPU does.
void addArgmaxFlips(const at::Tensor& fake, const at::Tensor& deployed, int prompt, const Tolerance& tolerance,
                    ConvertDeployment& into);

}  // namespace ql::checks
