// The core log facade: a host-installed sink receives messages at or above the level.
#include <gtest/gtest.h>
#include <quantlens/log.h>

#include <string>
#include <utility>
#include <vector>

namespace {

struct SinkGuard {
    ~SinkGuard() {
        ql::setLogSink({});
        ql::setLogLevel(ql::LogLevel::Info);
    }
};

TEST(Log, ReplacementSinkReceivesMessagesAtOrAboveLevel) {
    SinkGuard guard;
    std::vector<std::pair<ql::LogLevel, std::string>> seen;
    ql::setLogSink(
        [&](ql::LogLevel level, std::string_view message) { seen.emplace_back(level, std::string(message)); });
    ql::setLogLevel(ql::LogLevel::Warning);
    ql::log(ql::LogLevel::Info, "dropped");
    ql::log(ql::LogLevel::Warning, "kept warning");
    ql::log(ql::LogLevel::Error, "kept error");
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].first, ql::LogLevel::Warning);
    EXPECT_EQ(seen[0].second, "kept warning");
    EXPECT_EQ(seen[1].second, "kept error");
}

TEST(Log, EmptySinkRestoresDefault) {
    SinkGuard guard;
    int calls = 0;
    ql::setLogSink([&](ql::LogLevel, std::string_view) { ++calls; });
    ql::log(ql::LogLevel::Error, "to custom sink");
    ql::setLogSink({});
    ql::log(ql::LogLevel::Error, "to default stderr sink");
    EXPECT_EQ(calls, 1);
}

TEST(Log, LevelNames) {
    EXPECT_STREQ(ql::logLevelName(ql::LogLevel::Debug), "debug");
    EXPECT_STREQ(ql::logLevelName(ql::LogLevel::Warning), "warning");
}

}  // namespace
