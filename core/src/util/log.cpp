#include "quantlens/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <mutex>

namespace ql {
namespace {

std::mutex g_sinkMutex;
LogSink g_sink;  // empty = default spdlog stderr logger
std::atomic<LogLevel> g_level{LogLevel::Info};

spdlog::logger& defaultLogger() {
    static std::shared_ptr<spdlog::logger> logger = [] {
        auto l = spdlog::stderr_color_mt("quantlens");
        l->set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
        l->set_level(spdlog::level::trace);
        return l;
    }();
    return *logger;
}

spdlog::level::level_enum toSpdlog(LogLevel level) {
    switch (level) {
        case LogLevel::Debug:
            return spdlog::level::debug;
        case LogLevel::Info:
            return spdlog::level::info;
        case LogLevel::Warning:
            return spdlog::level::warn;
        case LogLevel::Error:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

}  // namespace

void setLogSink(LogSink sink) {
    std::lock_guard lock(g_sinkMutex);
    g_sink = std::move(sink);
}

void setLogLevel(LogLevel level) {
    g_level = level;
}

void log(LogLevel level, std::string_view message) {
    if (static_cast<int>(level) < static_cast<int>(g_level.load())) {
        return;
    }
    std::lock_guard lock(g_sinkMutex);
    if (g_sink) {
        g_sink(level, message);
        return;
    }
    defaultLogger().log(toSpdlog(level), "{}", message);
}

const char* logLevelName(LogLevel level) {
    switch (level) {
        case LogLevel::Debug:
            return "debug";
        case LogLevel::Info:
            return "info";
        case LogLevel::Warning:
            return "warning";
        case LogLevel::Error:
            return "error";
    }
    return "info";
}

}  // namespace ql
