// `quantlens inspect PATH [--json] [--base DIR] [--revision R]`: what a checkpoint, adapter, Trainer
// checkpoint or output folder, .safetensors file or cached hub id holds. Exit 0 with the report on stdout, or 2 with
// one line "quantlens: <file>: <problem>" on stderr and nothing on stdout.
#include <quantlens/inspect.h>

#include <iostream>
#include <memory>

#include "commands.h"

namespace ql::cli {
namespace {

struct InspectArgs {
    std::string path;
    std::string base;
    std::string revision;
    bool json = false;
};

int runInspect(const InspectArgs& args) {
    InspectOptions options;
    if (!args.base.empty()) {
        options.base = args.base;
    }
    options.revision = args.revision;
    auto report = inspectPath(args.path, options);
    if (!report) {
        return reportError(report.error());
    }
    const std::string text = args.json ? formatInspectJson(*report) : formatInspectText(*report);
    std::cout << text << std::flush;
    return kExitPass;
}

}  // namespace

Command addInspectCommand(CLI::App& parent) {
    auto args = std::make_shared<InspectArgs>();
    Command c;
    c.app =
        parent.add_subcommand("inspect", "What a checkpoint, adapter, Trainer checkpoint or .safetensors file holds");
    c.app
        ->add_option("path", args->path,
                     "Checkpoint/adapter/Trainer output folder, .safetensors file, or a hub id (org/name) in the local "
                     "Hugging Face cache")
        ->required();
    c.app->add_option("--revision", args->revision, "Branch, tag or commit of a hub id (default main)");
    c.app->add_flag("--json", args->json, "Print the report as JSON");
    c.app->add_option("--base", args->base, "Base model directory to check an adapter against");
    c.run = [args] { return runInspect(*args); };
    return c;
}

}  // namespace ql::cli
