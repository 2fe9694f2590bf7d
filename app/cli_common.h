// Shared conventions of the headless subcommands: exit codes and one-line error output.
#pragma once

#include <quantlens/result.h>

#include <CLI/CLI.hpp>
#include <string>

namespace ql::cli {

constexpr int kExitPass = 0;      // everything checked passed / the command succeeded
constexpr int kExitFail = 1;      // a check failed (verify, diff-config)
constexpr int kExitBadInput = 2;  // bad input or an error; one line on stderr names the problem

// Prints "quantlens: <message>" on stderr and returns kExitBadInput (kExitPass for Cancelled).
int reportError(const Error& error);

// Whether the GUI can open a window: Qt's platform plugin (QT_QPA_PLATFORM, default xcb or wayland on
// Linux) has its display (DISPLAY / WAYLAND_DISPLAY). Without one Qt aborts (exit 134) before main
// can report anything, so main asks first.
bool guiHasDisplay();

// Each subcommand registers its options on `app` and sets `run` to the code that executes it.
struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run;
};

}  // namespace ql::cli
