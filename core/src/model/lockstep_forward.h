// Several forwards of one model shape stepped together, Linear by Linear, with every Linear's
// weights streamed in row blocks by a ModuleFeeder: the verify walk runs the train, eval and deployed
// models this way, so each checkpoint weight is read and transformed once for all of them, and no
// forward ever holds more than one row block of a Linear. A plain forward is one track whose feeder
// prepares whole Linears (CausalLm::forward).
//
// Per prompt and track the forward keeps its hidden state; each layer runs LayerStepper's four
// steps; a Linear's rows [r0, r0 + n) give output features [r0, r0 + n), computed with the same ATen
// call on the block as on the whole weight (matrix products blocked along the output dimension give
// the same bits: each output element is the same dot product).
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/activation_cache_scope.h"
#include "model/causal_lm.h"
#include "model/decoder_layer.h"
#include "model/linear_forms.h"
#include "model/linear_table.h"
#include "quant/fake_quant_spec.h"

namespace ql::model {

// One forward: which model it runs (norms, embedding, config) and in which dtype / device.
struct TrackSpec {
    std::string label;             // "train", "eval", "deployed", ...
    const CausalLm* lm = nullptr;  // must outlive the forward
    at::ScalarType dtype = at::kBFloat16;
    at::Device device = at::kCPU;
    std::optional<quant::FakeQuantSpec> embedding;  // RunSpec::embedding: FakeQuantizedEmbedding's weight fake quant
};

// Each track's input to the module being fed, one tensor per prompt ([1, S, in], run dtype).
using TrackInputs = std::vector<std::vector<at::Tensor>>;

// Rows [row0, row0 + weight rows) of a Linear as one track multiplies them: `rows.weight` (or
// `rows.kernelWeight` / `rows.int4`), bias rows, and LoRA factors with lora_A whole and lora_B's rows.
struct BlockLinear {
    std::int64_t row0 = 0;
    PreparedLinear rows;
};

// Receives the row blocks of one module, one BlockLinear per track, in increasing row order.
using BlockSink = std::function<Status(std::vector<BlockLinear>& perTrack)>;

class ModuleFeeder {
public:
    virtual ~ModuleFeeder() = default;
    // Streams module `m` to `sink` in row blocks covering every row once. `inputs` are the tracks'
    // inputs to it (feeders that study activations read them; the forward applies the blocks).
    virtual Status feed(const ModuleRef& m, const TrackInputs& inputs, const BlockSink& sink) = 0;
};

struct LockstepHooks {
    // Hidden state of `track` after decoder layer `layer` for prompt `prompt` ([1, S, H]).
    std::function<void(std::size_t track, int layer, std::size_t prompt, const at::Tensor& hidden)> afterLayer;
    // Every Linear's input and output per track and prompt (copy what you keep).
    std::function<void(std::size_t track, const std::string& module, const at::Tensor& input, const at::Tensor& output)>
        afterLinear;
    // Asked before each module; false stops the forward with ErrorCode::Cancelled.
    std::function<bool(const ModuleRef& next, std::size_t done, std::size_t total)> keepGoing;
};

class LockstepForward {
public:
    // Checks every prompt against every track's model (CausalLm::forward's rules) and that the
    // tracks' models have the same shapes.
    static Result<LockstepForward> start(std::vector<TrackSpec> tracks, const std::vector<at::Tensor>& prompts,
                                         AttentionImpl attention);

    // Runs every layer and the head; returns the logits [1, S, V] per track and prompt. A track whose
    // input to a Linear equals an earlier track's, with identical row blocks (linear_identity.h), copies
    // that track's product instead of computing it again.
    Result<std::vector<std::vector<at::Tensor>>> run(ModuleFeeder& feeder, const LockstepHooks& hooks = {});
    // Linear forwards (module × track) run so far, and how many of them were copies of another track's.
    std::size_t linearForwards() const { return m_linearForwards; }
    std::size_t linearForwardsShared() const { return m_linearForwardsShared; }

private:
    struct PromptState;
    struct TrackState;
    LockstepForward() = default;

    Status runLayer(int layer, ModuleFeeder& feeder, const LockstepHooks& hooks);
    Result<std::vector<std::vector<at::Tensor>>> runHead(ModuleFeeder& feeder, const LockstepHooks& hooks);
    // Feeds module `m` with the tracks' inputs and returns each track's output per prompt.
    Result<TrackInputs> runModule(const ModuleRef& m, const TrackInputs& inputs, ModuleFeeder& feeder,
                                  const LockstepHooks& hooks);
    bool keepGoing(const ModuleRef& m, const LockstepHooks& hooks);

    std::vector<std::shared_ptr<TrackState>> m_tracks;
    AttentionImpl m_attention = AttentionImpl::Sdpa;
    std::size_t m_modulesDone = 0, m_modulesTotal = 0;
    std::size_t m_linearForwards = 0, m_linearForwardsShared = 0;
    std::unique_ptr<ActivationCacheScope> m_cache;  // activation and block memory reused across layers
};

}  // namespace ql::model
