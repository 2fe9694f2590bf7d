// quantlens: the GUI by default; subcommands run headless (no Qt event loop).
#include <quantlens/demo_workspace.h>
#include <quantlens/log.h>
#include <quantlens/version.h>

#include <iostream>
#include <vector>

#include "cli_common.h"
#include "commands.h"

#ifdef QL_HAVE_UI
#include <ui/gui_main.h>
#endif

int main(int argc, char** argv) {
    CLI::App app{"QuantLens: verify that QAT training and evaluation quantize an LLM identically", "quantlens"};
    app.require_subcommand(0, 1);
    app.set_version_flag("--version", std::string("quantlens ") + ql::quantlensVersion());

    std::vector<ql::cli::Command> commands;
    commands.push_back(ql::cli::addInspectCommand(app));
    commands.push_back(ql::cli::addDiffConfigCommand(app));
    commands.push_back(ql::cli::addVerifyCommand(app));
    commands.push_back(ql::cli::addCompareCommand(app));
    commands.push_back(ql::cli::addExportCommand(app));

    CLI::App* demo = app.add_subcommand("demo", "Write the demo workspace and open it in the GUI");
    std::string demoDir;
    demo->add_option("--dir", demoDir, "Folder for the demo workspace");
    bool demoRun = false;
    demo->add_flag("--run", demoRun, "Start the verification right away");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : ql::cli::kExitBadInput;
    }
    for (const auto& command : commands) {
        if (command.app->parsed()) {
            return command.run();
        }
    }
#ifdef QL_HAVE_UI
    if (!ql::cli::guiHasDisplay()) {
        std::cerr << "quantlens: no display; use a subcommand or set QT_QPA_PLATFORM=offscreen\n\n" << app.help();
        return ql::cli::kExitBadInput;
    }
    return ql::ui::runGui(argc, argv, demo->parsed(), demoDir, demoRun);
#else
    if (demo->parsed()) {  // headless build: write the workspace and say how to verify it
        auto ws = ql::writeDemoWorkspace(demoDir.empty() ? "quantlens-demo" : demoDir);
        if (!ws) return ql::cli::reportError(ws.error());
        std::cout << "demo workspace: " << ws->directory << "\nrun: quantlens verify --train " << ws->trainRecipe
                  << " --eval " << ws->evalRecipe << " --prompts " << ws->prompts << '\n';
        return ql::cli::kExitPass;
    }
    std::cerr << "quantlens: this build has no GUI (QL_BUILD_UI=OFF); see quantlens --help\n";
    return ql::cli::kExitBadInput;
#endif
}
