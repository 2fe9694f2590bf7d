// comparisonToJson: the comparison as one JSON object (snake_case; absent values null; non-finite
// numbers as the strings "inf", "-inf", "nan", as in the report JSON).
#include <cmath>
#include <nlohmann/json.hpp>

#include "quantlens/report_compare.h"

namespace ql {

namespace {
using Json = nlohmann::ordered_json;

Json number(std::optional<double> v) {
    if (!v) return nullptr;
    if (std::isnan(*v)) return "nan";
    if (std::isinf(*v)) return *v > 0 ? "inf" : "-inf";
    return *v;
}

Json status(std::optional<CheckStatus> s) {
    return s ? Json(std::string(checkStatusName(*s))) : Json(nullptr);
}

Json metrics(const std::optional<DiffMetrics>& d) {
    if (!d) return nullptr;
    return Json{{"max_abs", number(d->maxAbs)},
                {"mean_abs", number(d->meanAbs)},
                {"sqnr_db", number(d->sqnrDb)},
                {"differing", d->differing},
                {"out_of_tolerance", d->outOfTolerance}};
}

Json verdict(std::optional<bool> pass) {
    return pass ? Json(*pass ? "pass" : "fail") : Json(nullptr);
}
}  // namespace

std::string comparisonToJson(const ReportComparison& c, const std::string& labelA, const std::string& labelB) {
    Json j;
    j["schema_version"] = kComparisonSchemaVersion;
    j["a"] = labelA;
    j["b"] = labelB;
    j["got_worse"] = c.gotWorse();
    j["worse"] = c.worseReasons();
    Json checks = Json::array();
    for (const CheckChange& change : c.checks) {
        checks.push_back({{"kind", std::string(checkKindName(change.kind))},
                          {"a", status(change.a)},
                          {"b", status(change.b)},
                          {"worse", change.worse},
                          {"better", change.better}});
    }
    j["checks"] = checks;
    j["modules_worse"] = c.modulesWorse();
    j["modules_better"] = c.modulesBetter();
    Json modules = Json::array();
    for (const ModuleDelta& m : c.modules) {
        modules.push_back({{"module", m.module},
                           {"layer", m.layerIndex},
                           {"layer_type", m.layerType},
                           {"a", metrics(m.a)},
                           {"b", metrics(m.b)},
                           {"verdict_a", verdict(m.passA)},
                           {"verdict_b", verdict(m.passB)}});
    }
    j["modules"] = modules;
    Json deployments = Json::array();
    for (const DeploymentDelta& d : c.deployments) {
        deployments.push_back({{"id", d.id},
                               {"title", d.title},
                               {"verdict_a", verdict(d.passA)},
                               {"verdict_b", verdict(d.passB)},
                               {"argmax_agreement_a", number(d.argmaxA)},
                               {"argmax_agreement_b", number(d.argmaxB)},
                               {"logits_max_abs_a", number(d.logitsMaxAbsA)},
                               {"logits_max_abs_b", number(d.logitsMaxAbsB)},
                               {"modules_codes_differ_a", d.codesDifferA ? Json(*d.codesDifferA) : Json(nullptr)},
                               {"modules_codes_differ_b", d.codesDifferB ? Json(*d.codesDifferB) : Json(nullptr)},
                               {"flips_beyond_tolerance_a", d.flipsBeyondA ? Json(*d.flipsBeyondA) : Json(nullptr)},
                               {"flips_beyond_tolerance_b", d.flipsBeyondB ? Json(*d.flipsBeyondB) : Json(nullptr)},
                               {"worse", d.worse()},
                               {"better", d.better()}});
    }
    j["deployments"] = deployments;
    Json layers = Json::array();
    for (const LayerDelta& l : c.layers) {
        layers.push_back({{"layer", l.layer},
                          {"max_abs_a", number(l.maxAbsA)},
                          {"max_abs_b", number(l.maxAbsB)},
                          {"relative_l2_a", number(l.relativeL2A)},
                          {"relative_l2_b", number(l.relativeL2B)}});
    }
    j["layers"] = layers;
    j["first_diverging_layer_a"] = c.firstDivergingLayerA;
    j["first_diverging_layer_b"] = c.firstDivergingLayerB;
    Json scalars = Json::array();
    for (const ScalarDelta& s : c.scalars)
        scalars.push_back({{"name", s.name}, {"a", number(s.a)}, {"b", number(s.b)}});
    j["numbers"] = scalars;
    return j.dump(1);
}

}  // namespace ql
