// Checks 3 and 4: both sides run the prompts through the layer-streamed forward; logits compared per
// position (|Δ|, KL(train‖eval), top-1/top-5), hidden states after every decoder layer compared to
// find the first diverging layer. The train side's hidden states are kept (L × S × H per prompt).
#include "verify/metrics.h"
#include "verify/verify_parts.h"

namespace ql::checks {
namespace {

struct SideRun {
    std::vector<at::Tensor> logits;
    std::vector<std::vector<at::Tensor>> hidden;  // [layer][prompt]
};

// Keeps the first kProbeRows token rows of every Linear's input over the prompts (check 6's probes).
model::LinearHook probeRecorder(Context& ctx) {
    return [&ctx](const std::string& module, const at::Tensor& x, const at::Tensor&) {
        at::Tensor rows = x.reshape({-1, x.size(-1)});
        at::Tensor& kept = ctx.probeInputs[module];
        const std::int64_t have = kept.defined() ? kept.size(0) : 0;
        const std::int64_t take = std::min(kProbeRows - have, rows.size(0));
        if (take <= 0) {
            return;
        }
        at::Tensor part = rows.narrow(0, 0, take).to(at::kCPU, /*non_blocking=*/false, /*copy=*/true);
        kept = kept.defined() ? at::cat({kept, part}) : part;
    };
}

Result<SideRun> runSide(Context& ctx, const Side& side, bool& cancel) {
    SideRun out;
    const auto layers = static_cast<std::int64_t>(side.lm->config().numHiddenLayers);
    out.hidden.resize(static_cast<std::size_t>(layers));
    model::ForwardOptions opts;
    opts.run = side.run;
    opts.attention = ctx.request->attention;
    model::ForwardHooks hooks;
    hooks.afterLayer = [&](int layer, std::size_t prompt, const at::Tensor& h) {
        out.hidden[static_cast<std::size_t>(layer)].push_back(h.to(at::kCPU));
        if (prompt == 0 && !ctx.tick(ctx.report->logits ? "activations" : "logits",
                                     side.label + " layer " + std::to_string(layer), layer, layers)) {
            cancel = true;
        }
    };
    hooks.keepGoing = [&cancel] { return !cancel; };
    if (ctx.request->checkAdapterMerge && adapterSide(ctx) == &side) {
        hooks.afterLinear = probeRecorder(ctx);
    }
    auto logits = side.lm->forward(ctx.prompts, opts, hooks);
    if (!logits) return logits.error();
    for (auto& l : *logits) out.logits.push_back(l.to(at::kCPU));
    return out;
}

void fillLogits(Context& ctx, const SideRun& t, const SideRun& e) {
    LogitsCheck c;
    DiffAccumulator acc;
    std::vector<at::Tensor> ta, ea, kl, maxAbs;
    for (std::size_t i = 0; i < t.logits.size(); ++i) {
        at::Tensor a = t.logits[i].reshape({-1, t.logits[i].size(-1)});
        at::Tensor b = e.logits[i].reshape({-1, e.logits[i].size(-1)});
        c.promptStarts.push_back(static_cast<int>(c.tokens));
        c.tokens += a.size(0);
        acc.add(a, b, ctx.request->logitTolerance);
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
    Quantiles q = quantiles(k);
    c.klMean = q.mean;
    c.klMedian = q.median;
    c.klP99 = q.p99;
    c.klMax = q.max;
    c.top1Agreement = topKAgreement(a, b, 1);
    c.top5Agreement = topKAgreement(a, b, std::min<int>(5, static_cast<int>(a.size(-1))));
    const bool pass = c.diff.outOfTolerance == 0;
    const Tolerance& tol = ctx.request->logitTolerance;
    addSummary(*ctx.report, CheckKind::Logits, pass ? CheckStatus::Pass : CheckStatus::Fail,
               "logits max |Δ| " + fmt(c.diff.maxAbs) + ", mean " + fmt(c.diff.meanAbs) + ", top-1 agreement " +
                   fmt(c.top1Agreement),
               {{"positions", std::to_string(c.tokens)}, {"max |Δ|", fmt(c.diff.maxAbs)},
                {"mean |Δ|", fmt(c.diff.meanAbs)}, {"KL mean", fmt(c.klMean)}, {"KL max", fmt(c.klMax)},
                {"top-1", fmt(c.top1Agreement)}, {"top-5", fmt(c.top5Agreement)}},
               pass ? "" : std::to_string(c.diff.outOfTolerance) + " logits outside atol " + fmt(tol.atol) +
                               " / rtol " + fmt(tol.rtol) + " (Polygraphy rule |a-b| <= atol OR <= rtol·|b|)");
    ctx.report->logits = std::move(c);
}

void fillActivations(Context& ctx, const SideRun& t, const SideRun& e) {
    ActivationsCheck c;
    for (std::size_t l = 0; l < t.hidden.size(); ++l) {
        DiffAccumulator acc;
        for (std::size_t p = 0; p < t.hidden[l].size() && p < e.hidden[l].size(); ++p) {
            acc.add(t.hidden[l][p], e.hidden[l][p], ctx.request->logitTolerance);
        }
        LayerDivergence d;
        d.layer = static_cast<int>(l);
        d.diff = acc.result();
        d.relativeL2 = acc.sumB2 > 0 ? std::sqrt(acc.sumSq) / std::sqrt(acc.sumB2) : 0.0;
        if (c.firstDivergingLayer < 0 && d.diff.outOfTolerance > 0) c.firstDivergingLayer = d.layer;
        c.layers.push_back(d);
    }
    const bool pass = c.firstDivergingLayer < 0;
    addSummary(*ctx.report, CheckKind::Activations, pass ? CheckStatus::Pass : CheckStatus::Fail,
               pass ? "hidden states within tolerance after every layer"
                    : "hidden states diverge from layer " + std::to_string(c.firstDivergingLayer),
               {{"layers", std::to_string(c.layers.size())},
                {"first diverging layer", std::to_string(c.firstDivergingLayer)},
                {"last layer rel. L2", c.layers.empty() ? "-" : fmt(c.layers.back().relativeL2)}});
    if (ctx.request->checkActivations) ctx.report->activations = std::move(c);
    else ctx.report->checks.back().status = CheckStatus::Skipped;
}

}  // namespace

Status runForwardChecks(Context& ctx) {
    bool cancel = false;
    auto t = runSide(ctx, *ctx.train, cancel);
    if (cancel) return cancelled();
    if (!t) return makeError(t.error().code, "train forward: " + t.error().message);
    auto e = runSide(ctx, *ctx.eval, cancel);
    if (cancel) return cancelled();
    if (!e) return makeError(e.error().code, "eval forward: " + e.error().message);
    fillLogits(ctx, *t, *e);
    fillActivations(ctx, *t, *e);
    ctx.evalLogitsPerPrompt = e->logits;
    return Ok{};
}

}  // namespace ql::checks
