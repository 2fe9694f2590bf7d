#include "model/forward_session.h"

#include <c10/core/InferenceMode.h>

#include "model/rms_norm.h"

namespace ql::model {

ForwardSession::PromptState ForwardSession::startPrompt(const at::Tensor& ids) const {
    const ModelConfig& c = m_lm->config();
    const ForwardOptions& o = m_options;
    PromptState s;
    at::Tensor tokens = ids.to(o.run.device, at::kLong);
    s.hidden = at::embedding(m_head.embed, tokens);
    const std::int64_t len = tokens.size(1);
    at::Tensor positions = at::arange(len, at::TensorOptions().dtype(at::kLong).device(o.run.device)).unsqueeze(0);
    s.rope = ropeTables(m_lm->m_invFreq, positions, s.hidden.scalar_type());
    s.fullMask = makeAttentionMask(o.attention, len, std::nullopt, s.hidden.scalar_type(), o.run.device);
    if (c.slidingWindow) {
        s.slidingMask = makeAttentionMask(o.attention, len, c.slidingWindow, s.hidden.scalar_type(), o.run.device);
    }
    return s;
}

Result<ForwardSession> ForwardSession::start(const CausalLm& lm, const std::vector<at::Tensor>& prompts,
                                             const ForwardOptions& options, const ForwardHooks& hooks) {
    for (const at::Tensor& ids : prompts) {
        if (auto s = lm.checkPrompt(ids); !s) {
            return s.error();
        }
    }
    c10::InferenceMode inferenceMode;
    ForwardSession session;
    session.m_lm = &lm;
    session.m_options = options;
    session.m_hooks = hooks;
    session.m_cache = std::make_unique<ActivationCacheScope>();
    auto head = lm.loader().head(options.run);
    if (!head) {
        return head.error();
    }
    session.m_head = std::move(*head);
    for (const at::Tensor& ids : prompts) {
        session.m_states.push_back(session.startPrompt(ids));
    }
    return session;
}

int ForwardSession::layerCount() const { return static_cast<int>(m_lm->config().numHiddenLayers); }

Result<const LayerWeights*> ForwardSession::prepareLayer() {
    c10::InferenceMode inferenceMode;
    auto layer = m_lm->loader().layer(m_next, m_options.run);
    if (!layer) {
        return layer.error();
    }
    for (const std::string& name : layer->parameterNames) {
        m_lm->loader().store().prefetch(name);
    }
    m_layer = std::move(*layer);
    return &*m_layer;
}

Status ForwardSession::runLayer() {
    c10::InferenceMode inferenceMode;
    const ModelConfig& c = m_lm->config();
    const int i = m_next;
    const LinearHook* linearHook = m_hooks.afterLinear ? &m_hooks.afterLinear : nullptr;
    const bool sliding = c.layerTypes.size() > static_cast<std::size_t>(i) &&
                         c.layerTypes[static_cast<std::size_t>(i)] == "sliding_attention" && c.slidingWindow;
    for (std::size_t p = 0; p < m_states.size(); ++p) {
        LayerContext ctx{&c, m_options.attention, &m_states[p].rope,
                         sliding ? &m_states[p].slidingMask : &m_states[p].fullMask, linearHook};
        auto h = decoderLayer(m_states[p].hidden, *m_layer, ctx);
        if (!h) {
            return h.error();
        }
        m_states[p].hidden = *h;
        if (m_hooks.afterLayer) {
            m_hooks.afterLayer(i, p, m_states[p].hidden);
        }
    }
    if (m_options.releasePages) {
        for (const std::string& name : m_layer->parameterNames) {
            m_lm->loader().store().release(name);
        }
    }
    m_layer.reset();
    ++m_next;
    if (m_hooks.keepGoing && !m_hooks.keepGoing()) {
        return makeError(ErrorCode::Cancelled, "forward cancelled after layer " + std::to_string(i));
    }
    return Ok{};
}

Result<std::vector<at::Tensor>> ForwardSession::finish() {
    c10::InferenceMode inferenceMode;
    const ModelConfig& c = m_lm->config();
    ActivationCacheScope::trim();  // the head's sizes never recur: keep its peak memory as it was
    m_lm->loader().store().prefetch(lmHeadWeightName(c));
    const LinearHook* linearHook = m_hooks.afterLinear ? &m_hooks.afterLinear : nullptr;
    std::vector<at::Tensor> logits;
    for (PromptState& s : m_states) {
        auto y = applyLinear(m_head.lmHead, rmsNorm(s.hidden, m_head.norm, c.rmsNormEps), linearHook);
        if (!y) {
            return y.error();
        }
        logits.push_back(*y);
    }
    return logits;
}

}  // namespace ql::model
