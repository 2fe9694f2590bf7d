// What `quantlens verify` tells a user and a CI job besides the exit code: progress on stderr (lines in
// a log, one updating line on a terminal), the text summary (-v), Markdown (--export .md), JUnit XML
// (--junit) and GitHub annotations (GITHUB_ACTIONS). Runs the reference scenarios
// (tests/reference/ql_ref/scenarios.py): a_identical passes, b_merge fails the adapter-merge check.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/cli_runner.h"
#include "support/safetensors_writer.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string scenario(const std::string& name) {
    const std::string d = std::string(QL_REFERENCE_DIR) + "/scenarios/" + name + "/";
    return "--train " + d + "train.yaml --eval " + d + "eval.yaml";
}

std::string verify(const std::string& args) {
    return std::string(QL_EXE) + " verify " + args;
}

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

json readJson(const fs::path& path) {
    std::ifstream in(path);
    return json::parse(in);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A workflow command's message as GitHub escapes it (% first, then CR and LF).
std::string escaped(const std::string& text) {
    std::string out;
    for (const char c : text) out += c == '%' ? "%25" : c == '\r' ? "%0D" : c == '\n' ? "%0A" : std::string(1, c);
    return out;
}

TEST(VerifyProgress, PlainLinesPerLayerOnAPipeAndNoneWithQuiet) {
    const auto r = test::runSplit(verify(scenario("a_identical")));
    EXPECT_EQ(r.exitCode, 0) << r.errors;
    EXPECT_TRUE(contains(r.errors, "verify: layer 1/")) << r.errors;
    EXPECT_TRUE(contains(r.errors, "(model.layers.0), module 1/")) << r.errors;
    EXPECT_TRUE(contains(r.errors, " elapsed")) << r.errors;
    EXPECT_TRUE(contains(r.errors, " left\n")) << "an estimate once a module is done: " << r.errors;
    EXPECT_TRUE(contains(r.errors, "verify: done in ")) << r.errors;
    EXPECT_FALSE(contains(r.errors, "\r")) << "no terminal control in a log";
    EXPECT_FALSE(contains(r.output, "verify: layer")) << "progress stays off stdout";
    std::istringstream lines(r.errors);
    int layerLines = 0;
    std::string previous;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("verify: layer ", 0) != 0) continue;
        ++layerLines;
        const std::string layer = line.substr(0, line.find(','));
        EXPECT_NE(layer, previous) << "one line per layer, not per module";
        previous = layer;
    }
    EXPECT_GE(layerLines, 2);

    const auto quiet = test::runSplit(verify(scenario("a_identical") + " --quiet"));
    EXPECT_EQ(quiet.exitCode, 0);
    EXPECT_EQ(quiet.errors, "");
}

TEST(VerifyProgress, OneUpdatingLineOnATerminal) {
    if (test::runMerged("command -v script").exitCode != 0) GTEST_SKIP() << "no script(1) to give the run a terminal";
    // script(1) runs the command on a pseudo-terminal; stdout and stderr both land in its output.
    const auto r = test::runMerged("script -qec '" + verify(scenario("a_identical")) + "' /dev/null");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "\r\033[Kverify: layer 1/")) << r.output;
    EXPECT_FALSE(contains(r.output, "verify: done in")) << "the line is cleared, not closed with a summary";
    EXPECT_TRUE(contains(r.output, "verdict: all checks pass"));
}

