// Findings of the config check that need the model: the two sides' module coverage compared row by
// row (a module quantized on one side only, or float for different reasons), when both models'
// config.json can be read.
#include <quantlens/coverage.h>

#include <filesystem>
#include <map>

#include "recipe/config_pitfalls.h"

namespace ql::recipe {

namespace {

bool hasModelConfig(const Recipe& r) {
    std::error_code ec;
    return !r.modelDir.empty() && std::filesystem::exists(std::filesystem::path(r.modelDir) / "config.json", ec);
}

// Whether the module is quantized, left float or refused; how (group size, scheme) is the field
// table's business, and why a module stays float does not change its numerics (embed_tokens is float
// under min_in_features on one side and under a Linear-only config on the other: the same module).
std::string state(const CoverageRow& row) {
    if (row.reasonId.empty()) return "quantized";
    return row.quantization.starts_with("fails") ? "fails" : "float";
}

std::string stateWithReason(const CoverageRow& row) {
    return row.reasonId.empty() ? state(row) : state(row) + " (" + row.reasonId + ")";
}

}  // namespace

void coveragePitfalls(const Recipe& train, const Recipe& eval, std::vector<ConfigFinding>& out) {
    if (!hasModelConfig(train) || !hasModelConfig(eval)) return;  // nothing to walk (e.g. a config-only diff)
    const auto a = loadModuleCoverage(train);
    const auto b = loadModuleCoverage(eval);
    if (!a || !b) {
        out.push_back({"coverage_unknown", "both", "model", FindingSeverity::Info, false,
                       "module coverage not compared: " + (!a ? a.error().message : b.error().message)});
        return;
    }
    std::map<std::string, const CoverageRow*> evalRows;
    for (const auto& row : *b) evalRows[row.module] = &row;
    std::string examples;
    int differing = 0;
    for (const auto& row : *a) {
        const auto it = evalRows.find(row.module);
        if (it != evalRows.end() && state(*it->second) == state(row)) continue;
        const std::string other = it == evalRows.end() ? "absent" : stateWithReason(*it->second);
        if (++differing <= 3) {
            examples +=
                (examples.empty() ? "" : "; ") + row.module + ": train " + stateWithReason(row) + ", eval " + other;
        }
    }
    if (differing == 0) return;
    out.push_back({"coverage_differs", "both", "quantization", FindingSeverity::Warning, true,
                   std::to_string(differing) + " module(s) are quantized differently on the two sides: " + examples +
                       (differing > 3 ? "; ..." : "") + " (see each side's coverage table)"});
}

}  // namespace ql::recipe
