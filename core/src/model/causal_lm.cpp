#include "model/causal_lm.h"

#include "model/lockstep_forward.h"
#include "model/rotary.h"
#include "model/whole_linear_feeder.h"

namespace ql::model {
CausalLm::CausalLm(LayerLoader loader) : m_loader(std::move(loader)) {
    m_invFreq = ropeInvFreq(m_loader.store().config());
}

namespace {

Result<CausalLm> withAdapter(std::shared_ptr<const WeightStore> store,
                             const std::optional<std::filesystem::path>& adapter,
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

Result<CausalLm> CausalLm::open(const std::filesystem::path& model,
                                const std::optional<std::filesystem::path>& adapter) {
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
    auto lm =
        withAdapter(sameBase.m_loader.sharedStore(), adapter, [](LayerLoader l) { return CausalLm(std::move(l)); });
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
                                                      " is outside [0, vocab_size " + std::to_string(c.vocabSize) +
                                                      ")");
    }
    return Ok{};
}

Result<std::vector<at::Tensor>> CausalLm::forward(const std::vector<at::Tensor>& prompts, const ForwardOptions& o,
                                                  const ForwardHooks& hooks) const {
    auto forward = LockstepForward::start({TrackSpec{"model", this, o.run.dtype, o.run.device, o.run.embedding}},
                                          prompts, o.attention);
    if (!forward) {
        return forward.error();
    }
    WholeLinearFeeder feeder({{&m_loader, o.run}}, o.releasePages);
    LockstepHooks lockstep;
    if (hooks.afterLayer) {
        lockstep.afterLayer = [&](std::size_t, int layer, std::size_t prompt, const at::Tensor& h) {
            hooks.afterLayer(layer, prompt, h);
        };
    }
    if (hooks.afterLinear) {
        lockstep.afterLinear = [&](std::size_t, const std::string& module, const at::Tensor& x, const at::Tensor& y) {
            hooks.afterLinear(module, x, y);
        };
    }
    if (hooks.keepGoing) {
        lockstep.keepGoing = [&](const ModuleRef&, std::size_t, std::size_t) { return hooks.keepGoing(); };
    }
    auto logits = forward->run(feeder, lockstep);
    if (!logits) {
        return logits.error();
    }
    return std::move(logits->front());
}

Result<at::Tensor> CausalLm::forward(const at::Tensor& ids, const ForwardOptions& o, const ForwardHooks& hooks) const {
    auto out = forward(std::vector<at::Tensor>{ids}, o, hooks);
    if (!out) {
        return out.error();
    }
    return out->front();
}

}  // namespace ql::model
