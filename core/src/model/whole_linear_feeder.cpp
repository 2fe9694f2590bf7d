#include "model/whole_linear_feeder.h"

namespace ql::model {

Status WholeLinearFeeder::feed(const ModuleRef& m, const TrackInputs&, const BlockSink& sink) {
    std::vector<BlockLinear> blocks;
    for (const Track& t : m_tracks) {
        t.loader->prefetchLinear(m);
        auto slot = t.loader->slot(m.name, m.hasBias, t.run);
        if (!slot) {
            return slot.error();
        }
        auto prepared = prepareLinear(std::move(*slot), t.run.formOf(m), t.run.quantizes(m));
        if (!prepared) {
            return prepared.error();
        }
        blocks.push_back({0, std::move(*prepared)});
    }
    if (auto s = sink(blocks); !s) {
        return s;
    }
    if (m_releasePages) {
        for (const Track& t : m_tracks) {
            t.loader->releaseLinear(m);
        }
    }
    return Ok{};
}

}  // namespace ql::model
