#include "model/decoder_layer.h"

#include <cmath>

#include "model/rms_norm.h"

namespace ql::model {
namespace {

// `a op= b` keeps a's dtype; in place only where `a op b` would have that dtype and shape too.
bool sameType(const at::Tensor& a, const at::Tensor& b) {
    return at::result_type(a, b) == a.scalar_type() && a.sizes() == b.sizes();
}

// [B, S, heads*D] -> view [B, S, heads, D] (q/k norm here for Qwen3) -> [B, heads, S, D].
at::Tensor toHeads(const at::Tensor& x, std::int64_t headDim, const std::optional<at::Tensor>& norm, double eps) {
    at::Tensor h = x.view({x.size(0), x.size(1), -1, headDim});
    if (norm) {
        h = rmsNorm(h, *norm, eps);
    }
    return h.transpose(1, 2);
}

}  // namespace

std::span<const DecoderLinear> linearsOf(LinearInput group) {
    const auto& all = decoderLinears();
    switch (group) {
        case LinearInput::AttentionIn:
            return {all.data(), 3};
        case LinearInput::AttentionOut:
            return {all.data() + 3, 1};
        case LinearInput::MlpIn:
            return {all.data() + 4, 2};
        case LinearInput::MlpHidden:
            return {all.data() + 6, 1};
    }
    return {};
}

LayerStepper::LayerStepper(at::Tensor hidden, const LayerNorms& norms, const LayerContext& ctx)
    : m_norms(&norms), m_ctx(ctx), m_hidden(std::move(hidden)) {
    m_input = rmsNorm(m_hidden, m_norms->input, m_ctx.config->rmsNormEps);
}

// r + y with y a fresh Linear output: y += r (addition commutes bit for bit).
at::Tensor LayerStepper::residual(const at::Tensor& r, at::Tensor y) const {
    return m_ctx.ownsLinearOutputs && sameType(y, r) ? y.add_(r) : r + y;
}

void LayerStepper::attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) {
    const ModelConfig& c = *m_ctx.config;
    at::Tensor qs = applyRotary(toHeads(q, c.headDim, m_norms->q, c.rmsNormEps), *m_ctx.rope);
    at::Tensor ks = applyRotary(toHeads(k, c.headDim, m_norms->k, c.rmsNormEps), *m_ctx.rope);
    at::Tensor vs = toHeads(v, c.headDim, std::nullopt, c.rmsNormEps);
    const double scaling = std::pow(static_cast<double>(c.headDim), -0.5);
    at::Tensor out = attend(m_ctx.attention, qs, ks, vs, *m_ctx.mask, scaling);
    m_input = out.reshape({m_hidden.size(0), m_hidden.size(1), -1}).contiguous();
}

void LayerStepper::advance(std::span<const at::Tensor> y) {
    const double eps = m_ctx.config->rmsNormEps;
    switch (m_stage) {
        case LinearInput::AttentionIn:
            attention(y[0], y[1], y[2]);
            m_stage = LinearInput::AttentionOut;
            return;
        case LinearInput::AttentionOut:
            m_hidden = residual(m_hidden, y[0]);
            m_input = rmsNorm(m_hidden, m_norms->postAttention, eps);
            m_stage = LinearInput::MlpIn;
            return;
        case LinearInput::MlpIn: {
            at::Tensor gate = y[0];
            const at::Tensor& up = y[1];
            const bool inPlace = m_ctx.ownsLinearOutputs;
            at::Tensor act = inPlace ? at::silu_(gate) : at::silu(gate);
            m_input = inPlace && sameType(act, up) ? act.mul_(up) : act * up;
            m_stage = LinearInput::MlpHidden;
            return;
        }
        case LinearInput::MlpHidden:
            m_hidden = residual(m_hidden, y[0]);
            m_input = at::Tensor();
            m_done = true;
            return;
    }
}

}  // namespace ql::model
