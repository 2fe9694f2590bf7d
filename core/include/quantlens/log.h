// One log facade for core. Hosts (CLI, GUI) replace the sink; the default writes to stderr
// through spdlog. The sink may be called from worker threads: a GUI sink must queue.
#pragma once

#include <functional>
#include <string_view>

namespace ql {

enum class LogLevel { Debug, Info, Warning, Error };

using LogSink = std::function<void(LogLevel, std::string_view)>;

// Replaces the process-wide sink; an empty function restores the default (stderr via spdlog).
// Thread-safe.
void setLogSink(LogSink sink);

// Messages below this level are dropped before reaching the sink (default: Info).
void setLogLevel(LogLevel level);

// Sends one message to the current sink. Thread-safe.
void log(LogLevel level, std::string_view message);

const char* logLevelName(LogLevel level);

}  // namespace ql
