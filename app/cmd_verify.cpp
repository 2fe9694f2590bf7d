// `quantlens verify --train T.yaml --eval E.yaml [--prompts FILE] [--report out.json] [--atol X --rtol Y]
// [--device cpu|cuda] [--attention sdpa|eager] [--json] [--export out.md|pdf|png|html] [--junit out.xml] [-q] [-v]`:
// the six checks, with progress on stderr. Exit 0 all pass, 1 a check failed, 2 bad input or error (one line on stderr;
// no report file is written then). Without YAML: `--adapter DIR [--model M] [--scheme S --group-size G | --repr TEXT]
// ...` builds the notebook's two recipes (train unmerged, eval merged, same numerics), prints them and can save them
// (--save-recipes DIR).
#include <quantlens/checkpoint_recipes.h>
#include <quantlens/fixed_eval_recipe.h>
#include <quantlens/model_config.h>
#include <quantlens/report_io.h>
#include <quantlens/verify.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <utility>

#include "commands.h"
#include "export_target.h"
#include "prompts_file.h"
#include "verify_output.h"
#include "verify_progress.h"

namespace ql::cli {

namespace {

struct VerifyOptions {
    std::string train, eval, prompts, report, junit, device = "cpu", attention = "sdpa";
    std::vector<std::string> exports;
    std::optional<double> atol, rtol, convertAtol, convertRtol, argmaxThreshold;
    bool json = false;
    bool quiet = false;                  // no progress on stderr
    bool verbose = false;                // each check's rule, key numbers and explanation
    CheckpointRecipeOptions checkpoint;  // --adapter and the options that build the recipes from it
    std::string saveRecipes;
    std::string fixedEval;  // --write-fixed-eval
    bool noDiagnosis = false;
    std::string checks;           // --checks LIST ("" = all)
    std::set<std::string> given;  // the long names of the options on the command line ("--scheme", ...)
};

// The two recipes: from --train/--eval, or built from --adapter (printed, and saved when asked).
Result<std::pair<Recipe, Recipe>> loadRecipes(const VerifyOptions& o) {
    const bool fromFiles = !o.train.empty() || !o.eval.empty();
    if (fromFiles == !o.checkpoint.adapter.empty()) {
        return makeError(ErrorCode::InvalidInput,
                         "verify: expected either --train and --eval, or --adapter (not both)");
    }
    if (fromFiles) {
        if (o.train.empty() || o.eval.empty())
            return makeError(ErrorCode::InvalidInput, "verify: --train and --eval go together");
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
    out << "# --- train recipe (" << name("train.yaml") << ")\n"
        << built->trainYaml << "# --- eval recipe (" << name("eval.yaml") << ")\n"
        << built->evalYaml << '\n'
        << std::flush;
    return std::pair{std::move(built->train), std::move(built->eval)};
}

// Progress on stderr unless --quiet; the model's layer count (for "layer 3/28") from its config.json.
std::unique_ptr<ProgressPrinter> progressPrinter(const VerifyOptions& o, const Recipe& eval) {
    if (o.quiet) return nullptr;
    auto config = loadModelConfig(eval.modelDir);
    const int layers = config ? static_cast<int>(config->numHiddenLayers) : 0;
    return std::make_unique<ProgressPrinter>(stderr, ::isatty(STDERR_FILENO) != 0, layers);
}

// --write-fixed-eval: written only when its track matched train; otherwise one line says what is left.
Result<bool> writeFixedEval(const VerifyReport& report, const std::string& path) {
    if (!report.diagnosis) {
        std::fprintf(stderr,
                     "--write-fixed-eval %s: not written: the config check finds no numerics difference to "
                     "revert\n",
                     path.c_str());
        return false;
    }
    const Diagnosis& d = *report.diagnosis;
    if (!d.fixedRecipeMatchesTrain || d.fixedEvalYaml.empty()) {
        std::fprintf(stderr,
                     "--write-fixed-eval %s: not written: with every recipe difference reverted eval still "
                     "differs from train (%s)\n",
                     path.c_str(), d.remaining.empty() ? "see the diagnosis" : d.remaining.front().c_str());
        return false;
    }
    FixedEvalRecipe fixed;
    fixed.yaml = d.fixedEvalYaml;
    if (auto s = writeFixedEvalRecipe(fixed, path); !s) return s.error();
    return true;
}

// Before the run: a --write-fixed-eval target QuantLens did not write is refused at once (exit 2).
Status checkFixedEvalPath(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Ok{};
    std::string first;
    std::getline(in, first);
    if (first.rfind(kFixedEvalHeader, 0) == 0) return Ok{};
    return makeError(ErrorCode::InvalidInput, "--write-fixed-eval " + path +
                                                  ": exists and was not written by QuantLens; choose another file "
                                                  "(nothing was written)");
}

Status checkOutputFolder(const char* option, const std::string& path) {
    const auto folder = std::filesystem::absolute(path).parent_path();
    if (!std::filesystem::is_directory(folder)) {
        return makeError(ErrorCode::NotFound,
                         std::string(option) + " " + path + ": the folder " + folder.string() + " does not exist");
    }
    return Ok{};
}

// Checked before the run, so a wrong --export or --junit fails fast (exit 2) and writes nothing.
Status checkOutputPaths(const VerifyOptions& o) {
    for (const std::string& path : o.exports) {
        if (auto s = checkExportTarget("--export " + path, path); !s) return s;
    }
    if (!o.junit.empty()) return checkOutputFolder("--junit", o.junit);
    return Ok{};
}

// Exports and JUnit first, the JSON last; each write is atomic, and on any error the files already
// written are removed, so no output is left behind. Returns what was written ("report: r.json").
Result<std::vector<std::string>> writeOutputs(const VerifyReport& report, const VerifyOptions& o) {
    std::vector<std::string> paths, written;
    const auto undo = [&](const Error& e) -> Error {
        for (const std::string& p : paths) std::remove(p.c_str());
        return e;
    };
    for (const std::string& path : o.exports) {
        if (auto s = writeReportExport(report, path); !s) return undo(s.error());
        paths.push_back(path);
        written.push_back("export: " + path);
    }
    if (!o.junit.empty()) {
        if (auto s = writeFileAtomically(o.junit, reportToJunit(report)); !s) return undo(s.error());
        paths.push_back(o.junit);
        written.push_back("junit: " + o.junit);
    }
    if (!o.report.empty()) {
        if (auto s = writeReportJson(report, o.report); !s) return undo(s.error());
        written.push_back("report: " + o.report);
    }
    if (!o.fixedEval.empty()) {
        auto wrote = writeFixedEval(report, o.fixedEval);
        if (!wrote) return undo(wrote.error());
        if (*wrote) written.push_back("fixed eval recipe: " + o.fixedEval);
    }
    return written;
}

// GITHUB_ACTIONS=true (set by the runner): the runner reads workflow commands from stdout and stderr;
// with --json they go to stderr, so stdout stays one JSON document.
bool inGithubActions() {
    const char* v = std::getenv("GITHUB_ACTIONS");
    return v != nullptr && *v != '\0' && std::string_view(v) != "false";
}

// Flags that contradict each other or cannot apply: one line naming both, before anything runs.
Status checkConflicts(const VerifyOptions& o, const VerifyRequest& req) {
    const auto has = [&](const char* name) { return o.given.count(name) > 0; };
    const auto conflict = [](const std::string& text) { return makeError(ErrorCode::InvalidInput, "verify: " + text); };
    if (has("--repr") && (has("--scheme") || has("--group-size"))) {
        return conflict("--repr is torchao's whole config (scheme and group size included); drop " +
                        std::string(has("--scheme") ? "--scheme" : "--group-size") + " or --repr");
    }
    if (has("--group-size") && o.checkpoint.scheme == "none")
        return conflict("--group-size with --scheme none (no quantization)");
    if (!o.train.empty() || !o.eval.empty()) {
        for (const char* flag :
             {"--model", "--revision", "--checkpoint", "--scheme", "--group-size", "--repr", "--dtype",
              "--device-numerics", "--torchao-version", "--train-form", "--eval-form", "--save-recipes"}) {
            if (has(flag))
                return conflict(std::string(flag) +
                                " builds recipes from --adapter; with --train/--eval set it in the YAML");
        }
    }
    if (!o.fixedEval.empty() && o.noDiagnosis)
        return conflict("--write-fixed-eval needs the diagnosis; drop --no-diagnosis");
    if (!o.fixedEval.empty() && !req.checkConfig)
        return conflict("--write-fixed-eval needs the config check in --checks");
    if (!req.checkConvert) {
        for (const char* flag : {"--convert-atol", "--convert-rtol", "--argmax-threshold"}) {
            if (has(flag)) return conflict(std::string(flag) + " sets the convert check, which --checks leaves out");
        }
    }
    return Ok{};
}

int runVerify(const VerifyOptions& o) {
    VerifyRequest req;
    if (!o.checks.empty() || o.given.count("--checks")) {
        if (auto s = selectChecks(o.checks, req); !s) return reportError(s.error());
    }
    if (auto s = checkConflicts(o, req); !s) return reportError(s.error());
    if (auto s = checkOutputPaths(o); !s) return reportError(s.error());
    if (!o.fixedEval.empty()) {
        if (auto s = checkFixedEvalPath(o.fixedEval); !s) return reportError(s.error());
    }
    req.diagnose = !o.noDiagnosis;
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
    auto printer = progressPrinter(o, req.eval);
    ProgressFn progress;
    if (printer) progress = [&printer](const Progress& p) { return (*printer)(p); };
    auto report = verify(req, progress);
    if (printer) printer->finish(static_cast<bool>(report));
    if (!report) return reportError(report.error());
    auto written = writeOutputs(*report, o);
    if (!written) return reportError(written.error());
    if (inGithubActions()) (o.json ? std::cerr : std::cout) << reportToAnnotations(*report) << std::flush;
    if (o.json)
        std::cout << reportFiles(*report, o.report).report << '\n';  // as the report file: no drill-down
    else
        std::cout << reportToText(*report, TextOptions{o.verbose, std::move(written).value()});
    return report->allPassed() ? kExitPass : kExitFail;
}

}  // namespace

namespace {

// --adapter and friends: the recipes built from a training checkpoint instead of two YAML files.
void addCheckpointOptions(CLI::App& app, VerifyOptions& o) {
    auto& c = o.checkpoint;
    const auto group = "From a checkpoint (instead of --train/--eval)";
    app.add_option("--adapter", c.adapter, "Adapter folder or Trainer output folder (checkpoint-N/ inside)")
        ->group(group);
    app.add_option("--model", c.model, "Base model folder or hub id (default: the adapter's base_model_name_or_path)")
        ->group(group);
    app.add_option("--revision", c.revision, "Branch, tag or commit of a hub id --model")->group(group);
    app.add_option("--checkpoint", c.checkpoint, "N of checkpoint-N, latest (default) or best")->group(group);
    app.add_option("--scheme", c.scheme, "Quantization scheme (default int4_weight_only; none for float)")
        ->group(group);
    app.add_option("--group-size", c.groupSize, "Group size (default: the scheme's)")->group(group);
    app.add_option("--repr", c.repr, "torchao's printed config (print(config) in the training log) instead of --scheme")
        ->group(group);
    app.add_option("--dtype", c.dtype, "bfloat16 (default), float16 or float32")->group(group);
    app.add_option("--device-numerics", c.deviceNumerics, "cuda (default) or cpu: whose rounding the run used")
        ->group(group);
    app.add_option("--torchao-version", c.torchaoVersion, "torchao release to emulate (default 0.18)")->group(group);
    const auto forms = CLI::IsMember({"unmerged", "merged", "qat_after_peft"});
    app.add_option("--train-form", c.trainForm,
                   "Adapter form on the train side: unmerged (default), merged or qat_after_peft")
        ->check(forms)
        ->group(group);
    app.add_option("--eval-form", c.evalForm,
                   "Adapter form on the eval side: merged (default), unmerged or qat_after_peft")
        ->check(forms)
        ->group(group);
    app.add_option("--save-recipes", o.saveRecipes, "Write the built train.yaml and eval.yaml into this folder")
        ->group(group);
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
    c.app->add_option("--write-fixed-eval", o->fixedEval,
                      "Write the eval recipe with every numerics difference set to train's value (only when its "
                      "diagnosis track matches train; never replaces a file QuantLens did not write)");
    c.app->add_option("--checks", o->checks,
                      "Run only these checks (comma-separated: config, weights, logits, activations, convert, "
                      "adapter_merge); the others are reported as not requested. config,weights runs no forward");
    c.app->add_flag("--no-diagnosis", o->noDiagnosis,
                    "Skip the diagnosis tracks (one more forward per numerics-changing difference)");
    c.app->add_option("--atol", o->atol, "Absolute tolerance (Polygraphy rule |a-b| <= atol OR <= rtol*|b|)");
    c.app->add_option("--rtol", o->rtol, "Relative tolerance");
    c.app
        ->add_option("--convert-atol", o->convertAtol,
                     "Convert check: absolute tolerance of deployed vs fake-quant logits (default 1)")
        ->check(CLI::NonNegativeNumber);
    c.app->add_option("--convert-rtol", o->convertRtol, "Convert check: relative tolerance (default 0.1)")
        ->check(CLI::NonNegativeNumber);
    c.app
        ->add_option("--argmax-threshold", o->argmaxThreshold,
                     "Convert check, opt-in: also require this fraction of positions to keep their argmax (the "
                     "notebook's literal rule; by default flips are judged by their margins)")
        ->check(CLI::Range(0.0, 1.0));
    c.app->add_option("--device", o->device, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}));
    c.app->add_option("--attention", o->attention, "Attention kernel of the forwards: sdpa (default) or eager")
        ->check(CLI::IsMember({"sdpa", "eager"}));
    c.app->add_flag("--json", o->json, "Print the report JSON on stdout");
    c.app
        ->add_option(
            "--export", o->exports,
            "Export the report: .md (Markdown summary, e.g. for $GITHUB_STEP_SUMMARY), or a multi-page .pdf, one "
            ".png or one self-contained .html (same plots as the GUI; offscreen); repeatable")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    c.app->add_option("--junit", o->junit, "Write JUnit XML here (one testcase per check; atomically)");
    c.app->add_flag("-q,--quiet", o->quiet, "No progress on stderr");
    c.app->add_flag("-v,--verbose", o->verbose, "Print each check's rule, key numbers and explanation");
    c.run = [o, app = c.app] {
        for (const CLI::Option* option : app->get_options()) {
            if (option->count() > 0 && !option->get_lnames().empty())
                o->given.insert("--" + option->get_lnames().front());
        }
        return runVerify(*o);
    };
    return c;
}

}  // namespace ql::cli
