// `quantlens diff-config` end to end on the committed recipe pairs: exit code = verdict, and the
// explanation names the field responsible.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_runner.h"

namespace {

test::CliRun run(const std::string& args) {
    return test::runMerged(std::string(QL_EXE) + " diff-config " + args);
}

struct PairCase {
    const char* name;
    int exitCode;
    const char* field;  // must appear in an explanation / finding line
    const char* extra = "";
};

class DiffConfigCli : public testing::TestWithParam<PairCase> {};

TEST_P(DiffConfigCli, VerdictAndField) {
    const auto& c = GetParam();
    const std::string dir = std::string(QL_SOURCE_DIR) + "/tests/data/recipes/" + c.name + "/";
    std::string extra = c.extra;
    if (!extra.empty()) extra = " --layers " + dir + extra;
    const auto r = run(dir + "train.yaml " + dir + "eval.yaml" + extra);
    EXPECT_EQ(r.exitCode, c.exitCode) << r.output;
    if (c.exitCode == 2) {
        EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    }
    EXPECT_NE(r.output.find(c.field), std::string::npos) << r.output;
    const auto json = run(dir + "train.yaml " + dir + "eval.yaml --json" + extra);
    EXPECT_EQ(json.exitCode, c.exitCode);
    if (c.exitCode != 2) {
        EXPECT_NE(json.output.find(std::string("\"same_numerics\": ") + (c.exitCode == 0 ? "true" : "false")),
                  std::string::npos)
            << json.output;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Pairs, DiffConfigCli,
    testing::Values(PairCase{"same_int4", 0, "verdict: same numerics"},
                    PairCase{"fake_group_128", 1, "quantization.group_size (fake_group_size_128)"},
                    PairCase{"group_size_ignored", 0, "* quantization.group_size: the fake quantizer"},
                    PairCase{"choose_qparams_ignored", 0, "* quantization.int4_choose_qparams_algorithm: ignored"},
                    PairCase{"hqq_convert", 1,
                             "eval quantization.int4_choose_qparams_algorithm (hqq_unsupported_in_qat)"},
                    PairCase{"convert_without_base", 1, "quantization.base_config (convert_without_base_config)"},
                    PairCase{"device_division", 1, "both device_numerics (device_division)"},
                    PairCase{"packing_rejected", 1, "quantization.int4_packing_format (packing_rejected_by_prepare)"},
                    PairCase{"qat_8da4w_removed", 1, "eval torchao_version (qat_8da4w_removed)"},
                    PairCase{"eps_change", 1, "both torchao_version (eps_change_0_18)"},
                    PairCase{"lora_form", 1, "both adapter.form (lora_form)"},
                    PairCase{"k_not_divisible", 0, "quantization.group_size (k_not_divisible)", "layers.txt"},
                    PairCase{"hf_config", 0, "verdict: same numerics"},
                    PairCase{"bad_unknown_key", 2, "quantization: unknown field 'group_sise'"}),
    [](const testing::TestParamInfo<PairCase>& info) { return std::string(info.param.name); });

std::string pair(const char* name) {
    const std::string dir = std::string(QL_SOURCE_DIR) + "/tests/data/recipes/" + name + "/";
    return dir + "train.yaml " + dir + "eval.yaml";
}

// The table's lines from the header to the first blank line.
std::vector<std::string> tableLines(const std::string& output) {
    std::vector<std::string> out;
    std::istringstream in(output.substr(output.find("field ")));
    for (std::string line; std::getline(in, line) && !line.empty();) out.push_back(line);
    return out;
}

TEST(DiffConfigCliTable, ColumnsAlignedAndSeparated) {
    const auto r = run(pair("fake_group_128"));
    const auto lines = tableLines(r.output);
    ASSERT_GT(lines.size(), 5u) << r.output;
    const std::size_t verdictColumn = lines[0].find("verdict");
    for (const std::string& line : lines) {
        ASSERT_GT(line.size(), verdictColumn) << line;
        EXPECT_EQ(line.substr(verdictColumn - 2, 2), "  ") << "two spaces before the verdict: " << line;
        EXPECT_NE(line[verdictColumn], ' ') << line;
        const std::string verdict = line.substr(verdictColumn);
        EXPECT_TRUE(verdict == "verdict" || verdict == "same" || verdict == "no effect" ||
                    verdict == "changes numerics")
            << line;
    }
}

TEST(DiffConfigCliTable, OnlyDifferences) {
    const auto same = run(pair("same_int4") + " --only-differences");
    EXPECT_EQ(same.exitCode, 0) << same.output;
    EXPECT_NE(same.output.find("no field differs ("), std::string::npos) << same.output;
    EXPECT_LT(std::count(same.output.begin(), same.output.end(), '\n'), 8) << same.output;

    const auto all = tableLines(run(pair("fake_group_128")).output);
    const auto r = run(pair("fake_group_128") + " --only-differences");
    EXPECT_EQ(r.exitCode, 1);
    const auto lines = tableLines(r.output);
    ASSERT_GE(lines.size(), 2u) << r.output;
    std::size_t differing = 0;
    for (const std::string& line : all) differing += line.ends_with("  same") ? 0 : 1;
    EXPECT_EQ(lines.size(), differing) << r.output;
    for (const std::string& line : lines) EXPECT_FALSE(line.ends_with("  same")) << line;
    EXPECT_NE(r.output.find("fields are the same)"), std::string::npos) << r.output;
    const auto json = run(pair("fake_group_128") + " --only-differences --json");
    EXPECT_EQ(json.output.find("\"verdict\": \"same\""), std::string::npos) << json.output;
    EXPECT_NE(json.output.find("\"schema_version\": 1"), std::string::npos) << json.output;
}

// JSON values are the snake_case ids (the table shows the display text).
TEST(DiffConfigCliJson, VerdictsAreSnakeCaseIds) {
    const auto json = run(pair("group_size_ignored") + " --json");
    EXPECT_NE(json.output.find("\"verdict\": \"no_effect\""), std::string::npos) << json.output;
    EXPECT_EQ(json.output.find("\"no effect\""), std::string::npos) << json.output;
}

}  // namespace
