// compareReports: verdict changes, per-module / per-layer deltas, key numbers side by side.
#include "quantlens/report_compare.h"

#include <algorithm>
#include <map>

namespace ql {

namespace {
bool failing(CheckStatus s) {
    return s == CheckStatus::Fail || s == CheckStatus::Error;
}

std::optional<CheckStatus> statusOf(const VerifyReport& r, CheckKind kind) {
    for (const CheckSummary& c : r.checks) {
        if (c.kind == kind) return c.status;
    }
    return std::nullopt;
}

std::vector<CheckChange> compareChecks(const VerifyReport& a, const VerifyReport& b) {
    std::vector<CheckChange> changes;
    for (CheckKind kind : {CheckKind::Config, CheckKind::Weights, CheckKind::Logits, CheckKind::Activations,
                           CheckKind::Convert, CheckKind::AdapterMerge}) {
        CheckChange change{kind, statusOf(a, kind), statusOf(b, kind)};
        if (!change.a && !change.b) continue;
        const bool failA = change.a && failing(*change.a), failB = change.b && failing(*change.b);
        change.worse = !failA && failB;
        change.better = change.a && change.b && failA && *change.b == CheckStatus::Pass;
        changes.push_back(change);
    }
    return changes;
}

std::vector<ModuleDelta> compareModules(const VerifyReport& a, const VerifyReport& b) {
    std::vector<ModuleDelta> deltas;
    std::map<std::string, std::size_t> index;
    if (a.weights) {
        for (const WeightModuleResult& m : a.weights->modules) {
            index[m.module] = deltas.size();
            deltas.push_back({m.module, m.layerIndex, m.layerType, m.diff, std::nullopt, m.pass, std::nullopt});
        }
    }
    if (b.weights) {
        for (const WeightModuleResult& m : b.weights->modules) {
            auto it = index.find(m.module);
            if (it == index.end()) {
                deltas.push_back({m.module, m.layerIndex, m.layerType, std::nullopt, m.diff, std::nullopt, m.pass});
                continue;
            }
            deltas[it->second].b = m.diff;
            deltas[it->second].passB = m.pass;
        }
    }
    return deltas;
}

std::vector<DeploymentDelta> compareDeployments(const VerifyReport& a, const VerifyReport& b) {
    std::vector<DeploymentDelta> deltas;
    const auto add = [&](const VerifyReport& r, bool isA) {
        if (!r.convert) return;
        for (const ConvertDeployment& d : r.convert->deployments) {
            auto it =
                std::find_if(deltas.begin(), deltas.end(), [&](const DeploymentDelta& x) { return x.id == d.id; });
            if (it == deltas.end()) {
                DeploymentDelta delta;
                delta.id = d.id;
                delta.title = d.title;
                it = deltas.insert(deltas.end(), std::move(delta));
            }
            if (!isA && !d.title.empty()) it->title = d.title;
            (isA ? it->passA : it->passB) = d.pass;
            (isA ? it->argmaxA : it->argmaxB) = d.argmaxAgreement;
            (isA ? it->logitsMaxAbsA : it->logitsMaxAbsB) = d.logits.maxAbs;
            (isA ? it->codesDifferA : it->codesDifferB) = d.modulesCodesDiffer;
            (isA ? it->flipsBeyondA : it->flipsBeyondB) = d.flipsBeyondTolerance;
        }
    };
    add(a, true);
    add(b, false);
    return deltas;
}

std::vector<LayerDelta> compareLayers(const VerifyReport& a, const VerifyReport& b) {
    std::map<int, LayerDelta> layers;
    const auto add = [&](const VerifyReport& r, std::optional<double> LayerDelta::*maxAbs,
                         std::optional<double> LayerDelta::*relL2) {
        if (!r.activations) return;
        for (const LayerDivergence& l : r.activations->layers) {
            LayerDelta& d = layers[l.layer];
            d.layer = l.layer;
            d.*maxAbs = l.diff.maxAbs;
            d.*relL2 = l.relativeL2;
        }
    };
    add(a, &LayerDelta::maxAbsA, &LayerDelta::relativeL2A);
    add(b, &LayerDelta::maxAbsB, &LayerDelta::relativeL2B);
    std::vector<LayerDelta> out;
    for (auto& [layer, delta] : layers) out.push_back(delta);
    return out;
}

template <typename Section, typename Get>
std::optional<double> field(const std::optional<Section>& section, Get get) {
    return section ? std::optional<double>(get(*section)) : std::nullopt;
}

std::vector<ScalarDelta> compareScalars(const VerifyReport& a, const VerifyReport& b,
                                        const std::vector<DeploymentDelta>& deployments) {
    std::vector<ScalarDelta> scalars;
    const auto add = [&](const char* name, auto getSection, auto get) {
        scalars.push_back({name, field(getSection(a), get), field(getSection(b), get)});
    };
    const auto weights = [](const VerifyReport& r) -> const std::optional<WeightsCheck>& { return r.weights; };
    const auto logits = [](const VerifyReport& r) -> const std::optional<LogitsCheck>& { return r.logits; };
    add("weights max |Δ|", weights, [](const WeightsCheck& w) { return w.overall.maxAbs; });
    add("weights modules differing", weights,
        [](const WeightsCheck& w) { return static_cast<double>(w.modulesDiffering); });
    add("logits max |Δ|", logits, [](const LogitsCheck& l) { return l.diff.maxAbs; });
    add("logits mean |Δ|", logits, [](const LogitsCheck& l) { return l.diff.meanAbs; });
    add("KL mean", logits, [](const LogitsCheck& l) { return l.klMean; });
    add("KL max", logits, [](const LogitsCheck& l) { return l.klMax; });
    add("top-1 agreement", logits, [](const LogitsCheck& l) { return l.top1Agreement; });
    add("top-5 overlap", logits, [](const LogitsCheck& l) { return l.top5Agreement; });
    for (const DeploymentDelta& d : deployments) {
        scalars.push_back({"convert " + d.id + ": logits max |Δ|", d.logitsMaxAbsA, d.logitsMaxAbsB});
        scalars.push_back({"convert " + d.id + ": argmax agreement", d.argmaxA, d.argmaxB});
    }
    return scalars;
}
}  // namespace

std::string DeploymentDelta::worseReason() const {
    if (!worse()) return "";
    if (*passA) return "pass -> fail";
    std::string why = "fail -> fail";
    if (codesDifferB.value_or(0) > codesDifferA.value_or(0)) {
        why += ", modules changing codes " + std::to_string(codesDifferA.value_or(0)) + " -> " +
               std::to_string(*codesDifferB);
    }
    if (flipsBeyondB.value_or(0) > flipsBeyondA.value_or(0)) {
        why += ", argmax flips beyond the convert tolerance " + std::to_string(flipsBeyondA.value_or(0)) + " -> " +
               std::to_string(*flipsBeyondB);
    }
    return why;
}

int ReportComparison::modulesWorse() const {
    return static_cast<int>(
        std::count_if(modules.begin(), modules.end(), [](const ModuleDelta& m) { return m.worse(); }));
}

int ReportComparison::modulesBetter() const {
    return static_cast<int>(
        std::count_if(modules.begin(), modules.end(), [](const ModuleDelta& m) { return m.better(); }));
}

bool ReportComparison::gotWorse() const {
    return !worseReasons().empty();
}

std::vector<std::string> ReportComparison::worseReasons() const {
    std::vector<std::string> reasons;
    for (const CheckChange& c : checks) {
        if (!c.worse) continue;
        reasons.push_back("check " + std::string(checkKindName(c.kind)) + ": " +
                          (c.a ? std::string(checkStatusName(*c.a)) : std::string("absent")) + " -> " +
                          std::string(checkStatusName(*c.b)));
    }
    for (const DeploymentDelta& d : deployments) {
        if (d.worse()) reasons.push_back("convert deployment " + d.id + ": " + d.worseReason());
    }
    for (const ModuleDelta& m : modules) {
        if (m.worse()) reasons.push_back("module " + m.module + ": within -> out of tolerance");
    }
    return reasons;
}

ReportComparison compareReports(const VerifyReport& a, const VerifyReport& b) {
    ReportComparison c;
    c.checks = compareChecks(a, b);
    c.modules = compareModules(a, b);
    c.deployments = compareDeployments(a, b);
    c.layers = compareLayers(a, b);
    c.scalars = compareScalars(a, b, c.deployments);
    c.firstDivergingLayerA = a.activations ? a.activations->firstDivergingLayer : -1;
    c.firstDivergingLayerB = b.activations ? b.activations->firstDivergingLayer : -1;
    return c;
}

}  // namespace ql
