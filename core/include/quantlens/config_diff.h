// Check 1 (config): resolve both recipes to canonical quantization configs, diff them field by
// field (declared fields with defaults filled in, then the effective numerics of the torchao
// release), and
// report the known pitfalls that apply even to one side (e.g. fake group 128 before torchao 0.18,
// pytorch/ao#3572 / #4518; eps change, #4534; convert without base_config, unslothai/unsloth#3948).
#pragma once

#include <quantlens/recipe.h>
#include <quantlens/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ql {

// Version of `quantlens diff-config --json` (schemas/diff-config.schema.json); bumps on change.
inline constexpr int kConfigDiffSchemaVersion = 1;

enum class DiffClass { Same, NoEffect, ChangesNumerics };

struct ConfigFieldDiff {
    std::string field;  // e.g. "group_size", "effective.fake_quant_group_size"
    std::string train;  // value on the train side (canonical text)
    std::string eval;
    DiffClass verdict = DiffClass::Same;
    std::string explanation;  // why it does / does not change numerics (empty when Same)
};

enum class FindingSeverity { Info, Warning, Error };

// A pitfall: applies to one side or to the pair, independent of the field table.
struct ConfigFinding {
    std::string id;     // stable identifier, e.g. "fake_group_size_128"
    std::string side;   // "train", "eval" or "both"
    std::string field;  // the recipe / torchao field it is about
    FindingSeverity severity = FindingSeverity::Warning;
    bool changesNumerics = false;  // the pair's numerics differ because of it
    std::string message;           // one paragraph, names the field and the torchao issue/PR
};

// A quantized Linear of the model, for the K-divisibility check.
struct LayerShape {
    std::string module;
    std::int64_t inFeatures = 0;
};

struct ConfigDiff {
    std::vector<ConfigFieldDiff> fields;  // every compared field, Same rows included
    std::vector<ConfigFinding> findings;
    bool sameNumerics = true;  // no field ChangesNumerics, no finding changesNumerics or Error
};

// Diffs `train` against `eval`. `layers` (optional) enables the K % group_size check.
// Never fails for parsed recipes; Result for the house rule (every public core function).
Result<ConfigDiff> diffConfigs(const Recipe& train, const Recipe& eval, const std::vector<LayerShape>& layers = {});

// The diff as JSON (schemas/diff-config.schema.json): {"schema_version", "same_numerics", "fields":
// [{field, train, eval, verdict, explanation}], "findings": [{id, side, field, severity, changes_numerics,
// message}]}, verdict and severity as their ids. The report's `config` section is the same object
// (without schema_version): one serializer, in core/src/report/report_json.cpp.
std::string configDiffToJson(const ConfigDiff& diff);

// Reads "module in_features" lines ('#' comments, blank lines allowed) for the K-divisibility check.
Result<std::vector<LayerShape>> parseLayerShapes(std::string_view text, const std::string& sourceName);

// One table per enum gives every spelling: the JSON id (snake_case) and the display text for people.
std::string_view diffClassId(DiffClass verdict);    // "same", "no_effect", "changes_numerics" (JSON)
std::string_view diffClassName(DiffClass verdict);  // "same", "no effect", "changes numerics" (display)
std::optional<DiffClass> diffClassFromId(std::string_view id);
std::string_view findingSeverityName(FindingSeverity severity);  // "info", "warning", "error" (JSON and display)
std::optional<FindingSeverity> findingSeverityFromName(std::string_view name);

}  // namespace ql
