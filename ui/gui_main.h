// Entry point of the desktop inspector; called by app/main.cpp when no headless subcommand ran.
#pragma once

#include <string>

namespace ql::ui {

// Creates the QApplication and the main window and runs the event loop. With `demo`, writes the
// demo workspace into `demoDir` (a default folder when empty) and opens it; with `runNow` also
// starts the verification. Env QL_SCREENSHOT_DIR: grab every tab after the run and quit.
int runGui(int argc, char** argv, bool demo, const std::string& demoDir, bool runNow = false);

}  // namespace ql::ui
