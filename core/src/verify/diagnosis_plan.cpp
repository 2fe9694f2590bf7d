#include "verify/diagnosis_plan.h"

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "recipe/config_fields.h"
#include "verify/summary.h"

namespace ql::checks {
namespace {

const recipe::FieldSpec* declaredField(const std::string& name) {
    for (const recipe::FieldSpec& f : recipe::declaredFields()) {
        if (f.name == name) return &f;
    }
    return nullptr;
}

bool sameFolder(const std::string& a, const std::string& b) {
    std::error_code ec;
    return std::filesystem::equivalent(a, b, ec) && !ec;
}

std::string adapterText(const Recipe& r) {
    if (!r.adapter) return "no adapter";
    std::string s = r.adapter->path;
    if (r.adapter->globalStep) s += " (global step " + std::to_string(*r.adapter->globalStep) + ")";
    return s;
}

// What differs besides the recipe's numerics fields: the model read and the adapter folder.
std::vector<std::string> identityDifferences(const Recipe& train, const Recipe& eval) {
    std::vector<std::string> out;
    if (!sameFolder(train.modelDir, eval.modelDir)) {
        out.push_back("model: train reads " + train.modelDir + ", eval " + eval.modelDir);
    }
    const bool bothAdapters = train.adapter && eval.adapter;
    if (train.adapter.has_value() != eval.adapter.has_value() ||
        (bothAdapters && !sameFolder(train.adapter->path, eval.adapter->path))) {
        out.push_back("adapter: train loads " + adapterText(train) + ", eval " + adapterText(eval));
    }
    return out;
}

bool sameEffect(const TrackEffect& a, const TrackEffect& b) {
    return a.weightsModulesDiffering == b.weightsModulesDiffering && a.logitsMaxAbs == b.logitsMaxAbs &&
           a.logitsTop1Agreement == b.logitsTop1Agreement;
}

std::string effectText(const TrackEffect& e) {
    return std::to_string(e.weightsModulesDiffering) + " modules differing, logits max |Δ| " + fmt(e.logitsMaxAbs) +
           ", top-1 agreement " + percent(e.logitsTop1Agreement);
}

bool hasCause(const std::vector<DiagnosisCause>& causes, const std::string& field) {
    return std::any_of(causes.begin(), causes.end(), [&](const DiagnosisCause& c) { return c.field == field; });
}

std::string interactionNote(const DiagnosisCause& c, const std::vector<DiagnosisCause>& all) {
    std::string note = "reverting it alone changes nothing measured: another difference masks it";
    if (c.field == "quantization.group_size" && hasCause(all, "torchao_version")) {
        note +=
            " (torchao_version: the fake quantizer of torchao < 0.18 uses group 128 whatever group_size says, "
            "pytorch/ao#3572, so the group only matters once the release is reverted too)";
    }
    return note;
}

std::string summaryText(const Diagnosis& d) {
    std::string s;
    std::vector<const DiagnosisCause*> measured;
    for (const DiagnosisCause& c : d.causes) {
        if (c.effect) measured.push_back(&c);
    }
    s = "Eval as it is: " + effectText(d.before) + ". ";
    if (!measured.empty()) {
        s += "Reverting one difference at a time (smallest gap left first): ";
        for (std::size_t i = 0; i < measured.size(); ++i) {
            const DiagnosisCause& c = *measured[i];
            s += (i ? "; " : "") + c.field + " " + c.eval + " -> " + c.train + " gives " + effectText(*c.effect);
        }
        s += ". ";
    }
    if (d.allReverted) {
        s += "All of them reverted (the fixed eval recipe): " + effectText(*d.allReverted) + ". ";
        s += d.fixedRecipeMatchesTrain
                 ? "That recipe matches train: write it with --write-fixed-eval FILE (or the Overview's \"What to "
                   "change\" card) and evaluate with it."
                 : "That recipe still differs from train: " +
                       (d.remaining.empty() ? std::string("a difference outside the recipe's numerics fields")
                                            : d.remaining.front()) +
                       "; fix that before relying on the fixed recipe.";
    }
    return s;
}

}  // namespace

DiagnosisPlan planDiagnosis(const Recipe& train, const Recipe& eval, const ConfigDiff& diff) {
    DiagnosisPlan plan;
    std::vector<std::string> changed;
    for (const ConfigFieldDiff& row : diff.fields) {
        const recipe::FieldSpec* spec = row.verdict == DiffClass::ChangesNumerics ? declaredField(row.field) : nullptr;
        if (!spec) continue;
        CausePlan c{row.field, row.train, row.eval, eval};
        if (row.field == "adapter.form" && train.adapter && eval.adapter) {
            c.recipe.adapter->form = train.adapter->form;  // the form only: the adapter folder stays eval's
        } else {
            spec->take(c.recipe, train);
        }
        changed.push_back(row.field + ": " + row.eval + " -> " + row.train);
        plan.causes.push_back(std::move(c));
    }
    plan.remaining = identityDifferences(train, eval);
    if (plan.causes.empty()) return plan;
    auto fixed = fixedEvalRecipe(train, eval, changed);
    if (!fixed) {
        plan.fixedError = fixed.error().message;
        return plan;
    }
    auto parsed = parseRecipe(fixed->yaml, eval.sourceFile + " (fixed)");
    if (!parsed) {
        plan.fixedError = parsed.error().message;
        return plan;
    }
    plan.fixed = std::move(*fixed);
    plan.fixedRecipe = std::move(*parsed);
    return plan;
}

Diagnosis makeDiagnosis(const DiagnosisPlan& plan, const TrackEffect& before,
                        const std::vector<std::optional<TrackEffect>>& effects, const std::vector<std::string>& why,
                        const std::optional<TrackEffect>& allReverted) {
    Diagnosis d;
    d.before = before;
    for (std::size_t i = 0; i < plan.causes.size(); ++i) {
        const CausePlan& p = plan.causes[i];
        d.causes.push_back({p.field, p.train, p.eval, effects[i], effects[i] ? std::string() : why[i]});
    }
    for (DiagnosisCause& c : d.causes) {
        if (!c.effect) continue;
        if (sameEffect(*c.effect, before))
            c.note = interactionNote(c, d.causes);
        else if (c.effect->matchesTrain())
            c.note = "reverting it alone makes eval match train";
    }
    // Measured causes first, masked ones (no effect alone) after them, unmeasured last; within a group
    // the smallest gap left first.
    const auto group = [&](const DiagnosisCause& c) { return !c.effect ? 2 : sameEffect(*c.effect, before) ? 1 : 0; };
    std::stable_sort(d.causes.begin(), d.causes.end(), [&](const DiagnosisCause& a, const DiagnosisCause& b) {
        if (group(a) != group(b)) return group(a) < group(b);
        if (!a.effect) return false;
        return std::make_tuple(a.effect->logitsMaxAbs, a.effect->weightsModulesDiffering,
                               -a.effect->logitsTop1Agreement) < std::make_tuple(b.effect->logitsMaxAbs,
                                                                                 b.effect->weightsModulesDiffering,
                                                                                 -b.effect->logitsTop1Agreement);
    });
    d.allReverted = allReverted;
    d.fixedRecipeMatchesTrain = allReverted && allReverted->matchesTrain();
    d.remaining = plan.remaining;
    if (!plan.fixedError.empty()) d.remaining.push_back("the fixed eval recipe could not be built: " + plan.fixedError);
    if (allReverted && !d.fixedRecipeMatchesTrain && d.remaining.empty()) {
        d.remaining.push_back("a difference outside the recipe's numerics fields (the config check shows none)");
    }
    if (plan.fixed) d.fixedEvalYaml = plan.fixed->yaml;
    d.summary = summaryText(d);
    return d;
}

}  // namespace ql::checks
