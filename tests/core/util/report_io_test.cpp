// Report JSON write -> read -> write is identical (incl. non-finite numbers and optional parts);
// bad JSON and wrong schema versions are one-line errors; atomic writes never leave partial files.
#include "quantlens/report_io.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "support/safetensors_writer.h"

namespace ql {
namespace {

VerifyReport sampleReport() {
    VerifyReport r;
    r.quantlensVersion = "0.1.0";
    r.createdUtc = "2025-01-01T00:00:00Z";
    r.device = "cpu";
    r.wallSeconds = 1.25;
    r.logitTolerance = {1e-5, 1e-5};
    r.train.recipeFile = "train.yaml";
    r.eval.adapterForm = "merged";
    r.prompts = {{"hello", {1, 2, 3}}};
    r.checks.push_back({CheckKind::Config, CheckStatus::Fail, "configs differ", {{"fields", "12"}}, "group size"});
    r.checks.push_back({CheckKind::Weights, CheckStatus::Pass, "all identical", {}, ""});
    r.config.sameNumerics = false;
    r.config.fields.push_back({"group_size", "32", "128", DiffClass::ChangesNumerics, "fake quant group"});
    r.config.findings.push_back({"fake_group_size_128", "eval", "torchao_version", FindingSeverity::Error, true, "m"});
    WeightsCheck w;
    WeightModuleResult m;
    m.module = "model.layers.0.self_attn.q_proj";
    m.layerIndex = 0;
    m.shape = {128, 64};
    m.diff.sqnrDb = std::numeric_limits<double>::infinity();
    m.diff.maxAbs = 0.1 + 0.2;  // a double that needs 17 digits
    m.groupError = {2, 2, 1, 1, {0.5f, 0.25f, 0.f, 1e-7f}};
    m.worst.push_back({1, 2, 0.3, 0.31, 0.29});
    m.originalHistogram = {{-1.0, 0.0, 1.0}, {3, 4}, 0, 0};
    w.modules.push_back(m);
    r.weights = w;
    LogitsCheck l;
    l.perPositionKl = {0.0, 1e-9, std::numeric_limits<double>::quiet_NaN()};
    l.promptStarts = {0};
    r.logits = l;
    ConvertModuleRow row;
    row.module = "lm_head";
    row.codesIdentical = true;
    ConvertDeployment c;
    c.id = "like_for_like";
    c.modules.push_back(row);
    c.flips.push_back({1, 7, 29, 331, "fox", "cat", 0.09375, 0.09375, 1.0, 0.0625, 0.203125, true});
    c.flipsTotal = c.flipsNearTie = 1;
    r.convert.emplace().deployments.push_back(c);
    r.convert->argmaxThreshold = 0.95;
    Diagnosis d;
    d.before = {15, 14.5625, 40, 0.25};
    d.causes.push_back({"adapter.form", "unmerged", "merged", TrackEffect{3, 0.5, 2, 0.75}, ""});
    d.causes.push_back({"dtype", "float16", "bfloat16", std::nullopt, "could not run"});
    d.allReverted = TrackEffect{};
    d.fixedRecipeMatchesTrain = true;
    d.fixedEvalYaml = "model: m\n";
    r.diagnosis = d;
    TrainerState ts;
    ts.globalStep = 100;
    TrainerLogEntry e;
    e.step = 10;
    e.values["loss"] = 2.5;
    ts.logHistory.push_back(e);
    r.trainerState = ts;
    r.warnings.push_back({"skipped_module", "lm_head", "K % 128 != 0"});
    return r;
}

TEST(ReportIo, JsonRoundTripIsIdentical) {
    const VerifyReport r = sampleReport();
    const std::string text = reportToJson(r);
    auto back = reportFromJson(text, "mem.json");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(reportToJson(*back), text);
    EXPECT_EQ(back->weights->modules[0].diff.maxAbs, 0.1 + 0.2);
    EXPECT_TRUE(std::isinf(back->weights->modules[0].diff.sqnrDb));
    EXPECT_TRUE(std::isnan(back->logits->perPositionKl[2]));
    EXPECT_FALSE(back->activations.has_value());
    EXPECT_EQ(back->convert->deployments[0].modules[0].codesIdentical, std::optional<bool>(true));
    EXPECT_EQ(back->trainerState->logHistory[0].values.at("loss"), 2.5);
    EXPECT_EQ(back->convert->deployments[0].flips[0].deployedTopText, "cat");
    EXPECT_EQ(back->convert->argmaxThreshold, std::optional<double>(0.95));
    EXPECT_EQ(back->diagnosis->causes[0].effect->weightsModulesDiffering, 3);
    EXPECT_FALSE(back->diagnosis->causes[1].effect.has_value());
    EXPECT_EQ(back->checks[0].kind, CheckKind::Config);
    EXPECT_FALSE(back->allPassed());
}

TEST(ReportIo, SchemaTwoAndThreeReportsStillOpen) {
    for (const int version : {2, 3}) {
        std::string text = reportToJson(sampleReport());
        text.replace(text.find("\"schema_version\": 4"), 19, "\"schema_version\": " + std::to_string(version));
        auto back = reportFromJson(text, "old.json");
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(back->schemaVersion, version);
    }
}

TEST(ReportIo, TopLevelVerdictCountsChecksByStatus) {
    VerifyReport r = sampleReport();
    r.checks = {{CheckKind::Config, CheckStatus::Pass, "", {}, "", ""},
                {CheckKind::Weights, CheckStatus::Fail, "", {}, "", ""},
                {CheckKind::Convert, CheckStatus::Skipped, "", {}, "", ""},
                {CheckKind::AdapterMerge, CheckStatus::Info, "", {}, "", ""}};
    const auto j = nlohmann::ordered_json::parse(reportToJson(r));  // in the order written
    const auto keys = j.items().begin();
    EXPECT_EQ(keys.key(), "schema_version");
    EXPECT_EQ(std::next(keys).key(), "verdict");
    EXPECT_EQ(nlohmann::json(j["verdict"]),
              nlohmann::json::parse(R"({"status": "fail", "pass": 1, "fail": 1, "error": 0, "skipped": 1,
                                                     "info": 1, "text": "1 check failed: weights"})"));
    r.checks[1].status = CheckStatus::Pass;
    EXPECT_EQ(nlohmann::json::parse(reportToJson(r))["verdict"]["status"], "pass");
}

TEST(ReportIo, KeyNumbersCarryValueUnitAndDisplay) {
    VerifyReport r = sampleReport();
    r.checks[0].numbers = {{"argmax agreement", "56.2 %", 0.562, "fraction"},
                           {"SQNR dB", "inf", std::numeric_limits<double>::infinity(), "decibel"},
                           {"probe inputs", "prompt activations", std::nullopt, "text"}};
    const auto j = nlohmann::json::parse(reportToJson(r));
    EXPECT_EQ(j["checks"][0]["numbers"][0], nlohmann::json::parse(R"({"label": "argmax agreement", "value": 0.562,
                                                                       "unit": "fraction", "display": "56.2 %"})"));
    EXPECT_EQ(j["checks"][0]["numbers"][1]["value"], "inf");
    EXPECT_TRUE(j["checks"][0]["numbers"][2]["value"].is_null());
    auto back = reportFromJson(reportToJson(r), "mem.json");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->checks[0].numbers[0].value, 0.562);
    EXPECT_EQ(back->checks[0].numbers[1].value, std::numeric_limits<double>::infinity());
    EXPECT_EQ(back->checks[0].numbers[2].unit, "text");
    // Schema 3 wrote {name, value} with the display text as value: read as a display-only number.
    auto old = nlohmann::json::parse(reportToJson(r));
    old["schema_version"] = 3;
    old["checks"][0]["numbers"] = nlohmann::json::parse(R"([{"name": "top-1", "value": "56.2 %"}])");
    auto older = reportFromJson(old.dump(), "old.json");
    ASSERT_TRUE(older.ok()) << older.error().message;
    EXPECT_EQ(older->checks[0].numbers[0].label, "top-1");
    EXPECT_EQ(older->checks[0].numbers[0].display, "56.2 %");
    EXPECT_FALSE(older->checks[0].numbers[0].value.has_value());
}

TEST(ReportIo, EnumNamesHaveOneSpellingEachWay) {
    for (const CheckKind k : {CheckKind::Config, CheckKind::Weights, CheckKind::Logits, CheckKind::Activations,
                              CheckKind::Convert, CheckKind::AdapterMerge}) {
        EXPECT_EQ(checkKindFromName(checkKindName(k)), k);
    }
    for (const CheckStatus s :
         {CheckStatus::Pass, CheckStatus::Fail, CheckStatus::Skipped, CheckStatus::Error, CheckStatus::Info}) {
        EXPECT_EQ(checkStatusFromName(checkStatusName(s)), s);
    }
    EXPECT_EQ(checkKindName(CheckKind::AdapterMerge), "adapter_merge");
    EXPECT_FALSE(checkKindFromName("adapter merge").has_value());
    EXPECT_EQ(diffClassId(DiffClass::NoEffect), "no_effect");
    EXPECT_EQ(diffClassName(DiffClass::NoEffect), "no effect");
    EXPECT_EQ(diffClassFromId("changes_numerics"), DiffClass::ChangesNumerics);
    EXPECT_FALSE(diffClassFromId("changes numerics").has_value());
    EXPECT_EQ(findingSeverityFromName("warning"), FindingSeverity::Warning);
}

TEST(ReportIo, ConfigDiffJsonIsTheReportsConfigSection) {
    const VerifyReport r = sampleReport();
    auto alone = nlohmann::json::parse(configDiffToJson(r.config));
    EXPECT_EQ(alone["schema_version"], kConfigDiffSchemaVersion);
    alone.erase("schema_version");
    EXPECT_EQ(alone, nlohmann::json::parse(reportToJson(r))["config"]);
}

TEST(ReportIo, VerdictTextCountsSkippedAndInformationalChecks) {
    VerifyReport r;
    r.checks = {{CheckKind::Config, CheckStatus::Pass, "", {}, "", ""},
                {CheckKind::Convert, CheckStatus::Skipped, "", {}, "", ""},
                {CheckKind::AdapterMerge, CheckStatus::Info, "", {}, "", ""}};
    EXPECT_EQ(r.verdictText(), "all checks pass (1 skipped, 1 for information)");
    EXPECT_TRUE(r.allPassed());
    r.checks[1].status = CheckStatus::Fail;
    r.checks.push_back({CheckKind::Weights, CheckStatus::Error, "", {}, "", ""});
    EXPECT_EQ(r.verdictText(), "2 checks failed: convert, weights");
    EXPECT_FALSE(r.allPassed());
}

TEST(ReportIo, SideResolutionAndCoverageRoundTrip) {
    VerifyReport r = sampleReport();
    r.train.resolution.hubRepoId = "Qwen/Qwen3-4B";
    r.train.resolution.hubRevision = "main";
    r.train.resolution.hubCommit = "aaaaaaaa0123456789abcdef0123456789abcdef";
    r.train.resolution.modelOrigin =
        "adapter_config.json base_model_name_or_path (run/checkpoint-20/adapter_config.json)";
    r.train.resolution.checkpointStep = 20;
    r.train.resolution.checkpointsAvailable = {10, 20};
    r.train.coverage.push_back(
        {"model.embed_tokens", "embedding", {128, 64}, "F", "float", "tied_to_embedding", "why", "lm_head"});
    const std::string text = reportToJson(r);
    auto back = reportFromJson(text, "mem.json");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(reportToJson(*back), text);
    EXPECT_EQ(back->train.resolution.checkpointStep, 20);
    EXPECT_EQ(back->train.resolution.checkpointsAvailable, (std::vector<std::int64_t>{10, 20}));
    ASSERT_EQ(back->train.coverage.size(), 1u);
    EXPECT_EQ(back->train.coverage[0].tiedTo, "lm_head");
    EXPECT_FALSE(back->eval.resolution.checkpointStep.has_value());
    // A report written before these keys existed reads with empty resolution and coverage.
    auto old = nlohmann::json::parse(text);
    old["train"].erase("resolution");
    old["train"].erase("coverage");
    auto older = reportFromJson(old.dump(), "old.json");
    ASSERT_TRUE(older.ok()) << older.error().message;
    EXPECT_TRUE(older->train.coverage.empty());
    EXPECT_TRUE(older->train.resolution.hubRepoId.empty());
    const auto markdown = reportToMarkdown(r);
    EXPECT_NE(markdown.find("Qwen/Qwen3-4B @ main (aaaaaaaa0123), named by adapter_config.json"), std::string::npos)
        << markdown;
    EXPECT_NE(markdown.find("checkpoint-20"), std::string::npos);
    EXPECT_NE(markdown.find("0 quantized, 1 float or failing"), std::string::npos);
}

TEST(ReportIo, BadInputIsOneLineError) {
    auto bad = reportFromJson("{\"schema_version\": 1, \"checks\": [{\"kind\": \"bogus\"}]}", "r.json");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("r.json"), std::string::npos);
    EXPECT_NE(bad.error().message.find("bogus"), std::string::npos);
    EXPECT_EQ(bad.error().message.find('\n'), std::string::npos);
    auto version = reportFromJson("{\"schema_version\": 99}", "r.json");
    ASSERT_FALSE(version.ok());
    EXPECT_EQ(version.error().code, ErrorCode::Unsupported);
    EXPECT_FALSE(reportFromJson("not json", "r.json").ok());
    auto foreign =
        reportFromJson("{\"format\": \"QuantLens session\", \"version\": 1}", "s.json");  // another JSON object
    ASSERT_FALSE(foreign.ok());
    EXPECT_NE(foreign.error().message.find("s.json: not a QuantLens report"), std::string::npos)
        << foreign.error().message;
}

