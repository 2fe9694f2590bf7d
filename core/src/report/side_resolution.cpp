// SideResolution from a recipe's resolution fields (ModelSource, AdapterSpec, CheckpointChoice).
#include <quantlens/verify_report.h>

namespace ql {

SideResolution sideResolution(const Recipe& recipe) {
    SideResolution out;
    const auto& m = recipe.modelSource;
    out.modelRequested = m.requested;
    out.modelOrigin = m.origin;
    out.hubRepoId = m.hubRepoId;
    out.hubRevision = m.hubRevision;
    out.hubCommit = m.hubCommit;
    out.hubCache = m.hubCache;
    if (recipe.adapter) {
        out.adapterRequested = recipe.adapter->requestedPath;
        out.adapterGlobalStep = recipe.adapter->globalStep;
        if (const auto& c = recipe.adapter->checkpoint) {
            out.checkpointStep = c->step;
            out.checkpointRule = c->rule;
            out.checkpointsAvailable = c->available;
        }
    }
    return out;
}

}  // namespace ql
