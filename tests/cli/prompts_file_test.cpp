// The prompts file reader of `quantlens verify --prompts` (app/prompts_file.cpp), called directly:
// what it keeps and what it skips. Its errors, end to end, are in inputs_cli_test.cpp.
#include "prompts_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/safetensors_writer.h"

namespace {

TEST(PromptsFile, SkipsBlankAndWhitespaceOnlyLines) {
    ql::test::TempDir dir;
    const auto path = (dir.path() / "prompts.txt").string();
    std::ofstream(path, std::ios::binary)
        << "\xEF\xBB\xBFThe capital of France is\n   \n\t\r\n\nOne, two,\r\n  indented  \n";
    const auto prompts = ql::cli::readPromptsFile(path);
    ASSERT_TRUE(prompts.ok()) << prompts.error().message;
    ASSERT_EQ(prompts->size(), 3u);
    EXPECT_EQ((*prompts)[0].text, "The capital of France is");  // byte order mark dropped
    EXPECT_EQ((*prompts)[1].text, "One, two,");                 // CRLF
    EXPECT_EQ((*prompts)[2].text, "  indented  ");              // kept as written
}

TEST(PromptsFile, AcceptsUtf8AndRefusesOverlongAndSurrogates) {
    ql::test::TempDir dir;
    const auto path = (dir.path() / "p.txt").string();
    std::ofstream(path, std::ios::binary) << "Grüße, 東京, 🙂\n";
    EXPECT_TRUE(ql::cli::readPromptsFile(path).ok());
    for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "ab\xE2\x82"}) {
        std::ofstream(path, std::ios::binary) << "fine\n" << bad << '\n';
        const auto r = ql::cli::readPromptsFile(path);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_NE(r.error().message.find(path + ":2:"), std::string::npos) << r.error().message;
    }
}

}  // namespace
