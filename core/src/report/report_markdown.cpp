// Markdown summary of a report: header, one table row per check, then the details that explain a
// failure (config differences, worst modules, first diverging layer, recommendation, warnings).
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "quantlens/report_io.h"

namespace ql {
namespace {

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

// "Qwen/Qwen3-4B @ main (abc123def456)", "adapter_config.json", or "" for a plain folder.
std::string source(const SideSummary& s) {
    const auto& r = s.resolution;
    std::string out =
        r.hubRepoId.empty() ? "" : r.hubRepoId + " @ " + r.hubRevision + " (" + r.hubCommit.substr(0, 12) + ")";
    if (r.modelOrigin.rfind("adapter_config.json", 0) == 0)
        out += (out.empty() ? "" : ", ") + std::string("named by adapter_config.json");
    return out.empty() ? "-" : out;
}

std::string checkpoint(const SideSummary& s) {
    const auto& r = s.resolution;
    return r.checkpointStep ? "checkpoint-" + std::to_string(*r.checkpointStep) + " (" + r.checkpointRule + ")" : "-";
}

// "14 quantized, 2 float" of the coverage table.
std::string coverage(const SideSummary& s) {
    if (s.coverage.empty()) return "-";
    const auto quantized =
        std::count_if(s.coverage.begin(), s.coverage.end(), [](const CoverageRow& c) { return c.reasonId.empty(); });
    return std::to_string(quantized) + " quantized, " + std::to_string(s.coverage.size() - quantized) +
           " float or failing";
}

// A table cell: '|' would end the cell ("max |Δ|"), a line break the row.
std::string cell(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (c == '|')
            out += "\\|";
        else
            out += c == '\n' ? ' ' : c;
    }
    return out;
}

void sides(std::ostringstream& o, const VerifyReport& r) {
    o << "| | train | eval |\n|---|---|---|\n";
    auto row = [&](const char* name, const std::string& a, const std::string& b) {
        o << "| " << name << " | " << cell(a) << " | " << cell(b) << " |\n";
    };
    row("recipe", r.train.recipeFile, r.eval.recipeFile);
    row("model", r.train.modelDir, r.eval.modelDir);
    row("model source", source(r.train), source(r.eval));
    row("checkpoint", checkpoint(r.train), checkpoint(r.eval));
    row("modules", coverage(r.train), coverage(r.eval));
    row("adapter", r.train.adapterForm, r.eval.adapterForm);
    row("torchao", r.train.torchaoVersion, r.eval.torchaoVersion);
    row("device numerics", r.train.deviceNumerics, r.eval.deviceNumerics);
    row("quantization", r.train.quantization, r.eval.quantization);
    o << '\n';
}

void details(std::ostringstream& o, const VerifyReport& r) {
    for (const auto& f : r.config.fields) {
        if (f.verdict != DiffClass::Same)
            o << "- config `" << f.field << "`: " << f.train << " → " << f.eval << ". " << f.explanation << '\n';
    }
    if (r.weights) {
        std::vector<const WeightModuleResult*> worst;
        for (const auto& m : r.weights->modules)
            if (!m.pass) worst.push_back(&m);
        std::sort(worst.begin(), worst.end(), [](auto* a, auto* b) { return a->diff.maxAbs > b->diff.maxAbs; });
        for (std::size_t i = 0; i < std::min<std::size_t>(5, worst.size()); ++i) {
            o << "- weights `" << worst[i]->module << "`: max |Δ| " << num(worst[i]->diff.maxAbs) << ", "
              << worst[i]->diff.differing << " of " << worst[i]->diff.total << " elements differ\n";
        }
    }
    if (r.activations && r.activations->firstDivergingLayer >= 0) {
        o << "- activations first diverge after layer " << r.activations->firstDivergingLayer << '\n';
    }
    if (r.convert) {
        for (const auto& d : r.convert->deployments) {
            o << "- convert, " << d.title << " (" << d.compares << "): argmax agreement "
              << num(100.0 * d.argmaxAgreement) << " %, logits max |Δ| " << num(d.logits.maxAbs) << ", "
              << d.modulesCodesDiffer << " modules change codes — " << (d.pass ? "passes" : "fails") << " the rule\n";
            for (std::size_t i = 0; i < std::min<std::size_t>(10, d.flips.size()); ++i) {
                const ArgmaxFlip& f = d.flips[i];
                o << "  - prompt " << f.prompt << " position " << f.position << ": `" << f.fakeTopText << "` ("
                  << f.fakeTop << ") → `" << f.deployedTopText << "` (" << f.deployedTop << "), fake-quant margin "
                  << num(f.margin) << " (allowed " << num(f.allowed) << "), deviations " << num(f.deviationFakeTop)
                  << " / " << num(f.deviationDeployedTop) << " — " << (f.nearTie ? "near tie" : "beyond the tolerance")
                  << '\n';
            }
        }
    }
    if (r.adapterMerge && !r.adapterMerge->recommendation.empty())
        o << "- adapter merge: " << r.adapterMerge->recommendation << '\n';
    for (const auto& w : r.warnings) o << "- warning (" << w.kind << ") " << w.subject << ": " << w.detail << '\n';
}

std::string effect(const TrackEffect& e) {
    return std::to_string(e.weightsModulesDiffering) + " | " + num(e.logitsMaxAbs) + " | " +
           num(100.0 * e.logitsTop1Agreement) + " %";
}

// The diagnosis: each numerics difference reverted alone, measured; then all of them.
void whatToChange(std::ostringstream& o, const Diagnosis& d) {
    o << "## What to change\n\n" << d.summary << "\n\n";
    o << "| eval with | modules differing | logits max \\|Δ\\| | top-1 agreement | note |\n|---|---|---|---|---|\n";
    o << "| (as it is) | " << effect(d.before) << " | |\n";
    for (const DiagnosisCause& c : d.causes) {
        o << "| `" << c.field << "` " << c.eval << " → " << c.train << " | "
          << (c.effect ? effect(*c.effect) : std::string("– | – | –")) << " | " << c.note << " |\n";
    }
    if (d.allReverted) {
        o << "| every difference reverted | " << effect(*d.allReverted) << " | "
          << (d.fixedRecipeMatchesTrain ? "matches train (`--write-fixed-eval`)" : "still differs") << " |\n";
    }
    for (const std::string& left : d.remaining) o << "\n- still different: " << left;
    o << "\n\n";
}

}  // namespace

