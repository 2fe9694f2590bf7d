// The one walk over the model behind every check: the train, eval and deployed forwards advance
// together Linear by Linear (model::LockstepForward); each Linear's weights are read once, prepared
// row block by row block for every side, deployment and check (ModuleRowsBuilder), handed to every
// pass, then multiplied by every forward. Hidden states after each decoder layer and the logits go to
// the passes too. Mapped pages of a Linear are prefetched before and dropped after it.
#pragma once

#include <vector>

#include "model/lockstep_forward.h"
#include "quantlens/progress.h"
#include "verify/module_rows_builder.h"
#include "verify/verify_pass.h"
#include "verify/walk_plan.h"

namespace ql::checks {

class VerifyWalk final : public model::ModuleFeeder {
public:
    VerifyWalk(const WalkPlan& plan, std::vector<VerifyPass*> passes, const ProgressFn& progress)
        : m_plan(plan), m_passes(std::move(passes)), m_progress(progress) {}

    // Runs the forwards of the train side, the eval side and each deployment over `prompts`
    // (int64 [1, S] each). Errors name the side; a refused progress tick -> ErrorCode::Cancelled.
    Status run(const std::vector<at::Tensor>& prompts, AttentionImpl attention);

    // Who runs in the walk, for progress: "3 forwards (train, eval, deployed (like_for_like))", or
    // "no forward (weights only)".
    std::string describeTracks(bool forwards) const;

    // The walk without forwards, for checks that read weights alone (config, weights): every Linear's
    // rows are prepared and handed to the passes in the same order; the passes get no inputs, hidden
    // states or logits. A refused progress tick -> ErrorCode::Cancelled.
    Status runWithoutForwards();

    Status feed(const model::ModuleRef& m, const model::TrackInputs& inputs, const model::BlockSink& sink) override;

    // After run(): the forwards' tracks, Linear forwards (module × track) and how many were copies of
    // another track's identical product.
    WalkStats stats() const { return m_stats; }

    // Sides whose LoRA delta had to be computed for whole modules (the BLAS differs from the row kernel).
    const std::vector<Track>& wholeModuleDeltas() const { return m_deltaCheck.failed(); }

private:
    std::vector<model::TrackSpec> tracks() const;
    void layerDone(std::size_t track, int layer, std::size_t prompt, const at::Tensor& hidden);
    // Mapped-page traffic of both sides' checkpoints (once when they share one).
    template <typename Fn>
    void forEachLoader(Fn fn) const;
    void readAheadAfter(const model::ModuleRef& m) const;

    const WalkPlan& m_plan;
    std::vector<VerifyPass*> m_passes;
    const ProgressFn& m_progress;
    LoraDeltaCheck m_deltaCheck;
    std::vector<std::vector<at::Tensor>> m_layerHidden;  // [track][prompt] of the layer being finished
    std::vector<model::ModuleRef> m_order;               // the modules in the order the forward feeds them
    WalkStats m_stats;
};

}  // namespace ql::checks
