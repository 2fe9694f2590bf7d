#include "model/lockstep_forward.h"

#include <c10/core/InferenceMode.h>

#include <atomic>

#include "model/linear_identity.h"
#include "model/rms_norm.h"
#include "model/rotary.h"
#include "quant/fake_quant.h"

namespace ql::model {

struct LockstepForward::PromptState {
    at::Tensor hidden;
    RopeTables rope;
    AttentionMask fullMask;
    AttentionMask slidingMask;
};

struct LockstepForward::TrackState {
    TrackSpec spec;
    std::vector<PromptState> prompts;
    RunSpec run() const {
        RunSpec r;
        r.dtype = spec.dtype;
        r.device = spec.device;
        return r;
    }
    const ModelConfig& config() const { return spec.lm->config(); }
};

namespace {

bool sameShapes(const ModelConfig& a, const ModelConfig& b) {
    return a.numHiddenLayers == b.numHiddenLayers && a.hiddenSize == b.hiddenSize &&
           a.intermediateSize == b.intermediateSize && a.numAttentionHeads == b.numAttentionHeads &&
           a.numKeyValueHeads == b.numKeyValueHeads && a.headDim == b.headDim && a.vocabSize == b.vocabSize;
}

Result<LayerNorms> loadNorms(const CausalLm& lm, int layer, const RunSpec& run) {
    LayerNorms n;
    for (const DecoderNorm& norm : layerNorms(lm.config())) {
        auto weight = lm.loader().parameter(normWeightName(layer, norm), run);
        if (!weight) return weight.error();
        switch (norm.kind) {
            case NormKind::Input:
                n.input = *weight;
                break;
            case NormKind::PostAttention:
                n.postAttention = *weight;
                break;
            case NormKind::Q:
                n.q = *weight;
                break;
            case NormKind::K:
                n.k = *weight;
                break;
        }
    }
    return n;
}

bool slidingLayer(const ModelConfig& c, int layer) {
    return c.layerTypes.size() > static_cast<std::size_t>(layer) &&
           c.layerTypes[static_cast<std::size_t>(layer)] == "sliding_attention" && c.slidingWindow;
}

// The embedding lookup; FakeQuantizedEmbedding.forward (torchao qat/embedding.py) looks up in
// weight_fake_quantizer(weight). Its per-group / per-row fake quant is local to each table row, so
// fake-quantizing only the rows the prompt looks up gives the same bits as the whole table.
Result<at::Tensor> embedTokens(const at::Tensor& table, const at::Tensor& tokens,
                               const std::optional<quant::FakeQuantSpec>& fakeQuant) {
    at::Tensor rows = at::embedding(table, tokens);
    if (!fakeQuant) {
        return rows;
    }
    auto q = quant::fakeQuantize(rows.reshape({-1, table.size(1)}), *fakeQuant);
    if (!q) {
        return makeError(q.error().code, "model.embed_tokens: " + q.error().message);
    }
    return q->reshape(rows.sizes());
}

// For each track, an earlier track whose inputs to the module are bit-identical for every prompt
// (-1: none): its blocks may then share that track's products.
std::vector<int> sameInputAs(const TrackInputs& inputs) {
    std::vector<int> same(inputs.size(), -1);
    for (std::size_t t = 1; t < inputs.size(); ++t) {
        for (std::size_t u = 0; u < t && same[t] < 0; ++u) {
            bool equal = inputs[u].size() == inputs[t].size();
            for (std::size_t p = 0; equal && p < inputs[t].size(); ++p) {
                equal = sameTensorValues(inputs[t][p], inputs[u][p]);
            }
            if (equal) same[t] = static_cast<int>(u);
        }
    }
    return same;
}

}  // namespace

Result<LockstepForward> LockstepForward::start(std::vector<TrackSpec> tracks, const std::vector<at::Tensor>& prompts,
                                               AttentionImpl attention) {
    if (tracks.empty()) {
        return makeError(ErrorCode::InvalidInput, "forward: no model to run");
    }
    for (const TrackSpec& t : tracks) {
        if (!sameShapes(t.lm->config(), tracks.front().lm->config())) {
            return makeError(ErrorCode::InvalidInput, "the " + t.label +
                                                          " model's shapes (layers, hidden, heads, vocab) " +
                                                          "differ from the " + tracks.front().label + " model's");
        }
        for (const at::Tensor& ids : prompts) {
            if (auto s = t.lm->checkPrompt(ids); !s) {
                return s.error();
            }
        }
    }
    c10::InferenceMode inferenceMode;
    LockstepForward f;
    f.m_attention = attention;
    f.m_cache = std::make_unique<ActivationCacheScope>();
    const ModelConfig& c = tracks.front().lm->config();
    f.m_modulesTotal = static_cast<std::size_t>(c.numHiddenLayers) * kDecoderLinearCount + 1;
    for (TrackSpec& spec : tracks) {
        auto t = std::make_shared<TrackState>();
        t->spec = std::move(spec);
        auto embed = t->spec.lm->loader().parameter("model.embed_tokens.weight", t->run());
        if (!embed) {
            return embed.error();
        }
        for (const at::Tensor& ids : prompts) {
            PromptState s;
            at::Tensor tokens = ids.to(t->spec.device, at::kLong);
            auto hidden = embedTokens(*embed, tokens, t->spec.embedding);
            if (!hidden) {
                return hidden.error();
            }
            s.hidden = *hidden;
            const std::int64_t len = tokens.size(1);
            at::Tensor positions =
                at::arange(len, at::TensorOptions().dtype(at::kLong).device(t->spec.device)).unsqueeze(0);
            s.rope = ropeTables(t->spec.lm->m_invFreq, positions, s.hidden.scalar_type());
            s.fullMask = makeAttentionMask(attention, len, std::nullopt, s.hidden.scalar_type(), t->spec.device);
            if (c.slidingWindow) {
                s.slidingMask =
                    makeAttentionMask(attention, len, c.slidingWindow, s.hidden.scalar_type(), t->spec.device);
            }
            t->prompts.push_back(std::move(s));
        }
        f.m_tracks.push_back(std::move(t));
    }
    return f;
}

bool LockstepForward::keepGoing(const ModuleRef& m, const LockstepHooks& hooks) {
    return !hooks.keepGoing || hooks.keepGoing(m, m_modulesDone, m_modulesTotal);
}

Result<TrackInputs> LockstepForward::runModule(const ModuleRef& m, const TrackInputs& inputs, ModuleFeeder& feeder,
                                               const LockstepHooks& hooks) {
    if (!keepGoing(m, hooks)) {
        return makeError(ErrorCode::Cancelled, "forward cancelled before " + m.name);
    }
    TrackInputs outputs(m_tracks.size());
    std::vector<std::vector<LinearInputCache>> caches(m_tracks.size());
    for (std::size_t t = 0; t < m_tracks.size(); ++t) {
        for (const at::Tensor& x : inputs[t]) {
            std::vector<std::int64_t> shape(x.sizes().begin(), x.sizes().end());
            shape.back() = m.outFeatures;
            outputs[t].push_back(at::empty(shape, x.options()));
        }
        caches[t].resize(inputs[t].size());
    }
    const std::vector<int> sameInput = sameInputAs(inputs);
    std::vector<std::atomic<bool>> computed(m_tracks.size());  // some block of the track was computed
    BlockSink sink = [&](std::vector<BlockLinear>& blocks) -> Status {
        for (std::size_t t = 0; t < m_tracks.size(); ++t) {
            const BlockLinear& b = blocks[t];
            const int u = sameInput[t];
            if (u >= 0 && sameLinearRows(b.rows, blocks[static_cast<std::size_t>(u)].rows)) {
                for (std::size_t p = 0; p < inputs[t].size(); ++p) {  // the same product: copy track u's rows
                    const std::int64_t n =
                        b.rows.kernelWeight.defined() ? b.rows.kernelWeight.size(0) : b.rows.weight.size(0);
                    outputs[t][p]
                        .narrow(-1, b.row0, n)
                        .copy_(outputs[static_cast<std::size_t>(u)][p].narrow(-1, b.row0, n));
                }
                continue;
            }
            computed[t] = true;
            for (std::size_t p = 0; p < inputs[t].size(); ++p) {
                auto y = runLinearRows(b.rows, inputs[t][p], caches[t][p]);
                if (!y) {
                    return y.error();
                }
                outputs[t][p].narrow(-1, b.row0, y->size(-1)).copy_(*y);
            }
        }
        return Ok{};
    };
    if (auto s = feeder.feed(m, inputs, sink); !s) {
        return s.error();
    }
    ++m_modulesDone;
    for (std::size_t t = 0; t < m_tracks.size(); ++t) {
        m_linearForwards += 1;
        m_linearForwardsShared += computed[t] ? 0 : 1;
    }
    if (hooks.afterLinear) {
        for (std::size_t t = 0; t < m_tracks.size(); ++t) {
            for (std::size_t p = 0; p < inputs[t].size(); ++p) {
                hooks.afterLinear(t, m.name, inputs[t][p], outputs[t][p]);
            }
        }
    }
    return outputs;
}

Status LockstepForward::runLayer(int layer, ModuleFeeder& feeder, const LockstepHooks& hooks) {
    const ModelConfig& c = m_tracks.front()->config();
    std::vector<LayerNorms> norms(m_tracks.size());
    std::vector<std::vector<LayerStepper>> steppers(m_tracks.size());
    for (std::size_t t = 0; t < m_tracks.size(); ++t) {
        TrackState& track = *m_tracks[t];
        auto n = loadNorms(*track.spec.lm, layer, track.run());
        if (!n) {
            return n.error();
        }
        norms[t] = std::move(*n);
    }
    for (std::size_t t = 0; t < m_tracks.size(); ++t) {
        for (PromptState& s : m_tracks[t]->prompts) {
            LayerContext ctx{&c, m_attention, &s.rope, slidingLayer(c, layer) ? &s.slidingMask : &s.fullMask,
                             !hooks.afterLinear};
            steppers[t].emplace_back(s.hidden, norms[t], ctx);
        }
    }
    for (LinearInput group :
         {LinearInput::AttentionIn, LinearInput::AttentionOut, LinearInput::MlpIn, LinearInput::MlpHidden}) {
        TrackInputs inputs(m_tracks.size());
        for (std::size_t t = 0; t < m_tracks.size(); ++t) {
            for (const LayerStepper& s : steppers[t]) {
                inputs[t].push_back(s.input());
            }
        }
        std::vector<TrackInputs> outputs;  // [linear of the group][track][prompt]
        for (const DecoderLinear& linear : linearsOf(group)) {
            auto y = runModule(decoderModule(c, layer, linear), inputs, feeder, hooks);
            if (!y) {
                return y.error();
            }
            outputs.push_back(std::move(*y));
        }
        for (std::size_t t = 0; t < m_tracks.size(); ++t) {
            for (std::size_t p = 0; p < steppers[t].size(); ++p) {
                std::vector<at::Tensor> ys;
                for (const TrackInputs& o : outputs) {
                    ys.push_back(o[t][p]);
                }
                steppers[t][p].advance(ys);
            }
        }
    }
    for (std::size_t t = 0; t < m_tracks.size(); ++t) {
        for (std::size_t p = 0; p < steppers[t].size(); ++p) {
            m_tracks[t]->prompts[p].hidden = steppers[t][p].hidden();
            if (hooks.afterLayer) {
                hooks.afterLayer(t, layer, p, m_tracks[t]->prompts[p].hidden);
            }
        }
    }
    return Ok{};
}

Result<std::vector<std::vector<at::Tensor>>> LockstepForward::runHead(ModuleFeeder& feeder,
                                                                      const LockstepHooks& hooks) {
    const ModelConfig& c = m_tracks.front()->config();
    TrackInputs inputs(m_tracks.size());
    for (std::size_t t = 0; t < m_tracks.size(); ++t) {
        TrackState& track = *m_tracks[t];
        auto norm = track.spec.lm->loader().parameter("model.norm.weight", track.run());
        if (!norm) {
            return norm.error();
        }
        for (PromptState& s : track.prompts) {
            inputs[t].push_back(rmsNorm(s.hidden, *norm, c.rmsNormEps));
            s.hidden = at::Tensor();
        }
    }
    ActivationCacheScope::trim();  // the head's sizes never recur: keep its peak memory as it was
    return runModule(headModule(c), inputs, feeder, hooks);
}

Result<std::vector<std::vector<at::Tensor>>> LockstepForward::run(ModuleFeeder& feeder, const LockstepHooks& hooks) {
    c10::InferenceMode inferenceMode;
    const int layers = static_cast<int>(m_tracks.front()->config().numHiddenLayers);
    for (int layer = 0; layer < layers; ++layer) {
        if (auto s = runLayer(layer, feeder, hooks); !s) {
            return s.error();
        }
    }
    return runHead(feeder, hooks);
}

}  // namespace ql::model
