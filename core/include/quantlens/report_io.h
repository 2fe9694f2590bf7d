// Reading and writing reports (README "Report JSON", schemas/report.schema.json). Writes are atomic
// (temporary file + rename): never a partial file. A report file leaves each weight module's drill-down
// (group-error map, worst elements, weight histogram, int4 grid) to a sidecar file next to it,
// "<report>.drilldown.json" (schemas/report-drilldown.schema.json), named and hashed by its `drilldown`.
#pragma once

#include <quantlens/result.h>
#include <quantlens/verify_report.h>

#include <string>
#include <string_view>

namespace ql {

// The whole report as one document, the drill-down inline and `drilldown` null (memory, tests).
std::string reportToJson(const VerifyReport& report);
// Reads either form; a document whose `drilldown` names a sidecar reads without the drill-down
// (drilldownProblem says so): readReportJson loads sidecars.
Result<VerifyReport> reportFromJson(std::string_view json, const std::string& sourceName);

// The two files of a report at `reportPath`: the report without the drill-down, naming the sidecar,
// and the sidecar (compact JSON). Without weight modules, or with an empty reportPath (a report for
// stdout), there is no sidecar: `drilldown` is null and the drill-down is left out.
struct ReportFiles {
    std::string report;
    std::string drilldownPath;  // "" when there is no sidecar
    std::string drilldown;
};
ReportFiles reportFiles(const VerifyReport& report, const std::string& reportPath);
std::string reportToMarkdown(const VerifyReport& report);

// Writes the sidecar, then the report (each atomically; the sidecar is removed again when the report
// cannot be written).
Status writeReportJson(const VerifyReport& report, const std::string& path);
// Reads the report and, with `drilldown`, its sidecar: a missing sidecar, or one whose hash is not the
// report's, leaves the modules without drill-down and says why in drilldownProblem (never an error).
Result<VerifyReport> readReportJson(const std::string& path, bool drilldown = true);

// Writes `content` to `path` via a temporary file in the same directory and a rename.
Status writeFileAtomically(const std::string& path, std::string_view content);

}  // namespace ql
