// `quantlens diff-config TRAIN.yaml EVAL.yaml [--json] [--layers FILE]`: check 1 only.
// Exit 0 same numerics, 1 different, 2 bad input (one line on stderr).
#include <quantlens/config_diff.h>
#include <quantlens/recipe.h>

#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.h"

namespace ql::cli {

namespace {

struct DiffConfigOptions {
    std::string train;
    std::string eval;
    std::string layers;
    bool json = false;
};

void printHuman(const ConfigDiff& diff, const DiffConfigOptions& o) {
    std::cout << "config diff: " << o.train << " (train) vs " << o.eval << " (eval)\n\n";
    std::cout << std::left << std::setw(44) << "field" << std::setw(26) << "train" << std::setw(26) << "eval"
              << "verdict\n";
    for (const auto& row : diff.fields) {
        std::cout << std::setw(44) << row.field << std::setw(26) << row.train << std::setw(26) << row.eval
                  << diffClassName(row.verdict) << '\n';
    }
    std::cout << '\n';
    for (const auto& row : diff.fields) {
        if (row.verdict != DiffClass::Same) std::cout << "* " << row.field << ": " << row.explanation << '\n';
    }
    for (const auto& f : diff.findings) {
        std::cout << "[" << findingSeverityName(f.severity) << "] " << f.side << " " << f.field << " (" << f.id
                  << "): " << f.message << '\n';
    }
    std::cout << "\nverdict: " << (diff.sameNumerics ? "same numerics" : "numerics differ") << '\n';
}

int runDiffConfig(const DiffConfigOptions& o) {
    auto train = loadRecipe(o.train);
    if (!train) return reportError(train.error());
    auto eval = loadRecipe(o.eval);
    if (!eval) return reportError(eval.error());
    std::vector<LayerShape> layers;
    if (!o.layers.empty()) {
        std::ifstream in(o.layers);
        if (!in) return reportError(makeError(ErrorCode::NotFound, o.layers + ": cannot open the layer list"));
        std::stringstream text;
        text << in.rdbuf();
        auto parsed = parseLayerShapes(text.str(), o.layers);
        if (!parsed) return reportError(parsed.error());
        layers = std::move(parsed).value();
    }
    auto diff = diffConfigs(*train, *eval, layers);
    if (!diff) return reportError(diff.error());
    if (o.json) std::cout << configDiffToJson(*diff) << '\n';
    else printHuman(*diff, o);
    return diff->sameNumerics ? kExitPass : kExitFail;
}

}  // namespace

Command addDiffConfigCommand(CLI::App& parent) {
    auto options = std::make_shared<DiffConfigOptions>();
    Command c;
    c.app = parent.add_subcommand("diff-config", "Compare the quantization configs of two recipes (train, eval)");
    c.app->add_option("train", options->train, "Train-side recipe YAML")->required();
    c.app->add_option("eval", options->eval, "Eval-side recipe YAML")->required();
    c.app->add_flag("--json", options->json, "Print the diff as JSON");
    c.app->add_option("--layers", options->layers,
                      "File of '<module> <in_features>' lines: check K divisibility by the group size");
    c.run = [options] { return runDiffConfig(*options); };
    return c;
}

}  // namespace ql::cli
