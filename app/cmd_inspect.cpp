// PLACEHOLDER — replaced by the inspect implementation.
#include "commands.h"
namespace ql::cli {
Command addInspectCommand(CLI::App& parent) {
    Command c;
    c.app = parent.add_subcommand("inspect", "What a checkpoint or adapter directory holds");
    c.run = [] { return reportError(makeError(ErrorCode::Unsupported, "inspect: not built yet")); };
    return c;
}
}  // namespace ql::cli
