// verify(): opens both sides (one mapping when they read the same checkpoint), runs the one walk that
// feeds every check's pass, and assembles the report from what the passes return, in CheckKind order.
// Exceptions from libtorch are caught here and become Internal errors.
#include "quantlens/verify.h"

#include <chrono>
#include <ctime>
#include <deque>

#include "model/linear_table.h"
#include "quantlens/tokenizer.h"
#include "quantlens/version.h"
#include "verify/check_config.h"
#include "verify/diagnosis_plan.h"
#include "verify/pass_activations.h"
#include "verify/pass_adapter_merge.h"
#include "verify/pass_convert.h"
#include "verify/pass_diagnosis.h"
#include "verify/pass_logits.h"
#include "verify/pass_weights.h"
#include "verify/side.h"
#include "verify/summary.h"
#include "verify/verify_walk.h"

namespace ql {
namespace {

constexpr const char* kDefaultPrompt = "The quick brown fox jumps over the lazy dog.";

SideSummary summarize(const Recipe& r) {
    SideSummary s;
    s.recipeFile = r.sourceFile;
    s.modelDir = r.modelDir;
    if (r.adapter) {
        s.adapterDir = r.adapter->path;
        s.adapterForm = std::string(adapterFormName(r.adapter->form));
    }
    s.dtype = std::string(torchDtypeName(r.dtype));
    s.deviceNumerics = std::string(deviceNumericsName(r.deviceNumerics));
    s.torchaoVersion = std::to_string(r.torchaoVersion.major) + "." + std::to_string(r.torchaoVersion.minor);
    const auto fq = effectiveFakeQuant(r.quantization, r.torchaoVersion);
    s.quantization = std::string(quantSchemeName(r.quantization.scheme));
    if (r.quantization.scheme != QuantScheme::None) {
        s.quantization += " group " + std::to_string(r.quantization.weight.groupSize) + " (fake quant group " +
                          std::to_string(fq.weightGroupSize) + ")";
    }
    s.resolution = sideResolution(r);
    if (auto coverage = loadModuleCoverage(r)) s.coverage = std::move(*coverage);  // unreadable: the open fails later
    return s;
}

std::string utcNow() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::filesystem::path tokenizerPath(const VerifyRequest& req) {
    return std::filesystem::path(req.train.modelDir) / "tokenizer.json";
}

// The train model's tokenizer.json; nullopt when the folder has none.
Result<std::optional<Tokenizer>> loadTokenizer(const VerifyRequest& req) {
    const auto path = tokenizerPath(req);
    if (!std::filesystem::exists(path)) return std::optional<Tokenizer>();
    auto t = Tokenizer::load(path);
    if (!t) return t.error();
    return std::optional<Tokenizer>(std::move(*t));
}

Result<std::vector<Prompt>> resolvePrompts(const VerifyRequest& req, const std::optional<Tokenizer>& tok,
                                           VerifyReport& report) {
    std::vector<Prompt> prompts = req.prompts;
    if (prompts.empty()) {
        if (tok) {
            prompts.push_back(Prompt{kDefaultPrompt, {}, {}});
        } else {
            Prompt p;
            for (int i = 0; i < 16; ++i) p.ids.push_back((i * 7919 + 13) % 256);
            prompts.push_back(p);
            report.warnings.push_back(
                {"no_prompts", req.train.modelDir, "no prompts and no tokenizer.json: used 16 fixed token ids"});
        }
    }
    for (auto& p : prompts) {
        if (p.ids.empty()) {
            if (!tok) {
                return makeError(ErrorCode::NotFound,
                                 tokenizerPath(req).string() + ": needed to tokenize the text prompts");
            }
            auto ids = tok->encode(p.text, true);
            if (!ids) return ids.error();
            p.ids = *ids;
            if (p.ids.empty()) return makeError(ErrorCode::InvalidInput, "prompt \"" + p.text + "\" has no tokens");
        }
        p.tokens.clear();
        if (tok) {
            for (std::int32_t id : p.ids) p.tokens.push_back(tok->decode({id}, false));
        }
    }
    return prompts;
}

// Each top-k id of both sides decoded, so that a reader shows tokens the prompts do not contain.
void decodeTopTokens(const Tokenizer& tok, LogitsCheck& logits) {
    const auto decodeAll = [&](const std::vector<std::int32_t>& ids) {
        std::vector<std::string> out;
        for (std::int32_t id : ids) out.push_back(tok.decode({id}, false));
        return out;
    };
    for (PositionTopTokens& at : logits.topTokens) {
        at.trainTexts = decodeAll(at.trainIds);
        at.evalTexts = decodeAll(at.evalIds);
    }
}

void decodeFlips(const Tokenizer& tok, ConvertCheck& convert) {
    for (ConvertDeployment& d : convert.deployments) {
        for (ArgmaxFlip& f : d.flips) {
            f.fakeTopText = tok.decode({f.fakeTop}, false);
            f.deployedTopText = tok.decode({f.deployedTop}, false);
        }
    }
}

Result<at::Device> pickDevice(const std::string& name, VerifyReport& report) {
    if (name == "cpu" || name.empty()) {
        report.device = "cpu";
        return at::Device(at::kCPU);
    }
    if (name == "cuda") {
        if (!at::hasCUDA()) return makeError(ErrorCode::Unsupported, "--device cuda: no CUDA device available");
        report.device = "cuda:0";
        return at::Device(at::kCUDA, 0);
    }
    return makeError(ErrorCode::InvalidInput, "device '" + name + "': expected cpu or cuda");
}

std::vector<LayerShape> layerShapes(const ModelConfig& config) {
    std::vector<LayerShape> shapes;
    for (const model::ModuleRef& m : model::linearModules(config)) {
        shapes.push_back({m.name, m.inFeatures});
    }
    return shapes;
}

// Runs the walk with every pass and assembles the report from what each pass returns.
// Moves a finished pass's summary into the report's check list and its section into the report.
template <class Pass, class Section>
void collectSection(Pass& pass, std::vector<CheckSummary>& checks, std::optional<Section>& section) {
    auto [summary, body] = pass.finish();
    checks.push_back(std::move(summary));
    section = std::move(body);
}

// The counterfactual eval sides of the diagnosis, opened on eval's mapping: one per cause, then the
// fixed recipe's. A side that cannot be opened is left out with the reason (its cause stays unmeasured).
struct DiagnosisSides {
    checks::DiagnosisPlan plan;
    std::deque<Recipe> recipes;  // the sides point at these
    std::deque<checks::Side> sides;
    std::vector<int> causeVariant;  // per cause: its index in WalkPlan::variants, -1 when not run
    std::vector<std::string> why;   // per cause: why not run
    int fixedVariant = -1;
};

// Fills `d` in place: `variants` points into its deques.
void openDiagnosisSides(const VerifyRequest& req, const ConfigDiff& diff, const checks::Side& eval,
                        std::vector<const checks::Side*>& variants, DiagnosisSides& d) {
    d.plan = checks::planDiagnosis(req.train, req.eval, diff);
    const auto open = [&](const Recipe& recipe, const std::string& label, std::string& why) -> int {
        d.recipes.push_back(recipe);
        auto side = checks::openSide(d.recipes.back(), label, eval.run.device, &eval);
        if (!side) {
            why = side.error().message;
            return -1;
        }
        d.sides.push_back(std::move(*side));
        variants.push_back(&d.sides.back());
        return static_cast<int>(variants.size()) - 1;
    };
    for (const checks::CausePlan& c : d.plan.causes) {
        std::string why;
        d.causeVariant.push_back(open(c.recipe, "eval with " + c.field + " = train's", why));
        d.why.push_back(why.empty() ? std::string() : "could not run this recipe alone: " + why);
    }
    if (d.plan.fixedRecipe) {
        std::string why;
        d.fixedVariant = open(*d.plan.fixedRecipe, "eval with every difference reverted", why);
        if (d.fixedVariant < 0) d.plan.fixedError = why;
    }
}

Diagnosis diagnosisSection(const DiagnosisSides& d, const checks::DiagnosisPass& pass) {
    const auto& effects = pass.effects();
    std::vector<std::optional<TrackEffect>> causeEffects;
    for (int v : d.causeVariant) {
        causeEffects.push_back(v >= 0 ? std::optional<TrackEffect>(effects[1 + v]) : std::nullopt);
    }
    const std::optional<TrackEffect> fixed =
        d.fixedVariant >= 0 ? std::optional<TrackEffect>(effects[1 + d.fixedVariant]) : std::nullopt;
    return checks::makeDiagnosis(d.plan, effects[0], causeEffects, d.why, fixed);
}

// Every failing check's explanation ends with the cause the diagnosis measured as largest.
void pointAtCause(const Diagnosis& d, std::vector<CheckSummary>& checks) {
    const DiagnosisCause* top = d.causes.empty() || !d.causes.front().effect ? nullptr : &d.causes.front();
    if (!top) return;
    const std::string text = " Measured cause (diagnosis): reverting " + top->field + " (" + top->eval + " -> " +
                             top->train + ") alone leaves " + std::to_string(top->effect->weightsModulesDiffering) +
                             " modules differing and logits max |Δ| " + checks::fmt(top->effect->logitsMaxAbs) +
                             (d.fixedRecipeMatchesTrain ? "; with every difference reverted eval matches train "
                                                          "(--write-fixed-eval)."
                                                        : ".");
    for (CheckSummary& c : checks) {
        if (c.status == CheckStatus::Fail && c.kind != CheckKind::Convert) c.explanation += text;
    }
}

// A check the request left out (--checks): reported as skipped, so the report says it did not run.
CheckSummary notRequested(CheckKind kind) {
    return checks::makeSummary(kind, CheckStatus::Skipped, "not requested", {}, "",
                               "This check was not among the checks requested (--checks); it did not run.");
}

// Runs `pass` when `wanted`, else leaves `section` empty and reports the check as not requested.
template <class Pass, class Section>
void collectIf(bool wanted, CheckKind kind, Pass& pass, std::vector<CheckSummary>& checks,
               std::optional<Section>& section) {
    if (wanted)
        collectSection(pass, checks, section);
    else
        checks.push_back(notRequested(kind));
}

// The forwards are needed by every check but config and weights (and by the diagnosis).
bool needsForwards(const VerifyRequest& req, bool diagnosing) {
    return req.checkLogits || req.checkActivations || req.checkConvert || req.checkAdapterMerge || diagnosing;
}

Status runChecks(const VerifyRequest& req, const checks::Side& train, const checks::Side& eval,
                 const std::vector<at::Tensor>& prompts, const ProgressFn& progress, VerifyReport& report) {
    if (progress && !progress(Progress{"config", "recipes", 0, 1})) return checks::cancelled();
    auto diff = diffConfigs(req.train, req.eval, layerShapes(train.lm->config()));
    if (!diff) return diff.error();
    report.config = *diff;
    report.checks.push_back(req.checkConfig ? checks::configSummary(*diff) : notRequested(CheckKind::Config));

    checks::WalkPlan plan = checks::makeWalkPlan(req, train, eval);
    std::optional<DiagnosisSides> diagnosis;
    if (req.checkConfig && req.diagnose && !diff->sameNumerics) {
        openDiagnosisSides(req, *diff, eval, plan.variants, diagnosis.emplace());
        if (diagnosis->plan.causes.empty()) diagnosis.reset();
    }
    checks::WeightsPass weights(plan, req.weightTolerance);
    checks::LogitsPass logits(req.logitTolerance);
    checks::ActivationsPass activations(req.logitTolerance);
    checks::ConvertPass convert(plan, req);
    checks::AdapterMergePass merge(plan, req);
    checks::DiagnosisPass diagnose(plan, req.logitTolerance);
    std::vector<checks::VerifyPass*> passes;
    if (req.checkWeights) passes.push_back(&weights);
    if (req.checkLogits) passes.push_back(&logits);
    if (req.checkActivations) passes.push_back(&activations);
    passes.insert(passes.end(), {&convert, &merge});
    if (diagnosis) passes.push_back(&diagnose);
    checks::VerifyWalk walk(plan, passes, progress);
    const bool forwards = needsForwards(req, diagnosis.has_value());
    if (progress && !progress(Progress{"walk", walk.describeTracks(forwards), 0, 0})) return checks::cancelled();
    if (auto s = forwards ? walk.run(prompts, req.attention) : walk.runWithoutForwards(); !s) return s;
    report.walk = walk.stats();
    for (checks::Track t : walk.wholeModuleDeltas()) {
        report.warnings.push_back({"lora_delta_whole_module", plan.side(t).label,
                                   "this BLAS does not accumulate B·A as one fused multiply-add chain; LoRA deltas "
                                   "were computed for whole modules (slower, more memory, same results)"});
    }
    collectIf(req.checkWeights, CheckKind::Weights, weights, report.checks, report.weights);
    collectIf(req.checkLogits, CheckKind::Logits, logits, report.checks, report.logits);
    collectIf(req.checkActivations, CheckKind::Activations, activations, report.checks, report.activations);
    collectSection(convert, report.checks, report.convert);
    collectSection(merge, report.checks, report.adapterMerge);
    if (diagnosis) {
        report.diagnosis = diagnosisSection(*diagnosis, diagnose);
        pointAtCause(*report.diagnosis, report.checks);
    }
    return Ok{};
}

Result<VerifyReport> verifyImpl(const VerifyRequest& req, const ProgressFn& progress) {
    const auto start = std::chrono::steady_clock::now();
    VerifyReport report;
    report.quantlensVersion = quantlensVersion();
    report.createdUtc = utcNow();
    report.weightTolerance = req.weightTolerance;
    report.logitTolerance = req.logitTolerance;
    report.convertTolerance = req.convertTolerance;
    report.attention = std::string(attentionImplName(req.attention));
    report.train = summarize(req.train);
    report.eval = summarize(req.eval);
    auto device = pickDevice(req.device, report);
    if (!device) return device.error();
    if (progress && !progress(Progress{"config", "opening models", 0, 0})) return checks::cancelled();
    auto train = checks::openSide(req.train, "train", *device);
    if (!train) return train.error();
    auto eval = checks::openSide(req.eval, "eval", *device, &*train);
    if (!eval) return eval.error();
    auto tokenizer = loadTokenizer(req);
    if (!tokenizer) return tokenizer.error();
    auto prompts = resolvePrompts(req, *tokenizer, report);
    if (!prompts) return prompts.error();
    report.prompts = *prompts;
    std::vector<at::Tensor> ids;
    for (const auto& p : *prompts) {
        std::vector<std::int64_t> v(p.ids.begin(), p.ids.end());
        ids.push_back(at::tensor(v, at::kLong).view({1, -1}));
    }
    if (auto s = runChecks(req, *train, *eval, ids, progress, report); !s) return s.error();
    if (*tokenizer && report.logits) decodeTopTokens(**tokenizer, *report.logits);
    if (*tokenizer && report.convert) decodeFlips(**tokenizer, *report.convert);
    if (req.train.adapter) {
        auto st = loadTrainerState(req.train.adapter->path);
        if (st) report.trainerState = *st;
    }
    report.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace

Result<VerifyReport> verify(const VerifyRequest& request, const ProgressFn& progress) {
    try {
        return verifyImpl(request, progress);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("verify: ") + e.what());
    }
}

}  // namespace ql
