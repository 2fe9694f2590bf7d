#include "verify/check_config.h"

#include <algorithm>

#include "verify/summary.h"

namespace ql::checks {
namespace {

bool adapterField(const std::string& field) {
    return field == "adapter.form" || field == "effective.lora";
}

std::string joined(const std::vector<std::string>& names, std::size_t most) {
    std::string s;
    for (std::size_t i = 0; i < names.size() && i < most; ++i) {
        s += (i ? ", " : "") + names[i];
    }
    if (names.size() > most) {
        s += " and " + std::to_string(names.size() - most) + " more";
    }
    return s;
}

}  // namespace

CheckSummary configSummary(const ConfigDiff& diff) {
    std::vector<std::string> numeric, adapter;
    for (const ConfigFieldDiff& f : diff.fields) {
        if (f.verdict != DiffClass::ChangesNumerics) continue;
        (adapterField(f.field) ? adapter : numeric).push_back(f.field);
    }
    std::vector<std::string> findings;  // numerics-changing findings about the quantization itself
    for (const ConfigFinding& f : diff.findings) {
        if ((f.changesNumerics || f.severity == FindingSeverity::Error) && !adapterField(f.field))
            findings.push_back(f.id);
    }
    std::string headline;
    if (diff.sameNumerics) {
        headline = "same quantization numerics";
    } else if (numeric.empty() && findings.empty()) {
        headline = "quantization identical; the LoRA form differs (" + joined(adapter, 2) + ")";
    } else if (!numeric.empty()) {
        headline = std::to_string(numeric.size()) + " quantization fields differ: " + joined(numeric, 3);
    } else {
        headline = "quantization differs: " + joined(findings, 3);
    }
    std::string what =
        "Resolved both recipes to the quantization torchao would really run (declared fields with their "
        "defaults, then the effective fake-quant and convert numerics of each side's torchao release) "
        "and compared them field by field; findings are known pitfalls that apply even to one side. ";
    if (diff.sameNumerics) {
        what += "Nothing that changes numerics differs.";
    } else if (numeric.empty() && findings.empty()) {
        what +=
            "Every quantization field agrees; only how the adapter enters the model differs (merged into the base "
            "before fake quant vs kept unmerged). The adapter-merge check shows what that changes per module.";
    } else {
        what +=
            "Make the differing fields equal in the evaluation code (each row says why it matters), then run "
            "again; the weights check shows which modules each difference reaches.";
    }
    return makeSummary(
        CheckKind::Config, diff.sameNumerics ? CheckStatus::Pass : CheckStatus::Fail, headline,
        {keyCount("fields compared", static_cast<std::int64_t>(diff.fields.size())),
         keyCount("fields changing numerics", static_cast<std::int64_t>(numeric.size() + adapter.size())),
         keyCount("findings", static_cast<std::int64_t>(diff.findings.size()))},
        "pass when no field or finding changes numerics between the two recipes", what);
}

}  // namespace ql::checks