TEST(VerifyText, NamesWhatRanAndWhereTheReportWent) {
    ql::test::TempDir dir;
    const auto report = dir.path() / "r.json";
    const auto r = test::runSplit(verify(scenario("b_merge") + " --report " + report.string() + " --atol 0.001"));
    EXPECT_EQ(r.exitCode, 1) << r.errors;
    const json j = readJson(report);
    EXPECT_TRUE(contains(r.output, "train: " + j["train"]["recipe_file"].get<std::string>())) << r.output;
    EXPECT_TRUE(contains(r.output, "  model:        " + j["eval"]["model_dir"].get<std::string>())) << r.output;
    EXPECT_TRUE(
        contains(r.output, "tolerances: weights atol 0.001 rtol 0; logits atol 0.001 rtol 1e-05; convert atol 1"))
        << r.output;
    EXPECT_TRUE(contains(r.output, "report: " + report.string() + "\n")) << r.output;
    for (const auto& c : j["checks"]) {
        const std::string explanation = c["explanation"];
        if (!explanation.empty()) EXPECT_FALSE(contains(r.output, explanation)) << "explanations only with -v";
    }
    const auto verbose = test::runSplit(verify(scenario("b_merge") + " --atol 0.001 -v -q"));
    EXPECT_EQ(verbose.exitCode, 1);
    for (const auto& c : j["checks"]) {
        EXPECT_TRUE(contains(verbose.output, c["explanation"].get<std::string>())) << c["kind"];
        EXPECT_TRUE(contains(verbose.output, "    rule: " + c["rule"].get<std::string>())) << c["kind"];
    }
}

TEST(VerifyCi, MarkdownHasTheVerdictAndEveryCheck) {
    ql::test::TempDir dir;
    const auto md = dir.path() / "summary.md";
    const auto report = dir.path() / "r.json";
    const auto r =
        test::runSplit(verify(scenario("b_merge") + " -q --export " + md.string() + " --report " + report.string()));
    EXPECT_EQ(r.exitCode, 1) << r.errors;
    EXPECT_TRUE(contains(r.output, "export: " + md.string())) << r.output;
    const std::string text = readText(md);
    EXPECT_TRUE(contains(text, "Verdict: **")) << text;
    EXPECT_TRUE(contains(text, "checks failed: ")) << text;
    // b_merge differs in the adapter form alone: the diagnosis section measures reverting it.
    EXPECT_TRUE(contains(text, "## What to change")) << text;
    EXPECT_TRUE(contains(text, "`adapter.form` merged → unmerged")) << text;
    const json j = readJson(report);
    ASSERT_EQ(j["checks"].size(), 6u);
    for (const auto& c : j["checks"]) {
        const std::string kind = c["kind"], status = c["status"];
        EXPECT_TRUE(contains(text, "| " + kind + " | " + status + " | ")) << kind;
        EXPECT_TRUE(contains(text, "### " + kind + ": " + status)) << kind;
        if (!c["rule"].get<std::string>().empty())
            EXPECT_TRUE(contains(text, "Rule: " + c["rule"].get<std::string>())) << kind;
        if (!c["explanation"].get<std::string>().empty())
            EXPECT_TRUE(contains(text, c["explanation"].get<std::string>())) << kind;
        for (const auto& n : c["numbers"]) {
            EXPECT_TRUE(contains(text, n["display"].get<std::string>())) << kind;
            // A number is a JSON number (or "inf"/"-inf"/"nan") unless its unit says it is text.
            EXPECT_EQ(n["value"].is_null(), n["unit"] == "text" || n["display"] == "none" || n["display"] == "-")
                << kind << n;
        }
    }
    // Every row of the check table has the table's four '|' (a headline's "|Δ|" is escaped).
    std::istringstream lines(text.substr(text.find("| check | status | result |")));
    std::string line;
    for (int i = 0; i < 8 && std::getline(lines, line); ++i) {
        int bars = 0;
        for (std::size_t k = 0; k < line.size(); ++k) bars += line[k] == '|' && (k == 0 || line[k - 1] != '\\') ? 1 : 0;
        EXPECT_EQ(bars, 4) << line;
    }
}

// Parses the JUnit file with Python's XML parser: "name status" per testcase, then "tests failures".
std::string junitCases(const fs::path& file) {
    const std::string python = std::string(QL_PYTHON).empty() ? "python3" : QL_PYTHON;
    const std::string script =
        "import sys, xml.etree.ElementTree as E\n"
        "suite = E.parse(sys.argv[1]).getroot().find('testsuite')\n"
        "for t in suite.iter('testcase'):\n"
        "    kind = next((k for k in ('failure', 'error', 'skipped') if t.find(k) is not None), 'pass')\n"
        "    el = t.find(kind)\n"
        "    print(t.get('name'), kind, (el.get('message') or '') if el is not None else '', (el.text or "
        "'').count('rule: ') if el is not None else 0)\n"
        "print('totals', suite.get('tests'), suite.get('failures'), suite.get('errors'), suite.get('skipped'))\n";
    std::ofstream(file.string() + ".py") << script;
    return test::runMerged(python + " " + file.string() + ".py " + file.string()).output;
}

