// `quantlens compare A.json B.json [--json] [--export OUT]` end to end: exit 0 when no verdict got
// worse, 1 when one did, 2 (one line naming the file) for a missing or foreign file or a bad export
// target (nothing written then).
#include <gtest/gtest.h>
#include <quantlens/report_io.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.h"

namespace {

namespace fs = std::filesystem;

ql::VerifyReport report(ql::CheckStatus weights, double maxAbs, bool pass) {
    ql::VerifyReport r;
    r.checks = {{ql::CheckKind::Config, ql::CheckStatus::Pass, "", {}, ""},
                {ql::CheckKind::Weights, weights, "", {}, ""}};
    ql::WeightsCheck w;
    ql::WeightModuleResult m;
    m.module = "model.layers.0.self_attn.q_proj";
    m.layerIndex = 0;
    m.layerType = "q_proj";
    m.diff.maxAbs = maxAbs;
    m.pass = pass;
    w.modules = {m};
    r.weights = w;
    return r;
}

class CompareCli : public testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("ql-compare-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        ASSERT_TRUE(ql::writeReportJson(report(ql::CheckStatus::Pass, 0.0, true), path("before.json")).ok());
        ASSERT_TRUE(ql::writeReportJson(report(ql::CheckStatus::Fail, 0.25, false), path("after.json")).ok());
    }
    void TearDown() override { fs::remove_all(dir); }
    std::string path(const char* name) const { return (dir / name).string(); }
    test::CliRun run(const std::string& args) const {
        return test::runMerged(std::string(QL_EXE) + " compare " + args);
    }
    fs::path dir;
};

TEST_F(CompareCli, ExitOneWhenAVerdictGotWorse) {
    const auto r = run(path("before.json") + " " + path("after.json"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("weights          pass      fail      WORSE"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("module model.layers.0.self_attn.q_proj: within -> out of tolerance"), std::string::npos)
        << r.output;
}

TEST_F(CompareCli, ExitZeroWhenNothingGotWorse) {
    const auto r = run(path("after.json") + " " + path("before.json"));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("verdict: no verdict got worse"), std::string::npos) << r.output;
}

TEST_F(CompareCli, JsonIsMachineReadable) {
    const auto r = run(path("before.json") + " " + path("after.json") + " --json");
    EXPECT_EQ(r.exitCode, 1);
    const auto j = nlohmann::json::parse(r.output);
    EXPECT_TRUE(j["got_worse"].get<bool>());
    EXPECT_EQ(j["modules"][0]["b"]["max_abs"], 0.25);
}

// Both reports pass every check; only the merge-then-convert deployment goes pass -> fail.
TEST_F(CompareCli, ADeploymentGoingFromPassToFailIsExitOne) {
    const auto withDeployments = [](bool mergedPasses) {
        ql::VerifyReport r = report(ql::CheckStatus::Pass, 0.0, true);
        r.checks.push_back({ql::CheckKind::Convert, ql::CheckStatus::Pass, "", {}, "", ""});
        ql::ConvertCheck c;
        c.deployments.resize(2);
        c.deployments[0].id = "like_for_like";
        c.deployments[1].id = "merge_then_convert";
        c.deployments[1].pass = mergedPasses;
        c.deployments[1].argmaxAgreement = mergedPasses ? 1.0 : 0.75;
        r.convert = c;
        return r;
    };
    ASSERT_TRUE(ql::writeReportJson(withDeployments(true), path("a.json")).ok());
    ASSERT_TRUE(ql::writeReportJson(withDeployments(false), path("b.json")).ok());
    const auto r = run(path("a.json") + " " + path("b.json"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("merge_then_convert   pass  fail             1         0.75 WORSE"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("convert deployment merge_then_convert: pass -> fail"), std::string::npos) << r.output;
    EXPECT_EQ(run(path("b.json") + " " + path("a.json")).exitCode, 0);
}

TEST_F(CompareCli, BadInputIsOneLineAndExitTwo) {
    std::ofstream(path("foreign.json")) << "{\"format\": \"something else\"}";
    for (const std::string& args :
         {path("missing.json") + " " + path("after.json"), path("before.json") + " " + path("foreign.json")}) {
        const auto r = run(args);
        EXPECT_EQ(r.exitCode, 2) << r.output;
        EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
        EXPECT_NE(r.output.find(".json"), std::string::npos) << r.output;
    }
}

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// The exit code stays the comparison's (1: a verdict got worse); the file has what the window shows.
TEST_F(CompareCli, ExportWritesTheComparisonAsTheWindowShowsIt) {
    if (!QL_EXE_HAS_UI) GTEST_SKIP() << "built without the UI";
    const std::string ab = path("before.json") + " " + path("after.json");
    const auto md = run(ab + " --export " + path("c.md"));
    EXPECT_EQ(md.exitCode, 1) << md.output;
    const std::string text = read(path("c.md"));
    EXPECT_NE(text.find("# QuantLens report comparison"), std::string::npos) << text;
    EXPECT_NE(text.find("got worse from A to B: Weights check ✓ pass → ✗ fail"), std::string::npos) << text;
    EXPECT_NE(text.find("| model.layers.0.self_attn.q_proj |"), std::string::npos) << text;
    EXPECT_NE(text.find(path("before.json")), std::string::npos) << text;
    for (const char* name : {"c.html", "c.pdf"}) {
        const auto r = run(ab + " --export " + path(name));
        EXPECT_EQ(r.exitCode, 1) << r.output;
        EXPECT_GT(fs::file_size(path(name)), 1000u) << name;
    }
    EXPECT_NE(read(path("c.html")).find("<svg"), std::string::npos);
    EXPECT_EQ(read(path("c.pdf")).rfind("%PDF-", 0), 0u);
}

TEST_F(CompareCli, BadExportTargetIsExitTwoAndWritesNothing) {
    const std::string ab = path("before.json") + " " + path("after.json");
    const auto listing = [&] {
        std::vector<fs::path> files;
        for (const auto& entry : fs::recursive_directory_iterator(dir)) files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        return files;
    };
    const std::vector<fs::path> before = listing();
    for (const std::string& out : {path("c.txt"), path("c"), path("missing/c.pdf")}) {
        const auto r = run(ab + " --export " + out);
        EXPECT_EQ(r.exitCode, 2) << r.output;
        EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
        EXPECT_NE(r.output.find("--export " + out), std::string::npos) << r.output;
        EXPECT_EQ(r.output.find("compare: A ="), std::string::npos) << "nothing compared before the check";
    }
    EXPECT_EQ(listing(), before);
}

}  // namespace
