#include "model/causal_lm.h"

#include <c10/core/InferenceMode.h>

#include "model/activation_cache_scope.h"
#include "model/rms_norm.h"
#include "model/rotary.h"

namespace ql::model {
namespace {

struct PromptState {
    at::Tensor hidden;
    RopeTables rope;
    AttentionMask fullMask;
    AttentionMask slidingMask;
};

PromptState startPrompt(const at::Tensor& ids, const at::Tensor& embed, const at::Tensor& invFreq,
                        const ModelConfig& c, const ForwardOptions& o) {
    PromptState s;
    at::Tensor tokens = ids.to(o.run.device, at::kLong);
    s.hidden = at::embedding(embed, tokens);
    const std::int64_t len = tokens.size(1);
    at::Tensor positions = at::arange(len, at::TensorOptions().dtype(at::kLong).device(o.run.device)).unsqueeze(0);
    s.rope = ropeTables(invFreq, positions, s.hidden.scalar_type());
    s.fullMask = makeAttentionMask(o.attention, len, std::nullopt, s.hidden.scalar_type(), o.run.device);
    if (c.slidingWindow) {
        s.slidingMask = makeAttentionMask(o.attention, len, c.slidingWindow, s.hidden.scalar_type(), o.run.device);
    }
    return s;
}

}  // namespace

CausalLm::CausalLm(LayerLoader loader) : m_loader(std::move(loader)) {
    m_invFreq = ropeInvFreq(m_loader.store().config());
}

namespace {

Result<CausalLm> withAdapter(std::shared_ptr<const WeightStore> store, const std::optional<std::filesystem::path>& adapter,
                             const std::function<CausalLm(LayerLoader)>& make) {
    std::shared_ptr<const AdapterWeights> lora;
    if (adapter) {
        auto a = AdapterWeights::open(*adapter, *store);
        if (!a) {
            return a.error();
        }
        lora = *a;
    }
    return make(LayerLoader(std::move(store), std::move(lora)));
}

}  // namespace

Result<CausalLm> CausalLm::open(const std::filesystem::path& model, const std::optional<std::filesystem::path>& adapter) {
    auto store = WeightStore::open(model);
    if (!store) {
        return store.error();
    }
    auto lm = withAdapter(*store, adapter, [](LayerLoader l) { return CausalLm(std::move(l)); });
    if (lm) {
        lm->m_modelDir = model;
    }
    return lm;
}

Result<CausalLm> CausalLm::open(const CausalLm& sameBase, const std::optional<std::filesystem::path>& adapter) {
    auto lm = withAdapter(sameBase.m_loader.sharedStore(), adapter, [](LayerLoader l) { return CausalLm(std::move(l)); });
    if (lm) {
        lm->m_modelDir = sameBase.m_modelDir;
    }
    return lm;
}

Status CausalLm::checkPrompt(const at::Tensor& ids) const {
    const ModelConfig& c = config();
    if (ids.dim() != 2 || at::isFloatingType(ids.scalar_type()) || ids.size(1) == 0) {
        return makeError(ErrorCode::InvalidInput, "prompt: expected integer token ids [batch, seq], got " +
                                                      std::string(c10::toString(ids.scalar_type())) + " of rank " +
                                                      std::to_string(ids.dim()));
    }
    if (ids.size(1) > c.maxPositionEmbeddings) {
        return makeError(ErrorCode::InvalidInput, "prompt of " + std::to_string(ids.size(1)) +
                                                      " tokens is longer than max_position_embeddings " +
                                                      std::to_string(c.maxPositionEmbeddings));
    }
    const std::int64_t lo = ids.min().item<std::int64_t>(), hi = ids.max().item<std::int64_t>();
    if (lo < 0 || hi >= c.vocabSize) {
        return makeError(ErrorCode::InvalidInput, "prompt: token id " + std::to_string(lo < 0 ? lo : hi) +
                                                      " is outside [0, vocab_size " + std::to_string(c.vocabSize) + ")");
    }
    return Ok{};
}

Result<std::vector<at::Tensor>> CausalLm::forward(const std::vector<at::Tensor>& prompts, const ForwardOptions& o,
                                                  const ForwardHooks& hooks) const {
    for (const at::Tensor& ids : prompts) {
        if (auto s = checkPrompt(ids); !s) {
            return s.error();
        }
    }
    const ModelConfig& c = config();
    c10::InferenceMode inferenceMode;
    ActivationCacheScope activationCache;  // every layer reuses the previous layer's activation memory
    auto head = m_loader.head(o.run);
    if (!head) {
        return head.error();
    }
    std::vector<PromptState> states;
    for (const at::Tensor& ids : prompts) {
        states.push_back(startPrompt(ids, head->embed, m_invFreq, c, o));
    }
    const LinearHook* linearHook = hooks.afterLinear ? &hooks.afterLinear : nullptr;
    for (int i = 0; i < c.numHiddenLayers; ++i) {
        auto layer = m_loader.layer(i, o.run);
        if (!layer) {
            return layer.error();
        }
        for (const std::string& name : layer->parameterNames) {
            m_loader.store().prefetch(name);
        }
        const bool sliding = c.layerTypes.size() > static_cast<std::size_t>(i) &&
                             c.layerTypes[i] == "sliding_attention" && c.slidingWindow;
        for (std::size_t p = 0; p < states.size(); ++p) {
            LayerContext ctx{&c, o.attention, &states[p].rope,
                             sliding ? &states[p].slidingMask : &states[p].fullMask, linearHook};
            auto h = decoderLayer(states[p].hidden, *layer, ctx);
            if (!h) {
                return h.error();
            }
            states[p].hidden = *h;
            if (hooks.afterLayer) {
                hooks.afterLayer(i, p, states[p].hidden);
            }
        }
        if (o.releasePages) {
            for (const std::string& name : layer->parameterNames) {
                m_loader.store().release(name);
            }
        }
        if (hooks.keepGoing && !hooks.keepGoing()) {
            return makeError(ErrorCode::Cancelled, "forward cancelled after layer " + std::to_string(i));
        }
    }
    ActivationCacheScope::trim();  // the head's sizes never recur: keep its peak memory as it was
    m_loader.store().prefetch(lmHeadWeightName(c));
    std::vector<at::Tensor> logits;
    for (PromptState& s : states) {
        auto y = applyLinear(head->lmHead, rmsNorm(s.hidden, head->norm, c.rmsNormEps), linearHook);
        if (!y) {
            return y.error();
        }
        logits.push_back(*y);
    }
    return logits;
}

Result<at::Tensor> CausalLm::forward(const at::Tensor& ids, const ForwardOptions& o, const ForwardHooks& hooks) const {
    auto out = forward(std::vector<at::Tensor>{ids}, o, hooks);
    if (!out) {
        return out.error();
    }
    return out->front();
}

}  // namespace ql::model
