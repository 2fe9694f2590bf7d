// `quantlens verify` end to end on the reference scenarios (tests/reference/ql_ref/scenarios.py):
// exit 0 all pass, 1 a check failed, 2 bad input with one line on stderr and no report file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.h"
#include "support/safetensors_writer.h"

namespace {

test::CliRun run(const std::string& args) {
    return test::runMerged(std::string(QL_EXE) + " verify " + args);
}

std::string scenario(const std::string& name) {
    const std::string d = std::string(QL_REFERENCE_DIR) + "/scenarios/" + name + "/";
    return "--train " + d + "train.yaml --eval " + d + "eval.yaml";
}

TEST(VerifyCli, IdenticalPassesAndWritesReport) {
    ql::test::TempDir dir;
    const auto report = dir.path() / "r.json";
    const auto r = run(scenario("a_identical") + " --report " + report.string());
    EXPECT_EQ(r.exitCode, 0) << r.output;
    ASSERT_TRUE(std::filesystem::exists(report));
    std::ifstream in(report);
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["schema_version"], 4);
    EXPECT_EQ(j["checks"].size(), 6u);
    EXPECT_EQ(j["verdict"]["status"], "pass");
    EXPECT_EQ(j["verdict"]["text"].get<std::string>().rfind("all checks pass", 0), 0u) << j["verdict"];
    EXPECT_EQ(j["verdict"]["fail"], 0);
    EXPECT_NE(r.output.find("verdict: all checks pass"), std::string::npos);
    int whole = 0;  // counts, bytes and layers are JSON integers (36, not 36.0)
    for (const auto& check : j["checks"]) {
        for (const auto& n : check["numbers"]) {
            const std::string unit = n["unit"];
            if ((unit == "count" || unit == "bytes" || unit == "layer") && !n["value"].is_null()) {
                EXPECT_TRUE(n["value"].is_number_integer()) << n.dump();
                ++whole;
            }
        }
    }
    EXPECT_GT(whole, 5);
}

std::string readAll(const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

nlohmann::json readJson(const std::filesystem::path& p) {
    std::ifstream in(p);
    return nlohmann::json::parse(in);
}

// --checks runs only the checks listed; the others are reported as not requested. The weights check
// alone runs no forward (walk tracks 0) and reports exactly what the full run reports.
TEST(VerifyCli, ChecksRunsOnlyTheListedChecks) {
    ql::test::TempDir dir;
    const auto all = dir.path() / "all.json";
    const auto some = dir.path() / "some.json";
    const auto weights = dir.path() / "weights.json";
    EXPECT_EQ(run(scenario("g_diagnose") + " -q --report " + all.string()).exitCode, 1);
    const auto r = run(scenario("g_diagnose") + " -q --checks weights,logits --report " + some.string());
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("convert        skipped  not requested"), std::string::npos) << r.output;
    EXPECT_EQ(run(scenario("g_diagnose") + " -q --checks weights --report " + weights.string()).exitCode, 1);
    const auto full = readJson(all), partial = readJson(some), alone = readJson(weights);
    for (std::size_t i = 0; i < full["checks"].size(); ++i) {
        const std::string kind = full["checks"][i]["kind"];
        const bool listed = kind == "weights" || kind == "logits";
        EXPECT_EQ(partial["checks"][i]["kind"], kind);
        if (listed) {  // the same verdict; the full run's explanation adds the diagnosis' measured cause
            for (const char* key : {"status", "headline", "numbers", "rule"}) {
                EXPECT_EQ(partial["checks"][i][key], full["checks"][i][key]) << kind << " " << key;
            }
            const std::string text = full["checks"][i]["explanation"];
            EXPECT_EQ(text.rfind(partial["checks"][i]["explanation"].get<std::string>(), 0), 0u) << kind;
        } else
            EXPECT_EQ(partial["checks"][i]["headline"], "not requested") << kind;
    }
    EXPECT_EQ(partial["weights"], full["weights"]);
    EXPECT_EQ(partial["logits"], full["logits"]);
    EXPECT_FALSE(partial.contains("convert") && !partial["convert"].is_null()) << partial["convert"];
    EXPECT_FALSE(partial.contains("diagnosis") && !partial["diagnosis"].is_null());
    EXPECT_EQ(partial["walk"]["tracks"], 2);  // train and eval: no deployment, no diagnosis track
    EXPECT_GT(full["walk"]["tracks"], 2);
    EXPECT_EQ(alone["weights"], full["weights"]);
    EXPECT_EQ(alone["walk"]["tracks"], 0);  // no forward at all
    EXPECT_FALSE(alone.contains("logits") && !alone["logits"].is_null());
}

// Flags that contradict each other are one line and exit 2, before anything runs.
TEST(VerifyCli, ConflictingFlagsExitTwo) {
    const std::pair<const char*, const char*> cases[] = {
        {" --checks weights,bogus", "--checks: unknown check 'bogus'"},
        {" --checks weights,weights", "'weights' is listed twice"},
        {" --checks logits --argmax-threshold 0.9", "--argmax-threshold sets the convert check"},
        {" --write-fixed-eval x.yaml --no-diagnosis", "--write-fixed-eval needs the diagnosis"},
        {" --scheme intx_weight_only", "--scheme builds recipes from --adapter"},
    };
    for (const auto& [args, expected] : cases) {
        const auto r = run(scenario("a_identical") + args);
        EXPECT_EQ(r.exitCode, 2) << args << "\n" << r.output;
        EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
        EXPECT_NE(r.output.find(expected), std::string::npos) << r.output;
    }
}

