// `quantlens verify --train T.yaml --eval E.yaml [--prompts FILE] [--report out.json] [--atol X --rtol Y]
// [--device cpu|cuda] [--attention sdpa|eager] [--json] [--export out.pdf|png|html]`: the six checks. Exit 0 all pass, 1 a check
// failed, 2 bad input or error (one line on stderr; no report file is written then).
// Without YAML: `--adapter DIR [--model M] [--scheme S --group-size G | --repr TEXT] ...` builds the notebook's two
// recipes (train unmerged, eval merged, same numerics), prints them and can save them (--save-recipes DIR).
#include <quantlens/checkpoint_recipes.h>
#include <quantlens/report_io.h>
#include <quantlens/verify.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <utility>

#include "commands.h"
#include "prompts_file.h"

#ifdef QL_HAVE_UI
#include <ui/export/report_exporter.h>
#endif

namespace ql::cli {

namespace {

struct VerifyOptions {
    std::string train, eval, prompts, report, exportPath, device = "cpu", attention = "sdpa";
    std::optional<double> atol, rtol, convertAtol, convertRtol, argmaxThreshold;
    bool json = false;
    CheckpointRecipeOptions checkpoint;  // --adapter and the options that build the recipes from it
    std::string saveRecipes;
};

// The two recipes: from --train/--eval, or built from --adapter (printed, and saved when asked).
Result<std::pair<Recipe, Recipe>> loadRecipes(const VerifyOptions& o) {
    const bool fromFiles = !o.train.empty() || !o.eval.empty();
    if (fromFiles == !o.checkpoint.adapter.empty()) {
        return makeError(ErrorCode::InvalidInput, "verify: expected either --train and --eval, or --adapter (not both)");
    }
    if (fromFiles) {
        if (o.train.empty() || o.eval.empty()) return makeError(ErrorCode::InvalidInput, "verify: --train and --eval go together");
        auto train = loadRecipe(o.train);
        if (!train) return train.error();
        auto eval = loadRecipe(o.eval);
        if (!eval) return eval.error();
        return std::pair{std::move(*train), std::move(*eval)};
    }
    const auto dir = o.saveRecipes.empty() ? std::filesystem::path() : std::filesystem::path(o.saveRecipes);
    const auto name = [&](const char* file) {
        return dir.empty() ? std::string(file) + " (built from --adapter)" : (dir / file).string();
    };
    auto built = buildCheckpointRecipes(o.checkpoint, name("train.yaml"), name("eval.yaml"));
    if (!built) return built.error();
    if (!o.saveRecipes.empty()) {
        if (auto s = saveCheckpointRecipes(*built, o.saveRecipes); !s) return s.error();
    }
    auto& out = o.json ? std::cerr : std::cout;  // stdout stays pure JSON with --json
    out << "# --- train recipe (" << name("train.yaml") << ")\n" << built->trainYaml << "# --- eval recipe ("
        << name("eval.yaml") << ")\n" << built->evalYaml << '\n' << std::flush;
    return std::pair{std::move(built->train), std::move(built->eval)};
}

// A one-line progress bar on stderr, only when stderr is a terminal.
ProgressFn progressBar() {
    if (!::isatty(STDERR_FILENO)) return {};
    return [](const Progress& p) {
        const int width = 30;
        const int filled = p.total > 0 ? static_cast<int>(width * p.done / p.total) : 0;
        std::fprintf(stderr, "\r\033[K%-13s [%s%s] %s", p.stage.c_str(), std::string(filled, '#').c_str(),
                     std::string(width - filled, '.').c_str(), p.item.substr(0, 48).c_str());
        std::fflush(stderr);
        return true;
    };
}

void printHuman(const VerifyReport& r) {
    for (const auto& c : r.checks) {
        std::printf("%-14s %-8s %s\n", std::string(checkKindName(c.kind)).c_str(),
                    std::string(checkStatusName(c.status)).c_str(), c.headline.c_str());
    }
    for (const auto& w : r.warnings) std::printf("warning: %s %s: %s\n", w.kind.c_str(), w.subject.c_str(), w.detail.c_str());
    std::printf("\nverdict: %s\n", r.allPassed() ? "all checks pass" : "a check failed");
}

// Checked before the run, so a wrong --export fails fast (exit 2) and writes nothing.
Status checkExportPath(const std::string& path) {
#ifdef QL_HAVE_UI
    const auto dot = path.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
    if (ext != "pdf" && ext != "png" && ext != "html") {
        return makeError(ErrorCode::InvalidInput, "--export " + path + ": expected a .pdf, .png or .html file name");
    }
    const auto folder = std::filesystem::absolute(path).parent_path();
    if (!std::filesystem::is_directory(folder)) {
        return makeError(ErrorCode::NotFound, "--export " + path + ": the folder " + folder.string() + " does not exist");
    }
    return Ok{};
#else
    return makeError(ErrorCode::Unsupported,
                     "--export " + path + ": this build has no report exporter (built with QL_BUILD_UI=OFF)");
#endif
}

// Exports first and writes the JSON last: on any error no output file is left behind.
Status writeOutputs(const VerifyReport& report, const VerifyOptions& o) {
#ifdef QL_HAVE_UI
    if (!o.exportPath.empty()) {
        if (auto s = ui::exportReport(report, o.exportPath); !s) return s.error();
    }
#endif
    if (!o.report.empty()) {
        if (auto s = writeReportJson(report, o.report); !s) {
            if (!o.exportPath.empty()) std::remove(o.exportPath.c_str());
            return s.error();
        }
    }
    return Ok{};
}

int runVerify(const VerifyOptions& o) {
    if (!o.exportPath.empty()) {
        if (auto s = checkExportPath(o.exportPath); !s) return reportError(s.error());
    }
    VerifyRequest req;
    auto recipes = loadRecipes(o);
    if (!recipes) return reportError(recipes.error());
    req.train = std::move(recipes->first);
    req.eval = std::move(recipes->second);
    req.device = o.device;
    req.attention = o.attention == "eager" ? AttentionImpl::Eager : AttentionImpl::Sdpa;
    if (o.atol) req.weightTolerance.atol = req.logitTolerance.atol = *o.atol;
    if (o.rtol) req.weightTolerance.rtol = req.logitTolerance.rtol = *o.rtol;
    if (o.convertAtol) req.convertTolerance.atol = *o.convertAtol;
    if (o.convertRtol) req.convertTolerance.rtol = *o.convertRtol;
    if (o.argmaxThreshold) req.argmaxThreshold = *o.argmaxThreshold;
    if (!o.prompts.empty()) {
        auto p = readPromptsFile(o.prompts);
        if (!p) return reportError(p.error());
        req.prompts = *p;
    }
    auto report = verify(req, progressBar());
    if (::isatty(STDERR_FILENO)) std::fprintf(stderr, "\r\033[K");
    if (!report) return reportError(report.error());
    if (auto s = writeOutputs(*report, o); !s) return reportError(s.error());
    if (o.json) std::cout << reportToJson(*report) << '\n';
    else printHuman(*report);
    return report->allPassed() ? kExitPass : kExitFail;
}

}  // namespace

namespace {

// --adapter and friends: the recipes built from a training checkpoint instead of two YAML files.
void addCheckpointOptions(CLI::App& app, VerifyOptions& o) {
    auto& c = o.checkpoint;
    const auto group = "From a checkpoint (instead of --train/--eval)";
    app.add_option("--adapter", c.adapter, "Adapter folder or Trainer output folder (checkpoint-N/ inside)")->group(group);
    app.add_option("--model", c.model, "Base model folder or hub id (default: the adapter's base_model_name_or_path)")
        ->group(group);
    app.add_option("--revision", c.revision, "Branch, tag or commit of a hub id --model")->group(group);
    app.add_option("--checkpoint", c.checkpoint, "N of checkpoint-N, latest (default) or best")->group(group);
    app.add_option("--scheme", c.scheme, "Quantization scheme (default int4_weight_only; none for float)")->group(group);
    app.add_option("--group-size", c.groupSize, "Group size (default: the scheme's)")->group(group);
    app.add_option("--repr", c.repr, "torchao's printed config (print(config) in the training log) instead of --scheme")
        ->group(group);
    app.add_option("--dtype", c.dtype, "bfloat16 (default), float16 or float32")->group(group);
    app.add_option("--device-numerics", c.deviceNumerics, "cuda (default) or cpu: whose rounding the run used")->group(group);
    app.add_option("--torchao-version", c.torchaoVersion, "torchao release to emulate (default 0.18)")->group(group);
    app.add_option("--save-recipes", o.saveRecipes, "Write the built train.yaml and eval.yaml into this folder")->group(group);
}

}  // namespace

Command addVerifyCommand(CLI::App& parent) {
    auto o = std::make_shared<VerifyOptions>();
    Command c;
    c.app = parent.add_subcommand("verify", "Run the six checks on a train and an eval recipe");
    c.app->add_option("--train", o->train, "Train-side recipe YAML");
    c.app->add_option("--eval", o->eval, "Eval-side recipe YAML");
    addCheckpointOptions(*c.app, *o);
    c.app->add_option("--prompts", o->prompts, "Prompts, one per line (default: one built-in prompt)");
    c.app->add_option("--report", o->report, "Write the report JSON here (atomically)");
    c.app->add_option("--atol", o->atol, "Absolute tolerance (Polygraphy rule |a-b| <= atol OR <= rtol*|b|)");
    c.app->add_option("--rtol", o->rtol, "Relative tolerance");
    c.app->add_option("--convert-atol", o->convertAtol, "Convert check: absolute tolerance of deployed vs fake-quant logits (default 1)")
        ->check(CLI::NonNegativeNumber);
    c.app->add_option("--convert-rtol", o->convertRtol, "Convert check: relative tolerance (default 0.1)")
        ->check(CLI::NonNegativeNumber);
    c.app->add_option("--argmax-threshold", o->argmaxThreshold,
                      "Convert check: least fraction of positions whose argmax must agree (default 1)")
        ->check(CLI::Range(0.0, 1.0));
    c.app->add_option("--device", o->device, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}));
    c.app->add_option("--attention", o->attention, "Attention kernel of the forwards: sdpa (default) or eager")
        ->check(CLI::IsMember({"sdpa", "eager"}));
    c.app->add_flag("--json", o->json, "Print the report JSON on stdout");
    c.app->add_option("--export", o->exportPath, "Export the report as a multi-page PDF, one PNG or one self-contained HTML file (same plots as the GUI; offscreen)");
    c.run = [o] { return runVerify(*o); };
    return c;
}

}  // namespace ql::cli
