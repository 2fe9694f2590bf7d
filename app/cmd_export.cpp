// `quantlens export REPORT.json OUT.pdf|png|html|md`: a saved report (quantlens verify --report, or
// the GUI's JSON export) written as the GUI's pages (.pdf, .png, .html: the same layout code as the
// inspector's Ctrl+E and verify --export) or the Markdown summary (.md), without running anything.
// Exit 0 written, 2 bad input (unreadable report, unknown suffix, missing folder): one line on stderr.
#include <quantlens/report_io.h>

#include <iostream>
#include <memory>

#include "commands.h"
#include "export_target.h"

namespace ql::cli {

namespace {

struct ExportOptions {
    std::string report, out;
};

int runExport(const ExportOptions& o) {
    if (auto s = checkExportTarget("export " + o.out, o.out); !s) return reportError(s.error());
    auto report = readReportJson(o.report);
    if (!report) return reportError(report.error());
    if (auto s = writeReportExport(*report, o.out); !s) return reportError(s.error());
    std::cout << "export: " << o.out << '\n';
    return kExitPass;
}

}  // namespace

Command addExportCommand(CLI::App& parent) {
    auto o = std::make_shared<ExportOptions>();
    Command c;
    c.app = parent.add_subcommand(
        "export", "Write a saved report JSON as PDF, PNG, HTML (the GUI's pages) or Markdown, without re-running");
    c.app->add_option("report", o->report, "A report JSON (quantlens verify --report, or the GUI's JSON export)")
        ->required();
    c.app->add_option("out", o->out, "Output file: .pdf, .png, .html or .md (written atomically)")->required();
    c.run = [o] { return runExport(*o); };
    return c;
}

}  // namespace ql::cli
