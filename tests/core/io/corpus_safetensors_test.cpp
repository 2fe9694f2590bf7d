// Runs every safetensors / index case of tests/corpus (st_*, idx_*; written by make_corpus.py)
// through Checkpoint::open and checks the one-line error contains the case's `expect`.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "quantlens/checkpoint.h"

namespace ql {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> safetensorsCases() {
    std::vector<fs::path> cases;
    for (const auto& entry : fs::directory_iterator(QL_CORPUS_DIR)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_directory() && (name.starts_with("st_") || name.starts_with("idx_"))) {
            cases.push_back(entry.path());
        }
    }
    std::ranges::sort(cases);
    return cases;
}

TEST(CorpusSafetensors, EveryCaseFailsWithItsExpectedMessage) {
    const auto cases = safetensorsCases();
    ASSERT_GE(cases.size(), 20u) << "run tests/corpus/make_corpus.py";
    for (const fs::path& dir : cases) {
        SCOPED_TRACE(dir.filename().string());
        std::ifstream in(dir / "case.json");
        ASSERT_TRUE(in) << "no case.json";
        const auto meta = nlohmann::json::parse(in);
        const std::string expect = meta.at("expect").get<std::string>();
        ASSERT_FALSE(expect.empty());
        auto checkpoint = Checkpoint::open(dir / meta.at("target").get<std::string>());
        ASSERT_FALSE(checkpoint.ok()) << "opened although it is malformed";
        const std::string& message = checkpoint.error().message;
        EXPECT_NE(message.find(expect), std::string::npos) << "expected '" << expect << "' in: " << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        EXPECT_NE(checkpoint.error().code, ErrorCode::Internal) << message;
    }
}

TEST(CorpusSafetensors, CoversTheRequiredProblems) {
    std::set<std::string> names;
    for (const fs::path& dir : safetensorsCases()) {
        names.insert(dir.filename().string());
    }
    for (const char* required : {"st_truncated",
                                 "st_too_small",
                                 "st_header_past_eof",
                                 "st_header_too_large",
                                 "st_invalid_json",
                                 "st_not_object",
                                 "st_non_utf8_header",
                                 "st_non_utf8_name",
                                 "st_unknown_dtype",
                                 "st_missing_field",
                                 "st_negative_dim",
                                 "st_huge_dims",
                                 "st_offsets_overlap",
                                 "st_offsets_gap",
                                 "st_offsets_out_of_range",
                                 "st_wrong_byte_count",
                                 "st_trailing_bytes",
                                 "st_duplicate_key",
                                 "st_metadata_non_string",
                                 "idx_invalid_json",
                                 "idx_escape_dotdot",
                                 "idx_escape_absolute",
                                 "idx_escape_symlink",
                                 "idx_missing_shard",
                                 "idx_tensor_missing_from_shard",
                                 "idx_pickle_only",
                                 "idx_empty_dir"}) {
        EXPECT_TRUE(names.contains(required)) << required;
    }
}

}  // namespace
}  // namespace ql