TEST(VerifyCli, WritesAFixedEvalRecipeThatPasses) {
    ql::test::TempDir dir;
    const auto fixed = dir.path() / "fixed_eval.yaml";
    const auto r = run(scenario("g_diagnose") + " --attention eager --write-fixed-eval " + fixed.string());
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("what to change"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("all reverted:"), std::string::npos) << r.output;
    ASSERT_TRUE(std::filesystem::exists(fixed)) << r.output;
    const std::string text = readAll(fixed);
    EXPECT_EQ(text.rfind("# Written by QuantLens", 0), 0u) << text;
    EXPECT_NE(text.find("adapter.form: merged -> unmerged"), std::string::npos) << text;
    // The fixed recipe passes every train-vs-eval check and exits as train's own recipe does as eval
    // (convert judges the eval side alone).
    const std::string train = std::string(QL_REFERENCE_DIR) + "/scenarios/g_diagnose/train.yaml";
    const auto again = run("--train " + train + " --eval " + fixed.string() + " --attention eager");
    const auto itself = run("--train " + train + " --eval " + train + " --attention eager");
    EXPECT_EQ(again.exitCode, itself.exitCode) << again.output;
    for (const char* line :
         {"config         pass", "weights        pass", "logits         pass", "activations    pass"}) {
        EXPECT_NE(again.output.find(line), std::string::npos) << line << "\n" << again.output;
    }
    // Writing again over its own file is allowed; a file QuantLens did not write is never replaced.
    EXPECT_EQ(run(scenario("g_diagnose") + " --attention eager --write-fixed-eval " + fixed.string()).exitCode, 1);
    const auto foreign = dir.path() / "mine.yaml";
    std::ofstream(foreign) << "model: mine\n";
    const auto refused = run(scenario("g_diagnose") + " --write-fixed-eval " + foreign.string());
    EXPECT_EQ(refused.exitCode, 2) << refused.output;
    EXPECT_NE(refused.output.find("was not written by QuantLens"), std::string::npos) << refused.output;
    EXPECT_EQ(readAll(foreign), "model: mine\n");
}

TEST(VerifyCli, NoFixedEvalRecipeWithoutADifference) {
    ql::test::TempDir dir;
    const auto fixed = dir.path() / "fixed_eval.yaml";
    const auto r = run(scenario("a_identical") + " --write-fixed-eval " + fixed.string());
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_FALSE(std::filesystem::exists(fixed));
    EXPECT_NE(r.output.find("not written"), std::string::npos) << r.output;
}

TEST(VerifyCli, MergedEvalExitsOneAndNamesTheCheck) {
    const auto r = run(scenario("b_merge"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("adapter_merge  fail"), std::string::npos) << r.output;
}

TEST(VerifyCli, JsonOnStdout) {  // progress goes to stderr: stdout is the JSON alone
    const auto r = test::runSplit(std::string(QL_EXE) + " verify " + scenario("c_group") + " --json");
    EXPECT_EQ(r.exitCode, 1);
    const auto j = nlohmann::json::parse(r.output);
    EXPECT_FALSE(j["config"]["same_numerics"].get<bool>());
}

TEST(VerifyCli, BadInputExitsTwoWithoutReport) {
    ql::test::TempDir dir;
    const auto report = dir.path() / "r.json";
    const auto r = run("--train " + dir.path().string() + "/missing.yaml --eval x.yaml --report " + report.string());
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_NE(r.output.find("missing.yaml"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(report));
}

std::string firstBytes(const std::filesystem::path& path, std::size_t n) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes(n, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(n));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    return bytes;
}

#if QL_EXE_HAS_UI
// --export renders the same report pages as the GUI, offscreen, next to the JSON report.
TEST(VerifyCli, ExportWritesPdfAndPngWithTheReport) {
    ql::test::TempDir dir;
    const auto pdf = dir.path() / "report.pdf";
    const auto json = dir.path() / "report.json";
    auto r = run(scenario("b_merge") + " --export " + pdf.string() + " --report " + json.string());
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_EQ(firstBytes(pdf, 5), "%PDF-");
    EXPECT_TRUE(std::filesystem::exists(json));
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "report.drilldown.json"));  // the report's drill-down sidecar
    const auto png = dir.path() / "report.png";
    r = run(scenario("a_identical") + " --export " + png.string());
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_EQ(firstBytes(png, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 4) << "no temporary left";
}

TEST(VerifyCli, BadExportPathExitsTwoAndWritesNothing) {
    ql::test::TempDir dir;
    const auto json = dir.path() / "r.json";
    auto r =
        run(scenario("a_identical") + " --export " + (dir.path() / "out.txt").string() + " --report " + json.string());
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("--export"), std::string::npos) << r.output;
    r = run(scenario("a_identical") + " --export " + (dir.path() / "no/such/dir/out.pdf").string() + " --report " +
            json.string());
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "no report, export or temporary file";
}
#else
TEST(VerifyCli, ExportWithoutExporterIsAClearError) {
    const auto r = run(scenario("a_identical") + " --export out.pdf");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.output.find("--export"), std::string::npos);
}
#endif

}  // namespace