TEST(ReportIo, MarkdownNamesEveryCheck) {
    const std::string md = reportToMarkdown(sampleReport());
    EXPECT_NE(md.find("| config | fail | configs differ |"), std::string::npos);
    EXPECT_NE(md.find("| weights | pass |"), std::string::npos);
    EXPECT_NE(md.find("group_size"), std::string::npos);
    EXPECT_NE(md.find("atol"), std::string::npos);
}

// A headline's "|Δ|" must not end the table cell; key numbers are listed under each check.
TEST(ReportIo, MarkdownEscapesTableCellsAndListsKeyNumbers) {
    VerifyReport r = sampleReport();
    r.checks[0].headline = "2 modules differ (max |Δ| 0.03)";
    r.checks[0].numbers = {{"max |Δ|", "0.03"}, {"top-1 agreement", "56.2 %"}};
    const std::string md = reportToMarkdown(r);
    EXPECT_NE(md.find("| 2 modules differ (max \\|Δ\\| 0.03) |"), std::string::npos) << md;
    EXPECT_NE(md.find("| max \\|Δ\\| | 0.03 |\n| top-1 agreement | 56.2 % |"), std::string::npos) << md;
}

TEST(ReportIo, WriteReadFile) {
    test::TempDir dir;
    const std::string path = (dir.path() / "report.json").string();
    ASSERT_TRUE(writeReportJson(sampleReport(), path).ok());
    auto back = readReportJson(path);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(reportToJson(*back), reportToJson(sampleReport()));
    EXPECT_TRUE(back->drilldownProblem.empty()) << back->drilldownProblem;
}

