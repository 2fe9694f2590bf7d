// A forward stepped one decoder layer at a time: two runs can advance in lockstep, and the caller
// sees each layer's prepared weights before the prompts go through it (verify compares the two
// sides' weights there instead of preparing them a second time). CausalLm::forward is start, every
// layer, finish. Weights stay mmapped; one decoder layer is materialised at a time; the head
// (embedding, final norm, lm_head in the run's form) is prepared at start.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <optional>
#include <vector>

#include "model/activation_cache_scope.h"
#include "model/causal_lm.h"
#include "model/rotary.h"

namespace ql::model {

class ForwardSession {
public:
    // Checks the prompts (as CausalLm::forward documents), prepares the head, embeds every prompt.
    // `lm`, and whatever the hooks refer to, must outlive the session.
    static Result<ForwardSession> start(const CausalLm& lm, const std::vector<at::Tensor>& prompts,
                                        const ForwardOptions& options, const ForwardHooks& hooks = {});

    int layerCount() const;
    bool done() const { return m_next >= layerCount(); }
    const HeadWeights& head() const { return m_head; }

    // Loads and transforms the next decoder layer; it stays prepared until runLayer().
    Result<const LayerWeights*> prepareLayer();
    // Every prompt through the prepared layer (afterLayer / afterLinear hooks), then drops it and
    // its mapped pages. keepGoing() false afterwards -> ErrorCode::Cancelled.
    Status runLayer();
    // Logits [B, S, V] in the run dtype per prompt, after the last layer.
    Result<std::vector<at::Tensor>> finish();

private:
    struct PromptState {
        at::Tensor hidden;
        RopeTables rope;
        AttentionMask fullMask;
        AttentionMask slidingMask;
    };

    ForwardSession() = default;
    PromptState startPrompt(const at::Tensor& ids) const;

    const CausalLm* m_lm = nullptr;
    ForwardOptions m_options;
    ForwardHooks m_hooks;
    HeadWeights m_head;
    std::vector<PromptState> m_states;
    std::optional<LayerWeights> m_layer;
    int m_next = 0;
    std::unique_ptr<ActivationCacheScope> m_cache;  // activation memory reused across layers
};

}  // namespace ql::model