TEST(VerifyCi, JunitHasOneTestcasePerCheckWithTheFailuresMarked) {
    ql::test::TempDir dir;
    const auto xml = dir.path() / "junit.xml";
    const auto report = dir.path() / "r.json";
    const auto r =
        test::runSplit(verify(scenario("b_merge") + " -q --junit " + xml.string() + " --report " + report.string()));
    EXPECT_EQ(r.exitCode, 1) << r.errors;
    const json j = readJson(report);
    const std::string cases = junitCases(xml);
    int failures = 0, skipped = 0;
    for (const auto& c : j["checks"]) {
        const std::string status = c["status"];
        const std::string kind = status == "fail" ? "failure" : status == "skipped" ? "skipped" : status;
        failures += status == "fail" ? 1 : 0;
        skipped += status == "skipped" ? 1 : 0;
        const std::string message = status == "pass" ? "" : c["headline"].get<std::string>();
        const bool withRule = status == "fail" && !c["rule"].get<std::string>().empty();
        const std::string expected =
            c["kind"].get<std::string>() + " " + kind + " " + message + " " + (withRule ? "1" : "0");
        EXPECT_TRUE(contains(cases, expected + "\n")) << expected << "\n" << cases;
    }
    EXPECT_GE(failures, 1);
    EXPECT_TRUE(contains(cases, "totals 6 " + std::to_string(failures) + " 0 " + std::to_string(skipped) + "\n"))
        << cases;
    EXPECT_TRUE(contains(r.output, "junit: " + xml.string()));
}

TEST(VerifyCi, BadJunitFolderExitsTwoBeforeTheRun) {
    ql::test::TempDir dir;
    const auto r =
        test::runMerged(verify(scenario("a_identical") + " --junit " + (dir.path() / "no/dir/j.xml").string() +
                               " --report " + (dir.path() / "r.json").string()));
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_EQ(r.output, "quantlens: --junit " + (dir.path() / "no/dir/j.xml").string() + ": the folder " +
                            (dir.path() / "no/dir").string() + " does not exist\n");
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(VerifyCi, GithubAnnotationsOnlyInActions) {
    const auto plain = test::runSplit(verify(scenario("b_merge") + " -q"));
    EXPECT_FALSE(contains(plain.output, "::error"));
    ql::test::TempDir dir;
    const auto report = dir.path() / "r.json";
    const auto ci =
        test::runSplit("GITHUB_ACTIONS=true " + verify(scenario("b_merge") + " -q --report " + report.string()));
    EXPECT_EQ(ci.exitCode, 1);
    int failed = 0;
    const json j = readJson(report);
    for (const auto& c : j["checks"]) {
        const std::string status = c["status"];
        const std::string line = "::error title=QuantLens verify%3A " + c["kind"].get<std::string>() + " " + status +
                                 "::" + escaped(c["headline"].get<std::string>()) + "%0Arule: ";
        const bool annotated = status == "fail" || status == "error";
        failed += annotated ? 1 : 0;
        EXPECT_EQ(contains(ci.output, line), annotated) << line << "\n" << ci.output;
    }
    EXPECT_GE(failed, 1);
    // With --json the annotations go to stderr: stdout stays one JSON document.
    const auto js = test::runSplit("GITHUB_ACTIONS=true " + verify(scenario("b_merge") + " -q --json"));
    EXPECT_TRUE(json::accept(js.output)) << js.output;
    EXPECT_TRUE(contains(js.errors, "::error title=QuantLens verify%3A adapter_merge fail::")) << js.errors;
}

}  // namespace
