#include "verify/pass_activations.h"

#include "verify/metrics.h"
#include "verify/summary.h"

namespace ql::checks {

void ActivationsPass::addLayer(int layer, const std::vector<std::vector<at::Tensor>>& hidden) {
    const auto& train = hidden[trackIndex(Track::Train)];
    const auto& eval = hidden[trackIndex(Track::Eval)];
    DiffAccumulator acc;
    LayerDivergence d;
    d.layer = layer;
    for (std::size_t p = 0; p < train.size(); ++p) {
        const at::Tensor a = train[p].to(at::kCPU), b = eval[p].to(at::kCPU);
        acc.add(a, b, m_tolerance);
        const at::Tensor bd = b.to(at::kDouble).reshape({-1, b.size(-1)});
        const at::Tensor ad = a.to(at::kDouble).reshape({-1, a.size(-1)});
        const at::Tensor rel =
            at::linalg_vector_norm(ad - bd, 2, at::IntArrayRef{1}) / at::linalg_vector_norm(bd, 2, at::IntArrayRef{1});
        d.perPositionRelativeL2.insert(d.perPositionRelativeL2.end(), rel.data_ptr<double>(),
                                       rel.data_ptr<double>() + rel.numel());
    }
    d.diff = acc.result();
    d.relativeL2 = acc.sumB2 > 0 ? std::sqrt(acc.sumSq) / std::sqrt(acc.sumB2) : 0.0;
    if (m_check.firstDivergingLayer < 0 && d.diff.outOfTolerance > 0) {
        m_check.firstDivergingLayer = d.layer;
    }
    m_check.layers.push_back(std::move(d));
}

std::pair<CheckSummary, ActivationsCheck> ActivationsPass::finish() const {
    const ActivationsCheck& c = m_check;
    const bool pass = c.firstDivergingLayer < 0;
    std::string rule = "pass when the hidden state after every decoder layer agrees within the logit tolerance (" +
                       toleranceText(m_tolerance) + ") at every position";
    std::string what = "Compared the hidden state after each of the " + std::to_string(c.layers.size()) +
                       " decoder layers (before the final norm), train vs eval, over every prompt position. ";
    if (pass) {
        what += "No layer leaves the tolerance: both models carry the same activations to the head.";
    } else {
        what += "Layer " + std::to_string(c.firstDivergingLayer) +
                " is the first whose output leaves the tolerance; the relative L2 curve shows whether the gap then "
                "grows or stays. Start with the weights check's modules of that layer: the first differing Linear "
                "there is where the two models part.";
    }
    std::vector<KeyNumber> numbers{keyCount("layers", static_cast<std::int64_t>(c.layers.size()))};
    numbers.push_back(pass ? KeyNumber{"first diverging layer", "none", std::nullopt, "layer"}
                           : keyMeasure("first diverging layer", c.firstDivergingLayer, "layer"));
    numbers.push_back(c.layers.empty() ? KeyNumber{"last layer rel. L2", "-", std::nullopt, "relative"}
                                       : keyMeasure("last layer rel. L2", c.layers.back().relativeL2, "relative"));
    return {makeSummary(CheckKind::Activations, pass ? CheckStatus::Pass : CheckStatus::Fail,
                        pass ? "hidden states within tolerance after every layer"
                             : "hidden states diverge from layer " + std::to_string(c.firstDivergingLayer),
                        std::move(numbers), rule, what),
            c};
}

}  // namespace ql::checks
