// Registration functions of the headless subcommands (one file each in app/).
#pragma once

#include "cli_common.h"

namespace ql::cli {

Command addInspectCommand(CLI::App& parent);
Command addDiffConfigCommand(CLI::App& parent);
Command addVerifyCommand(CLI::App& parent);
Command addCompareCommand(CLI::App& parent);
Command addExportCommand(CLI::App& parent);

}  // namespace ql::cli
