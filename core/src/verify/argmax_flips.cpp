#include "verify/argmax_flips.h"

#include <algorithm>
#include <cmath>

namespace ql::checks {

double allowedDeviation(const Tolerance& tolerance, double logit) {
    return std::max(tolerance.atol, tolerance.rtol * std::abs(logit));
}

void addArgmaxFlips(const at::Tensor& fake, const at::Tensor& deployed, int prompt, const Tolerance& tolerance,
                    ConvertDeployment& into) {
    const at::Tensor f = fake.detach().to(at::kCPU).to(at::kFloat).reshape({-1, fake.size(-1)});
    const at::Tensor r = deployed.detach().to(at::kCPU).to(at::kFloat).reshape({-1, deployed.size(-1)});
    const at::Tensor fakeTop = f.argmax(-1), deployedTop = r.argmax(-1);
    into.positions += f.size(0);
    const at::Tensor flipped = fakeTop.ne(deployedTop).nonzero().reshape(-1);
    if (flipped.numel() == 0) return;
    const at::Tensor top2 = std::get<0>(at::topk(f.index_select(0, flipped), 2));
    const auto* positions = flipped.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < flipped.numel(); ++i) {
        const std::int64_t p = positions[i];
        ArgmaxFlip flip;
        flip.prompt = prompt;
        flip.position = p;
        flip.fakeTop = static_cast<std::int32_t>(fakeTop[p].item<std::int64_t>());
        flip.deployedTop = static_cast<std::int32_t>(deployedTop[p].item<std::int64_t>());
        const double fakeA = f[p][flip.fakeTop].item<double>(), fakeB = f[p][flip.deployedTop].item<double>();
        flip.fakeTop2Margin = top2[i][0].item<double>() - top2[i][1].item<double>();
        flip.margin = fakeA - fakeB;
        flip.allowed = allowedDeviation(tolerance, fakeA);
        flip.deviationFakeTop = r[p][flip.fakeTop].item<double>() - fakeA;
        flip.deviationDeployedTop = r[p][flip.deployedTop].item<double>() - fakeB;
        flip.nearTie = flip.margin <= flip.allowed;
        ++into.flipsTotal;
        (flip.nearTie ? into.flipsNearTie : into.flipsBeyondTolerance) += 1;
        if (into.flips.size() < kMaxListedFlips) into.flips.push_back(std::move(flip));
    }
}

}  // namespace ql::checks
