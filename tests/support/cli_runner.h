// Runs a command line for the CLI tests (tests/cli/): exit code and everything it wrote, stdout and
// stderr interleaved in the order written (`2>&1`).
#pragma once

#include <string>

namespace test {

struct CliRun {
    int exitCode = -1;  // -1: not started, or killed by a signal
    std::string output;
};

// `commandLine` goes to /bin/sh as it is: quote paths with spaces yourself.
CliRun runMerged(const std::string& commandLine);

}  // namespace test
