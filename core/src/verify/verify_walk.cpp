#include "verify/verify_walk.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <mutex>
#include <optional>

namespace ql::checks {

std::vector<model::TrackSpec> VerifyWalk::tracks() const {
    std::vector<model::TrackSpec> t;
    for (const Side* s : {m_plan.train, m_plan.eval}) {
        t.push_back({s->label, &*s->lm, s->run.dtype, s->run.device, s->run.embedding});
    }
    // A deployed model keeps the eval side's embedding (convert of a fake-quantized embedding is not modelled).
    for (const DeploymentPlan& d : m_plan.deployments) {
        t.push_back({"deployed (" + d.id + ")", &*m_plan.eval->lm, m_plan.eval->run.dtype, m_plan.eval->run.device,
                     m_plan.eval->run.embedding});
    }
    for (const Side* s : m_plan.variants) {
        t.push_back({s->label, &*s->lm, s->run.dtype, s->run.device, s->run.embedding});
    }
    return t;
}

void VerifyWalk::layerDone(std::size_t track, int layer, std::size_t prompt, const at::Tensor& hidden) {
    m_layerHidden[track][prompt] = hidden;
    if (track + 1 == m_layerHidden.size() && prompt + 1 == m_layerHidden[track].size()) {
        for (VerifyPass* p : m_passes) {
            p->addLayer(layer, m_layerHidden);
        }
    }
}

namespace {

// Runs block(i) for i in [begin, end): concurrently on ATen's worker threads when allowed (a block's
// kernels then run on its thread alone), else in order. The first error wins.
template <typename Block>
Status forEachBlock(std::int64_t begin, std::int64_t end, bool concurrent, Block block) {
    if (!concurrent) {
        for (std::int64_t i = begin; i < end; ++i) {
            if (auto s = block(i); !s) return s;
        }
        return Ok{};
    }
    std::mutex mutex;
    std::optional<Error> failure;
    at::parallel_for(begin, end, 1, [&](std::int64_t b, std::int64_t e) {
        c10::InferenceMode inferenceMode;  // thread-local: the workers run the forwards' ops too
        for (std::int64_t i = b; i < e; ++i) {
            Status s = Ok{};
            try {
                s = block(i);
            } catch (const std::exception& ex) {
                s = makeError(ErrorCode::Internal, ex.what());
            }
            if (!s) {
                std::lock_guard<std::mutex> lock(mutex);
                if (!failure) failure = s.error();
                return;
            }
        }
    });
    if (failure) return *failure;
    return Ok{};
}

}  // namespace

template <typename Fn>
void VerifyWalk::forEachLoader(Fn fn) const {
    const model::LayerLoader& train = m_plan.train->lm->loader();
    const model::LayerLoader& eval = m_plan.eval->lm->loader();
    fn(train);
    if (&eval.store() != &train.store()) {
        fn(eval);
    }
}

// Starts reading the next module's weights into the page cache while this one is computed.
void VerifyWalk::readAheadAfter(const model::ModuleRef& m) const {
    for (std::size_t i = 0; i + 1 < m_order.size(); ++i) {
        if (m_order[i].name == m.name) {
            forEachLoader([&](const model::LayerLoader& l) { l.readAheadLinear(m_order[i + 1]); });
            return;
        }
    }
}

Status VerifyWalk::run(const std::vector<at::Tensor>& prompts, AttentionImpl attention) {
    m_order = model::linearModules(m_plan.eval->lm->config());
    auto forward = model::LockstepForward::start(tracks(), prompts, attention);
    if (!forward) {
        return forward.error();
    }
    m_layerHidden.assign(tracks().size(), std::vector<at::Tensor>(prompts.size()));
    model::LockstepHooks hooks;
    hooks.afterLayer = [this](std::size_t t, int layer, std::size_t p, const at::Tensor& h) {
        layerDone(t, layer, p, h);
    };
    hooks.keepGoing = [this](const model::ModuleRef& m, std::size_t done, std::size_t total) {
        return !m_progress || m_progress(Progress{"verify", m.name, static_cast<std::int64_t>(done),
                                                  static_cast<std::int64_t>(total)});
    };
    auto logits = forward->run(*this, hooks);
    m_stats.tracks = static_cast<std::int64_t>(tracks().size());
    m_stats.linearForwards = static_cast<std::int64_t>(forward->linearForwards());
    m_stats.linearForwardsShared = static_cast<std::int64_t>(forward->linearForwardsShared());
    if (!logits) {
        return logits.error().code == ErrorCode::Cancelled ? makeError(ErrorCode::Cancelled, "verify cancelled")
                                                           : logits.error();
    }
    for (VerifyPass* p : m_passes) {
        p->addLogits(*logits);
    }
    return Ok{};
}

std::string VerifyWalk::describeTracks(bool forwards) const {
    if (!forwards) return "no forward (the checks asked for read weights only)";
    const auto specs = tracks();
    std::string names;
    for (const model::TrackSpec& t : specs) names += (names.empty() ? "" : ", ") + t.label;
    return std::to_string(specs.size()) + " forwards in one walk: " + names;
}

Status VerifyWalk::runWithoutForwards() {
    c10::InferenceMode inferenceMode;
    m_order = model::linearModules(m_plan.eval->lm->config());
    const model::TrackInputs noInputs(tracks().size());
    const model::BlockSink discard = [](std::vector<model::BlockLinear>&) -> Status { return Ok{}; };
    for (std::size_t i = 0; i < m_order.size(); ++i) {
        const model::ModuleRef& m = m_order[i];
        if (m_progress && !m_progress(Progress{"verify", m.name, static_cast<std::int64_t>(i),
                                               static_cast<std::int64_t>(m_order.size())})) {
            return makeError(ErrorCode::Cancelled, "verify cancelled");
        }
        if (auto s = feed(m, noInputs, discard); !s) return s;
    }
    m_stats.tracks = 0;
    return Ok{};
}

Status VerifyWalk::feed(const model::ModuleRef& m, const model::TrackInputs& inputs, const model::BlockSink& sink) {
    readAheadAfter(m);
    auto builder = ModuleRowsBuilder::start(m_plan, m, m_deltaCheck);
    if (!builder) {
        return builder.error();
    }
    for (VerifyPass* p : m_passes) {
        p->beginModule(m, inputs);
    }
    auto block = [&](std::int64_t index) -> Status {
        const std::int64_t r0 = index * builder->blockRows();
        const std::int64_t n = std::min(builder->blockRows(), builder->rowCount() - r0);
        forEachLoader([&](const model::LayerLoader& l) { l.prefetchLinearRows(m, r0, n); });
        auto rows = builder->rows(r0, n);
        if (!rows) {
            return rows.error();
        }
        for (VerifyPass* p : m_passes) {
            p->addRows(m, *rows);
        }
        std::vector<model::BlockLinear> blocks = builder->trackBlocks(*rows);
        if (auto s = sink(blocks); !s) {
            return s;
        }
        forEachLoader([&](const model::LayerLoader& l) { l.releaseLinearRows(m, r0, n); });
        return Ok{};
    };
    const std::int64_t count = (builder->rowCount() + builder->blockRows() - 1) / builder->blockRows();

    // The first block alone (the forwards derive what they keep from the module's inputs there), then
    // the others spread over the worker threads, each block computed whole on one thread.
    if (auto s = block(0); !s) {
        return s;
    }
    if (auto s = forEachBlock(1, count, builder->concurrentBlocks(), block); !s) {
        return s;
    }
    for (VerifyPass* p : m_passes) {
        p->endModule(m);
    }
    forEachLoader([&](const model::LayerLoader& l) { l.releaseLinear(m); });
    return Ok{};
}

}  // namespace ql::checks
