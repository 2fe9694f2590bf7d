// `quantlens compare A.json B.json [--json] [--export OUT.pdf|png|html|md]`: two reports side by side
// (checks that changed verdict, convert deployments' verdicts, per-module weight deltas, per-layer activation
// deltas, key numbers). --export writes what the GUI's compare window shows (its verdict, tables and plots; the
// same exporter as the report's) atomically. Exit 0 when no verdict got worse from A to B, 1 when one did
// (report_compare.h states the rule), 2 bad input: unreadable report, or an --export target with an unknown
// suffix or a missing folder (checked first; nothing is written then).
#include <quantlens/report_compare.h>
#include <quantlens/report_io.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "export_target.h"

#ifdef QL_HAVE_UI
#include <ui/compare/compare_export.h>
#endif

namespace ql::cli {

namespace {

struct CompareOptions {
    std::string a, b;
    bool json = false;
    int top = 10;
    std::string exportPath;
};

Status exportComparison(const VerifyReport& a, const VerifyReport& b, const CompareOptions& o) {
#ifdef QL_HAVE_UI
    return ui::exportComparison(a, o.a, b, o.b, o.exportPath);
#else
    (void)a, (void)b;
    return makeError(ErrorCode::Unsupported, "--export " + o.exportPath + ": this build has no comparison exporter");
#endif
}

std::string statusText(const std::optional<CheckStatus>& s) {
    return s ? std::string(checkStatusName(*s)) : "-";
}

std::string number(const std::optional<double>& v) {
    if (!v) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", *v);
    return buf;
}

void printChecks(const ReportComparison& c) {
    std::printf("%-16s %-9s %-9s\n", "check", "A", "B");
    for (const CheckChange& change : c.checks) {
        std::printf("%-16s %-9s %-9s %s\n", std::string(checkKindName(change.kind)).c_str(),
                    statusText(change.a).c_str(), statusText(change.b).c_str(),
                    change.worse ? "WORSE" : (change.better ? "better" : ""));
    }
}

void printDeployments(const ReportComparison& c) {
    if (c.deployments.empty()) return;
    const auto verdict = [](const std::optional<bool>& pass) {
        return pass ? std::string(*pass ? "pass" : "fail") : std::string("-");
    };
    std::printf("\n%-20s %-5s %-5s %12s %12s\n", "convert deployment", "A", "B", "argmax A", "argmax B");
    for (const DeploymentDelta& d : c.deployments) {
        std::printf("%-20s %-5s %-5s %12s %12s %s\n", d.id.c_str(), verdict(d.passA).c_str(), verdict(d.passB).c_str(),
                    number(d.argmaxA).c_str(), number(d.argmaxB).c_str(),
                    d.worse() ? "WORSE" : (d.better() ? "better" : ""));
    }
}

void printModules(const ReportComparison& c, int top) {
    int both = 0, onlyA = 0, onlyB = 0;
    std::vector<const ModuleDelta*> changed;
    for (const ModuleDelta& m : c.modules) {
        if (m.a && m.b) {
            ++both;
            if (m.a->maxAbs != m.b->maxAbs) changed.push_back(&m);
        }
        onlyA += m.a && !m.b ? 1 : 0;
        onlyB += m.b && !m.a ? 1 : 0;
    }
    std::printf("\nmodules: %d in both (%d only in A, %d only in B); %d got worse, %d got better\n", both, onlyA, onlyB,
                c.modulesWorse(), c.modulesBetter());
    std::sort(changed.begin(), changed.end(), [](const ModuleDelta* x, const ModuleDelta* y) {
        return std::fabs(y->b->maxAbs - y->a->maxAbs) < std::fabs(x->b->maxAbs - x->a->maxAbs);
    });
    if (changed.empty()) return;
    std::printf("largest max |Δ| changes (A -> B):\n");
    for (int i = 0; i < std::min<int>(top, static_cast<int>(changed.size())); ++i) {
        const ModuleDelta& m = *changed[i];
        std::printf("  %-48s %10s -> %-10s %s\n", m.module.c_str(), number(m.a->maxAbs).c_str(),
                    number(m.b->maxAbs).c_str(), m.worse() ? "WORSE" : (m.better() ? "better" : ""));
    }
}

void printNumbers(const ReportComparison& c) {
    std::printf("\n%-28s %12s %12s\n", "number", "A", "B");
    for (const ScalarDelta& s : c.scalars) {
        if (!s.a && !s.b) continue;
        std::printf("%-28s %12s %12s\n", s.name.c_str(), number(s.a).c_str(), number(s.b).c_str());
    }
    const auto layer = [](int l) { return l < 0 ? std::string("none") : std::to_string(l); };
    std::printf("%-28s %12s %12s\n", "first diverging layer", layer(c.firstDivergingLayerA).c_str(),
                layer(c.firstDivergingLayerB).c_str());
}

Status checkCompareExport(const std::string& path) {
#ifndef QL_HAVE_UI
    return makeError(ErrorCode::Unsupported,
                     "--export " + path + ": this build has no comparison exporter (built with QL_BUILD_UI=OFF)");
#endif
    return checkExportTarget("--export " + path, path);
}

int runCompare(const CompareOptions& o) {
    if (!o.exportPath.empty()) {
        if (auto s = checkCompareExport(o.exportPath); !s) return reportError(s.error());
    }
    auto a = readReportJson(o.a, /*drilldown=*/false);  // the comparison reads no drill-down
    if (!a) return reportError(a.error());
    auto b = readReportJson(o.b, /*drilldown=*/false);
    if (!b) return reportError(b.error());
    const ReportComparison c = compareReports(*a, *b);
    if (o.json) {
        std::cout << comparisonToJson(c, o.a, o.b) << '\n';
    } else {
        std::printf("compare: A = %s, B = %s\n\n", o.a.c_str(), o.b.c_str());
        printChecks(c);
        printDeployments(c);
        printModules(c, o.top);
        printNumbers(c);
        const auto reasons = c.worseReasons();
        std::printf("\nverdict: %s\n", reasons.empty() ? "no verdict got worse" : "a verdict got worse");
        for (std::size_t i = 0; i < std::min<std::size_t>(reasons.size(), 20); ++i)
            std::printf("  %s\n", reasons[i].c_str());
        if (reasons.size() > 20) std::printf("  ... %zu more\n", reasons.size() - 20);
    }
    if (!o.exportPath.empty()) {
        if (auto s = exportComparison(*a, *b, o); !s) return reportError(s.error());
        std::fprintf(stderr, "export: %s\n", o.exportPath.c_str());
    }
    return c.gotWorse() ? kExitFail : kExitPass;
}

}  // namespace

Command addCompareCommand(CLI::App& parent) {
    auto o = std::make_shared<CompareOptions>();
    Command c;
    c.app = parent.add_subcommand("compare",
                                  "Compare two report JSONs (A before, B after); exit 1 when a verdict got worse");
    c.app->add_option("a", o->a, "Report A (before), a quantlens verify --report JSON")->required();
    c.app->add_option("b", o->b, "Report B (after)")->required();
    c.app->add_flag("--json", o->json, "Print the comparison as JSON");
    c.app->add_option("--top", o->top, "How many of the largest module changes to list (default 10)")
        ->check(CLI::Range(0, 100000));
    c.app->add_option("--export", o->exportPath,
                      "Also write the comparison as the GUI shows it: .pdf, .png, .html or .md (atomically)");
    c.run = [o] { return runCompare(*o); };
    return c;
}

}  // namespace ql::cli
