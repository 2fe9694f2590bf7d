// The output file of an export (`quantlens export`, `verify --export`, `compare --export`), checked
// before anything is read or written: a known suffix (.pdf, .png, .html / .htm: the GUI's pages; .md), a
// build that can write it (without the UI only .md), and an existing folder. Errors are one line
// starting with `label` ("export OUT", "--export OUT"); the exit code is then 2. And the one writer of
// a report export: the Markdown summary for .md, else the GUI's pages (the inspector's Ctrl+E layout).
#pragma once

#include <quantlens/result.h>
#include <quantlens/verify_report.h>

#include <string>

namespace ql::cli {

std::string lowerSuffix(const std::string& path);  // "pdf" for "a/B.PDF"; "" without one
bool isPagesSuffix(const std::string& suffix);     // pdf, png, html, htm
Status checkExportTarget(const std::string& label, const std::string& path);
// Writes `report` to `path` (checked by checkExportTarget) atomically.
Status writeReportExport(const VerifyReport& report, const std::string& path);

}  // namespace ql::cli
