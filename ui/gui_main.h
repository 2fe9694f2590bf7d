// Entry point of the desktop inspector; called by app/main.cpp when no headless subcommand ran.
#pragma once

#include <string>

namespace ql::ui {

// Creates the QApplication and the main window and runs the event loop. With `demo`, writes the
// demo workspace into `demoDir` (a default folder when empty) and opens it. Returns the exit code.
int runGui(int argc, char** argv, bool demo, const std::string& demoDir);

}  // namespace ql::ui
