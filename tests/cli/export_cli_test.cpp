// `quantlens export REPORT.json OUT.pdf|png|html|md` end to end: a saved report becomes the GUI's
// pages or the Markdown summary without a run; bad input is exit 2 with one line naming the file,
// and nothing is written then.
#include <gtest/gtest.h>
#include <quantlens/report_io.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/cli_runner.h"

namespace {

namespace fs = std::filesystem;

ql::VerifyReport report() {
    ql::VerifyReport r;
    r.checks = {{ql::CheckKind::Config, ql::CheckStatus::Pass, "", {}, ""},
                {ql::CheckKind::Weights, ql::CheckStatus::Fail, "", {}, ""}};
    ql::WeightsCheck w;
    ql::WeightModuleResult m;
    m.module = "model.layers.0.self_attn.q_proj";
    m.layerIndex = 0;
    m.layerType = "q_proj";
    m.diff.maxAbs = 0.25;
    w.modules = {m};
    r.weights = w;
    return r;
}

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

class ExportCli : public testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("ql-export-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        ASSERT_TRUE(ql::writeReportJson(report(), path("r.json")).ok());
    }
    void TearDown() override { fs::remove_all(dir); }
    std::string path(const char* name) const { return (dir / name).string(); }
    test::CliRun run(const std::string& args) const { return test::runMerged(std::string(QL_EXE) + " export " + args); }
    fs::path dir;
};

TEST_F(ExportCli, MarkdownFromASavedReport) {
    const auto r = run(path("r.json") + " " + path("r.md"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(read(path("r.md")).find("Verdict: **1 check failed: weights**"), std::string::npos) << read(path("r.md"));
}

TEST_F(ExportCli, PdfAndHtmlFromASavedReport) {
    if (!QL_EXE_HAS_UI) GTEST_SKIP() << "built without the UI";
    for (const char* name : {"r.pdf", "r.html"}) {
        const auto r = run(path("r.json") + " " + path(name));
        ASSERT_EQ(r.exitCode, 0) << name << ": " << r.output;
    }
    EXPECT_EQ(read(path("r.pdf")).substr(0, 5), "%PDF-");
    EXPECT_NE(read(path("r.html")).find("<!DOCTYPE html>"), std::string::npos);
}

TEST_F(ExportCli, BadInputIsExitTwoWithOneLineAndNoFile) {
    const struct {
        std::string args, mentions, output;
    } cases[] = {
        {path("missing.json") + " " + path("a.md"), "missing.json", path("a.md")},
        {path("r.json") + " " + path("a.docx"), "a.docx", path("a.docx")},
        {path("r.json") + " " + path("no/such/folder/a.md"), "folder", path("no/such/folder/a.md")},
    };
    for (const auto& c : cases) {
        const auto r = run(c.args);
        EXPECT_EQ(r.exitCode, 2) << c.args << ": " << r.output;
        EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
        EXPECT_NE(r.output.find(c.mentions), std::string::npos) << r.output;
        EXPECT_FALSE(fs::exists(c.output)) << c.output;
    }
    std::ofstream(path("foreign.json")) << "{\"not\": \"a report\"}";
    const auto r = run(path("foreign.json") + " " + path("b.md"));
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_FALSE(fs::exists(path("b.md")));
}

}  // namespace
