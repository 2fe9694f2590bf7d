// A comparison of two reports written as the compare window shows it: its verdict headline, then
// one section per tab (Checks: checks, convert deployments, key numbers; Modules: the A-vs-B scatter
// and the module table as filtered and sorted; Curves: the overlaid curves). PDF, PNG and HTML go
// through the report exporter (ReportExporter over an ExportDocument), Markdown through
// documentToMarkdown(); every file is written atomically.
#pragma once

#include <quantlens/result.h>
#include <quantlens/verify_report.h>

#include <QString>
#include <string>

#include "ui/export/export_document.h"

namespace ql::ui {

class CompareWindow;

ExportDocument comparisonDocument(const CompareWindow& window);

// By suffix: .pdf, .png, .html / .htm, .md. An unknown suffix is an error and writes nothing.
Status writeComparison(const CompareWindow& window, const QString& path);

// Headless entry point for `quantlens compare A B --export OUT`: the window is built off screen.
Status exportComparison(const VerifyReport& a, const std::string& nameA, const VerifyReport& b,
                        const std::string& nameB, const std::string& path);

}  // namespace ql::ui
