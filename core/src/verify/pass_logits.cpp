#include "verify/pass_logits.h"

#include "verify/metrics.h"
#include "verify/summary.h"

namespace ql::checks {
namespace {

constexpr int kTopTokens = 5;

std::vector<PositionTopTokens> topTokens(const at::Tensor& train, const at::Tensor& eval) {
    const int k = static_cast<int>(std::min<std::int64_t>(kTopTokens, train.size(-1)));
    auto [tv, ti] = at::topk(train.to(at::kFloat), k, -1);
    auto [ev, ei] = at::topk(eval.to(at::kFloat), k, -1);
    ti = ti.to(at::kInt).contiguous(), ei = ei.to(at::kInt).contiguous();
    tv = tv.contiguous(), ev = ev.contiguous();
    std::vector<PositionTopTokens> out(static_cast<std::size_t>(train.size(0)));
    for (std::int64_t p = 0; p < train.size(0); ++p) {
        PositionTopTokens& t = out[static_cast<std::size_t>(p)];
        t.trainIds.assign(ti[p].data_ptr<std::int32_t>(), ti[p].data_ptr<std::int32_t>() + k);
        t.evalIds.assign(ei[p].data_ptr<std::int32_t>(), ei[p].data_ptr<std::int32_t>() + k);
        t.trainLogits.assign(tv[p].data_ptr<float>(), tv[p].data_ptr<float>() + k);
        t.evalLogits.assign(ev[p].data_ptr<float>(), ev[p].data_ptr<float>() + k);
    }
    return out;
}

}  // namespace

void LogitsPass::addLogits(const std::vector<std::vector<at::Tensor>>& logits) {
    const auto& train = logits[trackIndex(Track::Train)];
    const auto& eval = logits[trackIndex(Track::Eval)];
    LogitsCheck& c = m_check;
    DiffAccumulator acc;
    std::vector<at::Tensor> ta, ea, kl, maxAbs;
    for (std::size_t i = 0; i < train.size(); ++i) {
        at::Tensor a = train[i].to(at::kCPU).reshape({-1, train[i].size(-1)});
        at::Tensor b = eval[i].to(at::kCPU).reshape({-1, eval[i].size(-1)});
        c.promptStarts.push_back(static_cast<int>(c.tokens));
        c.tokens += a.size(0);
        acc.add(a, b, m_tolerance);
        ta.push_back(a);
        ea.push_back(b);
        kl.push_back(klPerPosition(a, b));
        maxAbs.push_back((a.to(at::kDouble) - b.to(at::kDouble)).abs().amax(-1));
    }
    at::Tensor a = at::cat(ta), b = at::cat(ea), k = at::cat(kl), m = at::cat(maxAbs);
    c.diff = acc.result();
    c.absDiff = absDiffHistogram(a, b);
    c.perPositionKl.assign(k.data_ptr<double>(), k.data_ptr<double>() + k.numel());
    c.perPositionMaxAbs.assign(m.data_ptr<double>(), m.data_ptr<double>() + m.numel());
    const Quantiles q = quantiles(k);
    c.klMean = q.mean;
    c.klMedian = q.median;
    c.klP99 = q.p99;
    c.klMax = q.max;
    c.top1Agreement = topKAgreement(a, b, 1);
    c.top5Agreement = topKAgreement(a, b, std::min<int>(5, static_cast<int>(a.size(-1))));
    c.topTokens = topTokens(a, b);
}

std::pair<CheckSummary, LogitsCheck> LogitsPass::finish() const {
    const LogitsCheck& c = m_check;
    const bool pass = c.diff.outOfTolerance == 0;
    std::string rule = "pass when every logit of every position agrees within the logit tolerance (" +
                       toleranceText(m_tolerance) + "; |a-b| <= atol OR |a-b| <= rtol·|b|, b = eval)";
    std::string what = "Ran the train and the eval model over the prompts (" + std::to_string(c.tokens) +
                       " positions) and compared their logits position by position. ";
    if (pass) {
        what += "They agree: evaluation reproduces what training computed on these prompts.";
    } else {
        what += std::to_string(c.diff.outOfTolerance) + " logits are outside the tolerance; top-1 agreement " +
                percent(c.top1Agreement) + ", mean KL(train‖eval) " + fmt(c.klMean) +
                " nats. Evaluation does not compute what training did: see the weights check for the modules that "
                "differ and the activations check for the first layer where the hidden states part.";
    }
    return {makeSummary(CheckKind::Logits, pass ? CheckStatus::Pass : CheckStatus::Fail,
                        "logits max |Δ| " + fmt(c.diff.maxAbs) + ", mean " + fmt(c.diff.meanAbs) +
                            ", top-1 agreement " + percent(c.top1Agreement),
                        {keyCount("positions", c.tokens), keyMeasure("max |Δ|", c.diff.maxAbs, "absolute"),
                         keyMeasure("mean |Δ|", c.diff.meanAbs, "absolute"), keyMeasure("KL mean", c.klMean, "nats"),
                         keyMeasure("KL max", c.klMax, "nats"), keyFraction("top-1", c.top1Agreement),
                         keyFraction("top-5", c.top5Agreement)},
                        rule, what),
            c};
}

}  // namespace ql::checks
