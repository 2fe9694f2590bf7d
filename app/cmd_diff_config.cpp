// `quantlens diff-config TRAIN.yaml EVAL.yaml [--json] [--layers FILE] [--only-differences]`: check 1 only.
// Exit 0 same numerics, 1 different, 2 bad input (one line on stderr).
#include <quantlens/config_diff.h>
#include <quantlens/recipe.h>

#include <algorithm>
#include <array>
#include <fstream>
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
    bool onlyDifferences = false;  // leave out the fields that are the same on both sides
};

// Display width of UTF-8 text: code points (continuation bytes do not count).
std::size_t width(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// The field table with each column as wide as its longest cell (two spaces between columns).
void printTable(const std::vector<ConfigFieldDiff>& rows) {
    std::vector<std::array<std::string, 4>> cells{{"field", "train", "eval", "verdict"}};
    for (const auto& row : rows)
        cells.push_back({row.field, row.train, row.eval, std::string(diffClassName(row.verdict))});
    std::array<std::size_t, 4> widths{};
    for (const auto& line : cells) {
        for (std::size_t i = 0; i < widths.size(); ++i) widths[i] = std::max(widths[i], width(line[i]));
    }
    for (const auto& line : cells) {
        std::string out;
        for (std::size_t i = 0; i + 1 < line.size(); ++i)
            out += line[i] + std::string(widths[i] - width(line[i]) + 2, ' ');
        std::cout << out << line.back() << '\n';
    }
}

void printHuman(const ConfigDiff& diff, const DiffConfigOptions& o, std::size_t compared) {
    std::cout << "config diff: " << o.train << " (train) vs " << o.eval << " (eval)\n\n";
    if (diff.fields.empty())
        std::cout << "no field differs (" << compared << " compared)\n";
    else
        printTable(diff.fields);
    if (o.onlyDifferences && !diff.fields.empty()) {
        std::cout << "\n(" << compared - diff.fields.size() << " of " << compared << " fields are the same)\n";
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
    const std::size_t compared = diff->fields.size();
    if (o.onlyDifferences) {
        std::erase_if(diff->fields, [](const ConfigFieldDiff& row) { return row.verdict == DiffClass::Same; });
    }
    if (o.json)
        std::cout << configDiffToJson(*diff) << '\n';
    else
        printHuman(*diff, o, compared);
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
    c.app->add_flag("--only-differences", options->onlyDifferences,
                    "List only the fields that differ (in the table and in the JSON's fields)");
    c.app->add_option("--layers", options->layers,
                      "File of '<module> <in_features>' lines: check K divisibility by the group size");
    c.run = [options] { return runDiffConfig(*options); };
    return c;
}

}  // namespace ql::cli
