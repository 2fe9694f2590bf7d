#include "model/decoder_layer.h"

#include <cmath>

#include "model/rms_norm.h"

namespace ql::model {
namespace {

// Without a linear hook nobody else holds a Linear's output, so the elementwise ops that follow
// may run in place (the same kernels as transformers' out-of-place ops, bit for bit).
bool ownsLinearOutputs(const LayerContext& ctx) { return ctx.linearHook == nullptr || !*ctx.linearHook; }

// `a op= b` keeps a's dtype; in place only where `a op b` would have that dtype and shape too.
bool sameType(const at::Tensor& a, const at::Tensor& b) {
    return at::result_type(a, b) == a.scalar_type() && a.sizes() == b.sizes();
}

// r + y with y a fresh Linear output: y += r (addition commutes bit for bit).
at::Tensor residual(const at::Tensor& r, at::Tensor y, const LayerContext& ctx) {
    return ownsLinearOutputs(ctx) && sameType(y, r) ? y.add_(r) : r + y;
}

// [B, S, heads*D] -> view [B, S, heads, D] (q/k norm here for Qwen3) -> [B, heads, S, D].
at::Tensor toHeads(const at::Tensor& x, std::int64_t headDim, const std::optional<at::Tensor>& norm, double eps) {
    at::Tensor h = x.view({x.size(0), x.size(1), -1, headDim});
    if (norm) {
        h = rmsNorm(h, *norm, eps);
    }
    return h.transpose(1, 2);
}

Result<at::Tensor> selfAttention(const at::Tensor& h, const LayerWeights& w, const LayerContext& ctx) {
    const ModelConfig& c = *ctx.config;
    auto q = applyLinear(w.q, h, ctx.linearHook);
    auto k = applyLinear(w.k, h, ctx.linearHook);
    auto v = applyLinear(w.v, h, ctx.linearHook);
    if (!q || !k || !v) {
        return !q ? q.error() : (!k ? k.error() : v.error());
    }
    at::Tensor qs = applyRotary(toHeads(*q, c.headDim, w.qNorm, c.rmsNormEps), *ctx.rope);
    at::Tensor ks = applyRotary(toHeads(*k, c.headDim, w.kNorm, c.rmsNormEps), *ctx.rope);
    at::Tensor vs = toHeads(*v, c.headDim, std::nullopt, c.rmsNormEps);
    const double scaling = std::pow(static_cast<double>(c.headDim), -0.5);
    at::Tensor out = attend(ctx.attention, qs, ks, vs, *ctx.mask, scaling);
    out = out.reshape({h.size(0), h.size(1), -1}).contiguous();
    return applyLinear(w.o, out, ctx.linearHook);
}

Result<at::Tensor> mlp(const at::Tensor& h, const LayerWeights& w, const LayerContext& ctx) {
    auto gate = applyLinear(w.gate, h, ctx.linearHook);
    if (!gate) {
        return gate.error();
    }
    const bool inPlace = ownsLinearOutputs(ctx);
    at::Tensor act = inPlace ? at::silu_(*gate) : at::silu(*gate);
    auto up = applyLinear(w.up, h, ctx.linearHook);
    if (!up) {
        return up.error();
    }
    return applyLinear(w.down, inPlace && sameType(act, *up) ? act.mul_(*up) : act * *up, ctx.linearHook);
}

}  // namespace

Result<at::Tensor> applyLinear(const PreparedLinear& linear, const at::Tensor& x, const LinearHook* hook) {
    auto y = runLinear(linear, x);
    if (y && hook != nullptr && *hook) {
        (*hook)(linear.name, x, *y);
    }
    return y;
}

Result<at::Tensor> decoderLayer(const at::Tensor& hidden, const LayerWeights& w, const LayerContext& ctx) {
    const double eps = ctx.config->rmsNormEps;
    auto attn = selfAttention(rmsNorm(hidden, w.inputNorm, eps), w, ctx);
    if (!attn) {
        return attn.error();
    }
    at::Tensor h = residual(hidden, *attn, ctx);
    auto ff = mlp(rmsNorm(h, w.postNorm, eps), w, ctx);
    if (!ff) {
        return ff.error();
    }
    return residual(h, *ff, ctx);
}

}  // namespace ql::model