std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The report file leaves the drill-down to its sidecar, which the reader puts back.
TEST(ReportIo, DrilldownGoesToASidecarNamedAndHashedByTheReport) {
    test::TempDir dir;
    const auto path = dir.path() / "run.report.json";
    const auto sidecar = dir.path() / "run.report.drilldown.json";
    ASSERT_TRUE(writeReportJson(sampleReport(), path.string()).ok());
    ASSERT_TRUE(std::filesystem::exists(sidecar));
    const auto main = nlohmann::json::parse(readFile(path));
    EXPECT_EQ(main["drilldown"]["file"], "run.report.drilldown.json");
    EXPECT_EQ(main["drilldown"]["modules"], 1);
    const auto& module = main["weights"]["modules"][0];
    for (const char* key : {"group_error", "worst", "original_histogram", "quant_grid"})
        EXPECT_FALSE(module.contains(key)) << key;
    EXPECT_TRUE(module.contains("diff"));
    const auto side = nlohmann::json::parse(readFile(sidecar));
    EXPECT_EQ(side["weights"][0]["module"], "model.layers.0.self_attn.q_proj");
    EXPECT_EQ(side["weights"][0]["group_error"]["rows"], 2);
    // Another report's sidecar (hash differs), then none: the report opens without the drill-down.
    VerifyReport other = sampleReport();
    other.weights->modules[0].groupError.maxAbs[0] = 0.75f;
    ASSERT_TRUE(writeReportJson(other, (dir.path() / "other.report.json").string()).ok());
    std::filesystem::copy_file(dir.path() / "other.report.drilldown.json", sidecar,
                               std::filesystem::copy_options::overwrite_existing);
    auto stale = readReportJson(path.string());
    ASSERT_TRUE(stale.ok()) << stale.error().message;
    EXPECT_NE(stale->drilldownProblem.find("belongs to another report"), std::string::npos) << stale->drilldownProblem;
    EXPECT_TRUE(stale->weights->modules[0].groupError.maxAbs.empty());
    std::filesystem::remove(sidecar);
    auto missing = readReportJson(path.string());
    ASSERT_TRUE(missing.ok()) << missing.error().message;
    EXPECT_NE(missing->drilldownProblem.find("run.report.drilldown.json is missing"), std::string::npos)
        << missing->drilldownProblem;
    EXPECT_TRUE(missing->weights->modules[0].worst.empty());
    EXPECT_EQ(missing->weights->modules[0].diff.maxAbs, 0.1 + 0.2);
}

