// The decoder-only causal LM forward (Qwen3, Qwen2, Llama, Mistral), faithful to transformers 5
// eager / SDPA in the run dtype. Weights stay mmapped; a forward materialises one Linear at a time
// (load, transform into the run's form, run every prompt through it, drop its pages), so peak memory
// is about one Linear plus activations (lockstep_forward.h runs it).
#pragma once

#include <ATen/ATen.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "model/decoder_layer.h"
#include "model/layer_weights.h"
#include "model/linear_forms.h"

namespace ql::model {

struct ForwardOptions {
    RunSpec run;
    AttentionImpl attention = AttentionImpl::Sdpa;
    bool releasePages = true;  // drop each layer's mapped pages after use (CPU streaming)
};

// Hidden state after decoder layer `layer` for prompt `prompt` ([1, S, H], before the final norm).
using LayerHook = std::function<void(int layer, std::size_t prompt, const at::Tensor& hidden)>;

// Called with every Linear's input and output (module name, [B, S, in], [B, S, out]); copy what you
// keep: the forward may reuse the memory afterwards.
using LinearHook = std::function<void(const std::string& module, const at::Tensor& input, const at::Tensor& output)>;

struct ForwardHooks {
    LayerHook afterLayer;
    LinearHook afterLinear;  // per Linear input and output (module name), for every prompt in turn
    // Asked before each Linear; false stops the forward with ErrorCode::Cancelled.
    std::function<bool()> keepGoing;
};

class CausalLm {
public:
    // Opens the model directory (config.json + safetensors) and optionally a PEFT adapter for it.
    static Result<CausalLm> open(const std::filesystem::path& model,
                                 const std::optional<std::filesystem::path>& adapter = std::nullopt);
    // The same with another model's mapped checkpoint (same directory): one mapping, one set of
    // page faults for two runs that read the same base weights.
    static Result<CausalLm> open(const CausalLm& sameBase, const std::optional<std::filesystem::path>& adapter);

    const ModelConfig& config() const { return m_loader.store().config(); }
    const LayerLoader& loader() const { return m_loader; }
    const std::filesystem::path& modelDir() const { return m_modelDir; }

    // Logits [B, S, V] in the run dtype for each prompt (token ids int64 [B, S], no padding).
    // Errors: ids not 2-D integer, an id outside [0, vocab_size), S > max_position_embeddings,
    // and anything loading or preparing a layer reports.
    Result<std::vector<at::Tensor>> forward(const std::vector<at::Tensor>& prompts, const ForwardOptions& options,
                                            const ForwardHooks& hooks = {}) const;
    Result<at::Tensor> forward(const at::Tensor& ids, const ForwardOptions& options,
                               const ForwardHooks& hooks = {}) const;

private:
    friend class LockstepForward;
    explicit CausalLm(LayerLoader loader);
    Status checkPrompt(const at::Tensor& ids) const;

    LayerLoader m_loader;
    at::Tensor m_invFreq;
    std::filesystem::path m_modelDir;
};

}  // namespace ql::model
