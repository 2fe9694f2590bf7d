// diffConfigs: field table (declared fields classified by a what-if on the effective signature, then
// the effective rows themselves) + pitfalls + verdict.
#include <quantlens/config_diff.h>

#include <map>

#include "recipe/config_fields.h"
#include "recipe/config_pitfalls.h"

namespace ql {

using namespace recipe;

namespace {

bool sameSignature(const Recipe& a, const Recipe& b) { return effectiveSignature(a) == effectiveSignature(b); }

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
        row.explanation = spec.noEffectReason.empty()
                              ? "does not change what either side computes"
                              : spec.noEffectReason;
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

std::string_view diffClassName(DiffClass verdict) {
    switch (verdict) {
    case DiffClass::Same: return "same";
    case DiffClass::NoEffect: return "no effect";
    case DiffClass::ChangesNumerics: return "changes numerics";
    }
    return "?";
}

std::string_view findingSeverityName(FindingSeverity severity) {
    switch (severity) {
    case FindingSeverity::Info: return "info";
    case FindingSeverity::Warning: return "warning";
    case FindingSeverity::Error: return "error";
    }
    return "?";
}

}  // namespace ql
