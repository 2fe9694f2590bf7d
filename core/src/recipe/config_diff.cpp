// diffConfigs: field table (declared fields classified by a what-if on the effective signature, then
// the effective rows themselves) + pitfalls + verdict.
#include <quantlens/config_diff.h>

#include <map>
#include <utility>

#include "recipe/config_fields.h"
#include "recipe/config_pitfalls.h"

namespace ql {

using namespace recipe;

namespace {

bool sameSignature(const Recipe& a, const Recipe& b) {
    return effectiveSignature(a) == effectiveSignature(b);
}

// A declared field matters iff swapping in the other side's value changes that side's effective numerics.
ConfigFieldDiff declaredRow(const FieldSpec& spec, const Recipe& train, const Recipe& eval) {
    ConfigFieldDiff row{spec.name, spec.get(train), spec.get(eval), DiffClass::Same, {}};
    if (row.train == row.eval) return row;
    Recipe trainSwapped = train;
    spec.take(trainSwapped, eval);
    Recipe evalSwapped = eval;
    spec.take(evalSwapped, train);
    if (sameSignature(train, trainSwapped) && sameSignature(eval, evalSwapped)) {
        row.verdict = DiffClass::NoEffect;
        row.explanation =
            spec.noEffectReason.empty() ? "does not change what either side computes" : spec.noEffectReason;
    } else {
        row.verdict = DiffClass::ChangesNumerics;
        row.explanation = spec.name + " changes the effective numerics (see the effective.* rows)";
    }
    return row;
}

void effectiveRows(const Recipe& train, const Recipe& eval, std::vector<ConfigFieldDiff>& out) {
    const auto a = effectiveSignature(train);
    const auto b = effectiveSignature(eval);
    std::vector<std::string> order;
    std::map<std::string, std::pair<std::string, std::string>> values;
    for (const auto& [k, v] : a) {
        order.push_back(k);
        values[k].first = v;
    }
    for (const auto& [k, v] : b) {
        if (!values.contains(k)) order.push_back(k);
        values[k].second = v;
    }
    for (const auto& k : order) {
        auto [t, e] = values[k];
        ConfigFieldDiff row{k, t.empty() ? "-" : t, e.empty() ? "-" : e, DiffClass::Same, {}};
        if (row.train != row.eval) {
            row.verdict = DiffClass::ChangesNumerics;
            row.explanation = "the two sides compute " + k.substr(k.find('.') + 1) + " differently";
        }
        out.push_back(std::move(row));
    }
}

}  // namespace

Result<ConfigDiff> diffConfigs(const Recipe& train, const Recipe& eval, const std::vector<LayerShape>& layers) {
    ConfigDiff diff;
    for (const auto& spec : declaredFields()) {
        diff.fields.push_back(declaredRow(spec, train, eval));
    }
    effectiveRows(train, eval, diff.fields);
    sidePitfalls(train, "train", layers, diff.findings);
    sidePitfalls(eval, "eval", layers, diff.findings);
    pairPitfalls(train, eval, diff.findings);
    coveragePitfalls(train, eval, diff.findings);
    for (const auto& row : diff.fields) {
        if (row.verdict == DiffClass::ChangesNumerics) diff.sameNumerics = false;
    }
    for (const auto& f : diff.findings) {
        if (f.changesNumerics || f.severity == FindingSeverity::Error) diff.sameNumerics = false;
    }
    return diff;
}

namespace {
struct DiffClassNames {
    DiffClass value;
    std::string_view id, display;
};
constexpr DiffClassNames kDiffClasses[] = {{DiffClass::Same, "same", "same"},
                                           {DiffClass::NoEffect, "no_effect", "no effect"},
                                           {DiffClass::ChangesNumerics, "changes_numerics", "changes numerics"}};
constexpr std::pair<FindingSeverity, std::string_view> kSeverities[] = {
    {FindingSeverity::Info, "info"}, {FindingSeverity::Warning, "warning"}, {FindingSeverity::Error, "error"}};
}  // namespace

std::string_view diffClassId(DiffClass verdict) {
    for (const auto& n : kDiffClasses) {
        if (n.value == verdict) return n.id;
    }
    return "?";
}

std::string_view diffClassName(DiffClass verdict) {
    for (const auto& n : kDiffClasses) {
        if (n.value == verdict) return n.display;
    }
    return "?";
}

std::optional<DiffClass> diffClassFromId(std::string_view id) {
    for (const auto& n : kDiffClasses) {
        if (n.id == id) return n.value;
    }
    return std::nullopt;
}

std::string_view findingSeverityName(FindingSeverity severity) {
    for (const auto& [value, name] : kSeverities) {
        if (value == severity) return name;
    }
    return "?";
}

std::optional<FindingSeverity> findingSeverityFromName(std::string_view name) {
    for (const auto& [value, n] : kSeverities) {
        if (n == name) return value;
    }
    return std::nullopt;
}

}  // namespace ql