// For stdout (no report path) there is no sidecar: the drill-down is left out and `drilldown` is null.
TEST(ReportIo, ReportForStdoutHasNoDrilldown) {
    const ReportFiles files = reportFiles(sampleReport(), "");
    EXPECT_TRUE(files.drilldownPath.empty());
    const auto j = nlohmann::json::parse(files.report);
    EXPECT_TRUE(j["drilldown"].is_null());
    EXPECT_FALSE(j["weights"]["modules"][0].contains("group_error"));
    EXPECT_TRUE(nlohmann::json::parse(reportToJson(sampleReport()))["weights"]["modules"][0].contains("group_error"));
    auto back = reportFromJson(files.report, "stdout.json");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_NE(back->drilldownProblem.find("written without its drill-down"), std::string::npos)
        << back->drilldownProblem;
}

TEST(ReportIo, FailingAtomicWriteLeavesNoFile) {
    test::TempDir dir;
    const auto missing = dir.path() / "no-such-folder" / "r.json";
    EXPECT_FALSE(writeFileAtomically(missing.string(), "x").ok());
    EXPECT_FALSE(std::filesystem::exists(missing));
    // The target is a non-empty directory: rename fails; the directory survives, no temporary remains.
    const auto target = dir.path() / "taken";
    std::filesystem::create_directories(target / "inside");
    auto s = writeFileAtomically(target.string(), "x");
    EXPECT_FALSE(s.ok());
    EXPECT_TRUE(std::filesystem::is_directory(target));
    int entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
    EXPECT_EQ(entries, 1);
}

TEST(ReportIo, AtomicWriteReplacesContent) {
    test::TempDir dir;
    const std::string path = (dir.path() / "a.txt").string();
    ASSERT_TRUE(writeFileAtomically(path, "first").ok());
    ASSERT_TRUE(writeFileAtomically(path, "second").ok());
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "second");
}

}  // namespace
}  // namespace ql
