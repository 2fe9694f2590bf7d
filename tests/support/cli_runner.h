// Runs a command line for the CLI tests (tests/cli/): exit code and everything it wrote, stdout and
// stderr interleaved in the order written (`2>&1`), or the two apart.
#pragma once

#include <string>

namespace test {

struct CliRun {
    int exitCode = -1;  // -1: not started, or killed by a signal
    std::string output;
};

// `commandLine` goes to /bin/sh as it is: quote paths with spaces yourself.
CliRun runMerged(const std::string& commandLine);

// Stdout only in `output`; what went to stderr in `errors`.
struct SplitRun {
    int exitCode = -1;
    std::string output;
    std::string errors;
};
SplitRun runSplit(const std::string& commandLine);

}  // namespace test
