// The ModuleFeeder of a plain forward: each track's Linear prepared whole in the track's form
// (prepareLinear on the checkpoint's slot) and handed over as one block; the module's mapped pages
// are prefetched before and dropped after (layer streaming from the page cache).
#pragma once

#include <vector>

#include "model/layer_weights.h"
#include "model/lockstep_forward.h"

namespace ql::model {

class WholeLinearFeeder final : public ModuleFeeder {
public:
    // One (loader, run spec) per track, in the forward's track order; loaders must outlive the feeder.
    struct Track {
        const LayerLoader* loader = nullptr;
        RunSpec run;
    };
    explicit WholeLinearFeeder(std::vector<Track> tracks, bool releasePages = true)
        : m_tracks(std::move(tracks)), m_releasePages(releasePages) {}

    Status feed(const ModuleRef& m, const TrackInputs& inputs, const BlockSink& sink) override;

private:
    std::vector<Track> m_tracks;
    bool m_releasePages;
};

}  // namespace ql::model
