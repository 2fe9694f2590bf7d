// What `quantlens verify` prints and writes besides the report JSON: the text summary, JUnit XML
// (one testcase per check) and GitHub Actions annotations (workflow commands).
#pragma once

#include <quantlens/verify_report.h>

#include <string>
#include <vector>

namespace ql::cli {

struct TextOptions {
    bool verbose = false;              // -v: each check's rule and explanation
    std::vector<std::string> written;  // "report: r.json", "export: r.md", ... in the order written
};

// The text summary: both sides as resolved, the tolerances, one line per check, warnings, the files
// written, the verdict.
std::string reportToText(const VerifyReport& report, const TextOptions& options);

// JUnit XML: one <testcase> per check, classname "quantlens.verify"; fail -> <failure>, error ->
// <error>, skipped -> <skipped>, each with the headline as message and the rule, key numbers and
// explanation as text.
std::string reportToJunit(const VerifyReport& report);

// GitHub Actions workflow commands: "::error title=...::..." per failed check or check in error,
// "::warning title=...::..." per report warning; one per line.
std::string reportToAnnotations(const VerifyReport& report);

}  // namespace ql::cli
