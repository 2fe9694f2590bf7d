// Checks 2-4 in one lockstep pass over the layers: both sides' forwards (ForwardSession) prepare a
// layer, check 2 compares the prepared Linears, then the prompts run through them. Logits compared
// per position (|Δ|, KL(train‖eval), top-1/top-5), hidden states after every decoder layer compared
// to find the first diverging layer (both sides' hidden states are kept: L × S × H per prompt).
#include "model/forward_session.h"
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

model::ForwardHooks sideHooks(Context& ctx, const Side& side, SideRun& out, bool& cancel) {
    const auto layers = static_cast<std::int64_t>(side.lm->config().numHiddenLayers);
    out.hidden.resize(static_cast<std::size_t>(layers));
    model::ForwardHooks hooks;
    hooks.afterLayer = [&ctx, &side, &out, &cancel, layers](int layer, std::size_t prompt, const at::Tensor& h) {
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
    return hooks;
}

Result<model::ForwardSession> startSide(Context& ctx, const Side& side, SideRun& out, bool& cancel) {
    model::ForwardOptions opts;
    opts.run = side.run;
    opts.attention = ctx.request->attention;
    auto s = model::ForwardSession::start(*side.lm, ctx.prompts, opts, sideHooks(ctx, side, out, cancel));
    if (!s) {
        return makeError(s.error().code, side.label + " forward: " + s.error().message);
    }
    return s;
}

Error sideError(const Side& side, const Error& e) { return makeError(e.code, side.label + " forward: " + e.message); }

// The layer's seven Linears, in linearModules() order.
std::vector<const model::PreparedLinear*> layerLinears(const model::LayerWeights& w) {
    return {&w.q, &w.k, &w.v, &w.o, &w.gate, &w.up, &w.down};
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

Status runWeightsAndForwardChecks(Context& ctx) {
    bool cancel = false;
    SideRun t, e;
    auto train = startSide(ctx, *ctx.train, t, cancel);
    if (!train) return train.error();
    auto eval = startSide(ctx, *ctx.eval, e, cancel);
    if (!eval) return eval.error();
    if (train->layerCount() != eval->layerCount()) {
        return makeError(ErrorCode::InvalidInput, "train and eval models differ in num_hidden_layers (" +
                                                      std::to_string(train->layerCount()) + " vs " +
                                                      std::to_string(eval->layerCount()) + ")");
    }
    WeightsPass weights(ctx);
    std::size_t module = 0;
    while (!train->done()) {
        auto tl = train->prepareLayer();
        if (!tl) return sideError(*ctx.train, tl.error());
        auto el = eval->prepareLayer();
        if (!el) return sideError(*ctx.eval, el.error());
        const auto tm = layerLinears(**tl), em = layerLinears(**el);
        for (std::size_t j = 0; j < tm.size(); ++j, ++module) {
            if (!weights.add(ctx.modules[module], *tm[j], *em[j])) return cancelled();
        }
        if (auto s = train->runLayer(); !s) return cancel ? cancelled() : sideError(*ctx.train, s.error());
        if (auto s = eval->runLayer(); !s) return cancel ? cancelled() : sideError(*ctx.eval, s.error());
    }
    if (!weights.add(ctx.modules[module], train->head().lmHead, eval->head().lmHead)) return cancelled();
    weights.finish();
    auto tl = train->finish();
    if (!tl) return sideError(*ctx.train, tl.error());
    auto el = eval->finish();
    if (!el) return sideError(*ctx.eval, el.error());
    for (auto& l : *tl) t.logits.push_back(l.to(at::kCPU));
    for (auto& l : *el) e.logits.push_back(l.to(at::kCPU));
    fillLogits(ctx, t, e);
    fillActivations(ctx, t, e);
    ctx.evalLogitsPerPrompt = e.logits;
    return Ok{};
}

}  // namespace ql::checks
