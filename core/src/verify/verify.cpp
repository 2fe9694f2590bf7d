// verify(): opens both sides (sharing nothing but the OS page cache of the mmapped files), then runs
// the checks in CheckKind order. Exceptions from libtorch are caught here and become Internal errors.
#include "quantlens/verify.h"

#include <chrono>
#include <ctime>

#include "quantlens/tokenizer.h"
#include "verify/verify_parts.h"

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
    s.dtype = r.dtype == DType::BF16 ? "bfloat16" : r.dtype == DType::F16 ? "float16" : "float32";
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

Result<std::vector<Prompt>> resolvePrompts(const VerifyRequest& req, VerifyReport& report) {
    std::vector<Prompt> prompts = req.prompts;
    const std::filesystem::path tokPath = std::filesystem::path(req.train.modelDir) / "tokenizer.json";
    const bool haveTokenizer = std::filesystem::exists(tokPath);
    if (prompts.empty()) {
        if (haveTokenizer) {
            prompts.push_back({kDefaultPrompt, {}});
        } else {
            Prompt p;
            for (int i = 0; i < 16; ++i) p.ids.push_back((i * 7919 + 13) % 256);
            prompts.push_back(p);
            report.warnings.push_back({"no_prompts", req.train.modelDir,
                                       "no prompts and no tokenizer.json: used 16 fixed token ids"});
        }
    }
    std::optional<Tokenizer> tok;
    for (auto& p : prompts) {
        if (!p.ids.empty()) continue;
        if (!haveTokenizer) {
            return makeError(ErrorCode::NotFound, tokPath.string() + ": needed to tokenize the text prompts");
        }
        if (!tok) {
            auto t = Tokenizer::load(tokPath);
            if (!t) return t.error();
            tok.emplace(std::move(*t));
        }
        auto ids = tok->encode(p.text, true);
        if (!ids) return ids.error();
        p.ids = *ids;
        if (p.ids.empty()) return makeError(ErrorCode::InvalidInput, "prompt \"" + p.text + "\" has no tokens");
    }
    return prompts;
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

Status runChecks(checks::Context& ctx) {
    const VerifyRequest& req = *ctx.request;
    std::vector<LayerShape> shapes;
    for (const auto& m : ctx.modules) {
        shapes.push_back({m.name, m.inFeatures});
    }
    if (!ctx.tick("config", "recipes", 0, 1)) return checks::cancelled();
    auto diff = diffConfigs(req.train, req.eval, shapes);
    if (!diff) return diff.error();
    ctx.report->config = *diff;
    checks::addSummary(*ctx.report, CheckKind::Config, diff->sameNumerics ? CheckStatus::Pass : CheckStatus::Fail,
                       diff->sameNumerics ? "same quantization numerics" : "quantization configs differ",
                       {{"fields compared", std::to_string(diff->fields.size())},
                        {"findings", std::to_string(diff->findings.size())}});
    if (auto s = checks::runWeightsAndForwardChecks(ctx); !s) return s;
    if (req.checkConvert) {
        if (auto s = checks::runConvertCheck(ctx); !s) return s;
    } else {
        checks::addSummary(*ctx.report, CheckKind::Convert, CheckStatus::Skipped, "not requested", {});
    }
    if (req.checkAdapterMerge) {
        if (auto s = checks::runAdapterMergeCheck(ctx); !s) return s;
    } else {
        checks::addSummary(*ctx.report, CheckKind::AdapterMerge, CheckStatus::Skipped, "not requested", {});
    }
    return Ok{};
}

Result<VerifyReport> verifyImpl(const VerifyRequest& req, const ProgressFn& progress) {
    const auto start = std::chrono::steady_clock::now();
    VerifyReport report;
    report.quantlensVersion = "0.1.0";
    report.createdUtc = utcNow();
    report.weightTolerance = req.weightTolerance;
    report.logitTolerance = req.logitTolerance;
    report.attention = req.attention == AttentionImpl::Eager ? "eager" : "sdpa";
    report.train = summarize(req.train);
    report.eval = summarize(req.eval);
    auto device = pickDevice(req.device, report);
    if (!device) return device.error();
    if (progress && !progress(Progress{"config", "opening models", 0, 0})) return checks::cancelled();
    auto train = checks::openSide(req.train, "train", *device);
    if (!train) return train.error();
    auto eval = checks::openSide(req.eval, "eval", *device, &*train);
    if (!eval) return eval.error();
    auto prompts = resolvePrompts(req, report);
    if (!prompts) return prompts.error();
    report.prompts = *prompts;
    checks::Context ctx;
    ctx.request = &req;
    ctx.progress = &progress;
    ctx.train = &*train;
    ctx.eval = &*eval;
    ctx.report = &report;
    ctx.modules = checks::linearModules(train->lm->config());
    for (const auto& p : *prompts) {
        std::vector<std::int64_t> ids(p.ids.begin(), p.ids.end());
        ctx.prompts.push_back(at::tensor(ids, at::kLong).view({1, -1}));
    }
    if (auto s = runChecks(ctx); !s) return s.error();
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
