#include "support/cli_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace test {

namespace {

// Runs `shellCommand` as it is: exit code and its stdout.
CliRun readStdout(const std::string& shellCommand) {
    CliRun r;
    FILE* pipe = popen(shellCommand.c_str(), "r");
    if (pipe == nullptr) {
        return r;
    }
    std::array<char, 4096> buf{};
    while (fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr) {
        r.output += buf.data();
    }
    const int status = pclose(pipe);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace

CliRun runMerged(const std::string& commandLine) {
    return readStdout(commandLine + " 2>&1");
}

SplitRun runSplit(const std::string& commandLine) {
    char path[] = "/tmp/ql-cli-stderr-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) {
        return {};
    }
    close(fd);
    const CliRun out = readStdout(commandLine + " 2>" + path);
    std::ifstream in(path);
    SplitRun r{out.exitCode, out.output, std::string(std::istreambuf_iterator<char>(in), {})};
    std::remove(path);
    return r;
}

}  // namespace test
