// The report's drill-down sidecar: each weight module's group-error map, worst elements, weight
// histogram and int4 grid (most of a large report's bytes) live in "<report>.drilldown.json" next to
// the report file, so the report itself stays small (schemas/report-drilldown.schema.json).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ql::drilldown {

using Json = nlohmann::ordered_json;

// "r.json" -> "r.drilldown.json", "a.report.json" -> "a.report.drilldown.json", "r" -> "r.drilldown.json".
std::string sidecarPath(const std::string& reportPath);

// Moves the drill-down keys of every module of `report["weights"]` into a new sidecar document
// {schema_version, weights: [{module, group_error, worst, original_histogram, quant_grid}]} (report order).
// Modules without those keys give entries with only "module".
Json split(Json& report);

// Puts the sidecar's entries back into `report["weights"]["modules"]`; returns why it could not ("" when
// it did): another module list (count or names), or not a sidecar document.
std::string merge(Json& report, const Json& sidecar);

// FNV-1a 64 of `bytes`, as 16 lower-case hex digits (the report's drilldown.fnv1a64).
std::string fnv1a64(std::string_view bytes);

}  // namespace ql::drilldown