std::string reportToMarkdown(const VerifyReport& r) {
    std::ostringstream o;
    o << "# QuantLens verify report\n\n";
    o << "Verdict: **" << r.verdictText() << "** — " << r.createdUtc << ", device " << r.device << ", "
      << num(r.wallSeconds) << " s; " << r.walk.tracks << " forwards in one walk, " << r.walk.linearForwardsShared
      << " of " << r.walk.linearForwards << " Linear forwards shared\n\n";
    o << "Tolerance (Polygraphy: |a-b| ≤ atol OR |a-b| ≤ rtol·|b|): weights atol " << num(r.weightTolerance.atol)
      << " rtol " << num(r.weightTolerance.rtol) << "; logits atol " << num(r.logitTolerance.atol) << " rtol "
      << num(r.logitTolerance.rtol) << "; convert atol " << num(r.convertTolerance.atol) << " rtol "
      << num(r.convertTolerance.rtol) << "\n\n";
    sides(o, r);
    o << "| check | status | result |\n|---|---|---|\n";
    for (const auto& c : r.checks) {
        o << "| " << checkKindName(c.kind) << " | " << checkStatusName(c.status) << " | " << cell(c.headline) << " |\n";
    }
    o << '\n';
    if (r.diagnosis) whatToChange(o, *r.diagnosis);
    o << "## Details\n\n";
    for (const auto& c : r.checks) {
        o << "### " << checkKindName(c.kind) << ": " << checkStatusName(c.status) << "\n\n";
        if (!c.rule.empty()) o << "Rule: " << c.rule << ".\n\n";
        if (!c.numbers.empty()) {
            o << "| number | value |\n|---|---|\n";
            for (const auto& k : c.numbers) o << "| " << cell(k.label) << " | " << cell(k.display) << " |\n";
            o << '\n';
        }
        if (!c.explanation.empty()) o << c.explanation << "\n\n";
    }
    o << "### Findings\n\n";
    details(o, r);
    return o.str();
}

}  // namespace ql
