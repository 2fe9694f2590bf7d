// Report JSON (documented in README "Report JSON", schemas/report.schema.json) and the config diff's JSON. One field
// list per struct drives both directions, so writer and reader cannot drift apart. Non-finite doubles are written as
// the strings "inf", "-inf", "nan" (JSON has no literal for them).
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "quantlens/report_io.h"
#include "report/report_drilldown.h"

namespace ql {
namespace {

using Json = nlohmann::ordered_json;

// Enum values by the one name table of each enum (verify_report.h, config_diff.h).
template <typename E>
E parsed(std::optional<E> value, const Json& j) {
    if (!value) throw std::runtime_error("unknown value '" + j.get<std::string>() + "'");
    return *value;
}

Json enc(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return v;
}
Json enc(float v) {
    return enc(static_cast<double>(v));
}
Json enc(bool v) {
    return v;
}
Json enc(int v) {
    return v;
}
Json enc(std::int64_t v) {
    return v;
}
Json enc(std::uint64_t v) {
    return v;
}
Json enc(const std::string& v) {
    return v;
}
Json enc(CheckKind v) {
    return std::string(checkKindName(v));
}
Json enc(CheckStatus v) {
    return std::string(checkStatusName(v));
}
Json enc(DiffClass v) {
    return std::string(diffClassId(v));
}
Json enc(FindingSeverity v) {
    return std::string(findingSeverityName(v));
}

void dec(const Json& j, double& v) {
    if (j.is_string()) {
        const auto s = j.get<std::string>();
        if (s == "nan")
            v = std::numeric_limits<double>::quiet_NaN();
        else if (s == "inf")
            v = std::numeric_limits<double>::infinity();
        else if (s == "-inf")
            v = -std::numeric_limits<double>::infinity();
        else
            throw std::runtime_error("expected a number, got \"" + s + "\"");
    } else {
        v = j.get<double>();
    }
}
void dec(const Json& j, float& v) {
    double d;
    dec(j, d);
    v = static_cast<float>(d);
}
void dec(const Json& j, bool& v) {
    v = j.get<bool>();
}
void dec(const Json& j, int& v) {
    v = j.get<int>();
}
void dec(const Json& j, std::int64_t& v) {
    v = j.get<std::int64_t>();
}
void dec(const Json& j, std::uint64_t& v) {
    v = j.get<std::uint64_t>();
}
void dec(const Json& j, std::string& v) {
    v = j.get<std::string>();
}
void dec(const Json& j, CheckKind& v) {
    v = parsed(checkKindFromName(j.get<std::string>()), j);
}
void dec(const Json& j, CheckStatus& v) {
    v = parsed(checkStatusFromName(j.get<std::string>()), j);
}
void dec(const Json& j, DiffClass& v) {
    v = parsed(diffClassFromId(j.get<std::string>()), j);
}
void dec(const Json& j, FindingSeverity& v) {
    v = parsed(findingSeverityFromName(j.get<std::string>()), j);
}

template <typename T>
Json enc(const std::vector<T>& v);
template <typename T>
Json enc(const std::optional<T>& v);
template <typename T>
void dec(const Json& j, std::vector<T>& v);
template <typename T>
void dec(const Json& j, std::optional<T>& v);

Json enc(const std::map<std::string, double>& v) {
    Json j = Json::object();
    for (const auto& [k, x] : v) j[k] = enc(x);
    return j;
}
void dec(const Json& j, std::map<std::string, double>& v) {
    if (!j.is_object()) throw std::runtime_error("expected an object");
    v.clear();
    for (const auto& [k, x] : j.items()) dec(x, v[k]);
}

// Forward declarations: Writer/Reader are templates defined before the struct overloads.
Json enc(const Tolerance& v);
void dec(const Json& j, Tolerance& v);
Json enc(const DiffMetrics& v);
void dec(const Json& j, DiffMetrics& v);
Json enc(const Histogram& v);
void dec(const Json& j, Histogram& v);
Json enc(const KeyNumber& v);
void dec(const Json& j, KeyNumber& v);
Json enc(const CheckSummary& v);
void dec(const Json& j, CheckSummary& v);
Json enc(const GroupErrorMap& v);
void dec(const Json& j, GroupErrorMap& v);
Json enc(const WorstElement& v);
void dec(const Json& j, WorstElement& v);
Json enc(const WeightModuleResult& v);
void dec(const Json& j, WeightModuleResult& v);
Json enc(const WeightsCheck& v);
void dec(const Json& j, WeightsCheck& v);
Json enc(const LogitsCheck& v);
void dec(const Json& j, LogitsCheck& v);
Json enc(const LayerDivergence& v);
void dec(const Json& j, LayerDivergence& v);
Json enc(const ActivationsCheck& v);
void dec(const Json& j, ActivationsCheck& v);
Json enc(const PositionTopTokens& v);
void dec(const Json& j, PositionTopTokens& v);
Json enc(const ConvertDeployment& v);
void dec(const Json& j, ConvertDeployment& v);
Json enc(const ConvertModuleRow& v);
void dec(const Json& j, ConvertModuleRow& v);
Json enc(const ArgmaxFlip& v);
void dec(const Json& j, ArgmaxFlip& v);
Json enc(const ConvertCheck& v);
void dec(const Json& j, ConvertCheck& v);
Json enc(const AdapterMergeModule& v);
void dec(const Json& j, AdapterMergeModule& v);
Json enc(const AdapterMergeCheck& v);
void dec(const Json& j, AdapterMergeCheck& v);
Json enc(const TrackEffect& v);
void dec(const Json& j, TrackEffect& v);
Json enc(const DiagnosisCause& v);
void dec(const Json& j, DiagnosisCause& v);
Json enc(const Diagnosis& v);
void dec(const Json& j, Diagnosis& v);
Json enc(const WalkStats& v);
void dec(const Json& j, WalkStats& v);
Json enc(const ReportWarning& v);
void dec(const Json& j, ReportWarning& v);
Json enc(const SideResolution& v);
void dec(const Json& j, SideResolution& v);
Json enc(const CoverageRow& v);
void dec(const Json& j, CoverageRow& v);
Json enc(const SideSummary& v);
void dec(const Json& j, SideSummary& v);
Json enc(const Prompt& v);
void dec(const Json& j, Prompt& v);
Json enc(const ConfigFieldDiff& v);
void dec(const Json& j, ConfigFieldDiff& v);
Json enc(const ConfigFinding& v);
void dec(const Json& j, ConfigFinding& v);
Json enc(const ConfigDiff& v);
void dec(const Json& j, ConfigDiff& v);
Json enc(const TrainerLogEntry& v);
void dec(const Json& j, TrainerLogEntry& v);
Json enc(const TrainerState& v);
void dec(const Json& j, TrainerState& v);
Json enc(const ReportVerdict& v);
void dec(const Json& j, ReportVerdict& v);
Json enc(const VerifyReport& v);
void dec(const Json& j, VerifyReport& v);

struct Writer {
    Json& j;
    template <typename T>
    void operator()(const char* key, const T& v) {
        j[key] = enc(v);
    }
};
struct Reader {
    const Json& j;
    template <typename T>
    void operator()(const char* key, T& v) {
        if (!j.contains(key)) return;  // absent: the default
        try {
            dec(j.at(key), v);
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string("field '") + key + "': " + e.what());
        }
    }
};

// One field list per struct; the writer only reads through the (const_cast) reference.
#define QL_STRUCT(Type, ...)                                                \
    template <typename F>                                                   \
    void fields(F&& f, Type& s){__VA_ARGS__} Json enc(const Type& v) {      \
        Json j = Json::object();                                            \
        fields(Writer{j}, const_cast<Type&>(v));                            \
        return j;                                                           \
    }                                                                       \
    void dec(const Json& j, Type& v) {                                      \
        if (!j.is_object()) throw std::runtime_error("expected an object"); \
        fields(Reader{j}, v);                                               \
    }

QL_STRUCT(Tolerance, f("atol", s.atol); f("rtol", s.rtol);)
QL_STRUCT(DiffMetrics, f("total", s.total); f("differing", s.differing); f("out_of_tolerance", s.outOfTolerance);
          f("max_abs", s.maxAbs); f("mean_abs", s.meanAbs); f("rmse", s.rmse); f("sqnr_db", s.sqnrDb);
          f("cosine", s.cosine); f("non_finite", s.nonFinite);)
QL_STRUCT(Histogram, f("edges", s.edges); f("counts", s.counts); f("zeros", s.zeros); f("overflow", s.overflow);)
// {label, value, unit, display}; schema 2-3 wrote {name, value} with value the display text.
// Counts, bytes and layers are written as integers (36, not 36.0).
Json enc(const KeyNumber& v) {
    const bool whole = v.value && (v.unit == "count" || v.unit == "bytes" || v.unit == "layer") &&
                       std::isfinite(*v.value) && std::abs(*v.value) < 9.007199254740992e15 &&
                       *v.value == std::floor(*v.value);
    const Json value = whole ? Json(static_cast<std::int64_t>(*v.value)) : enc(v.value);
    return Json{{"label", v.label}, {"value", value}, {"unit", v.unit}, {"display", v.display}};
}
void dec(const Json& j, KeyNumber& v) {
    if (!j.is_object()) throw std::runtime_error("expected an object");
    if (j.contains("name")) {
        v = KeyNumber{j.at("name").get<std::string>(), j.value("value", std::string()), std::nullopt, "text"};
        return;
    }
    Reader r{j};
    r("label", v.label);
    r("display", v.display);
    r("value", v.value);
    r("unit", v.unit);
}
QL_STRUCT(CheckSummary, f("kind", s.kind); f("status", s.status); f("headline", s.headline); f("numbers", s.numbers);
          f("rule", s.rule); f("explanation", s.explanation);)
QL_STRUCT(GroupErrorMap, f("rows", s.rows); f("cols", s.cols); f("row_stride", s.rowStride);
          f("col_stride", s.colStride); f("max_abs", s.maxAbs);)
QL_STRUCT(WorstElement, f("row", s.row); f("col", s.col); f("original", s.original); f("train", s.train);
          f("eval", s.eval);)
QL_STRUCT(WeightModuleResult, f("module", s.module); f("layer", s.layerIndex); f("layer_type", s.layerType);
          f("shape", s.shape); f("group_size", s.groupSize); f("train_group_size", s.trainGroupSize); f("diff", s.diff);
          f("pass", s.pass); f("group_error", s.groupError); f("worst", s.worst);
          f("original_histogram", s.originalHistogram); f("quant_grid", s.quantGrid);
          f("lora_delta_max_abs", s.loraDeltaMaxAbs); f("lora_delta_rms", s.loraDeltaRms);)
QL_STRUCT(WeightsCheck, f("modules", s.modules); f("overall", s.overall); f("modules_differing", s.modulesDiffering);)
QL_STRUCT(PositionTopTokens, f("train_ids", s.trainIds); f("eval_ids", s.evalIds); f("train_logits", s.trainLogits);
          f("eval_logits", s.evalLogits); f("train_texts", s.trainTexts); f("eval_texts", s.evalTexts);)
QL_STRUCT(LogitsCheck, f("tokens", s.tokens); f("diff", s.diff); f("abs_diff_histogram", s.absDiff);
          f("per_position_max_abs", s.perPositionMaxAbs); f("per_position_kl", s.perPositionKl);
          f("prompt_starts", s.promptStarts); f("kl_mean", s.klMean); f("kl_median", s.klMedian); f("kl_p99", s.klP99);
          f("kl_max", s.klMax); f("top1_agreement", s.top1Agreement); f("top5_agreement", s.top5Agreement);
          f("top_tokens", s.topTokens);)
QL_STRUCT(LayerDivergence, f("layer", s.layer); f("diff", s.diff); f("relative_l2", s.relativeL2);
          f("per_position_relative_l2", s.perPositionRelativeL2);)
QL_STRUCT(ActivationsCheck, f("layers", s.layers); f("first_diverging_layer", s.firstDivergingLayer);)
QL_STRUCT(ConvertModuleRow, f("module", s.module); f("type_before", s.typeBefore); f("type_after", s.typeAfter);
          f("dtype_before", s.dtypeBefore); f("dtype_after", s.dtypeAfter); f("shape", s.shape);
          f("bytes_before", s.bytesBefore); f("bytes_after", s.bytesAfter); f("codes_identical", s.codesIdentical);
          f("scales_rounded_in_bf16", s.scalesRoundedInBf16); f("zeros_rounded_in_bf16", s.zerosRoundedInBf16);
          f("dequant", s.dequant);)
QL_STRUCT(ArgmaxFlip, f("prompt", s.prompt); f("position", s.position); f("fake_top", s.fakeTop);
          f("deployed_top", s.deployedTop); f("fake_top_text", s.fakeTopText);
          f("deployed_top_text", s.deployedTopText); f("fake_top2_margin", s.fakeTop2Margin); f("margin", s.margin);
          f("allowed", s.allowed); f("deviation_fake_top", s.deviationFakeTop);
          f("deviation_deployed_top", s.deviationDeployedTop); f("near_tie", s.nearTie);)
QL_STRUCT(ConvertDeployment, f("id", s.id); f("title", s.title); f("compares", s.compares); f("modules", s.modules);
          f("bytes_before", s.bytesBefore); f("bytes_after", s.bytesAfter);
          f("modules_codes_differ", s.modulesCodesDiffer); f("logits", s.logits);
          f("logits_abs_diff_histogram", s.logitsAbsDiff); f("argmax_agreement", s.argmaxAgreement);
          f("groups_total", s.groupsTotal); f("scales_rounded_in_bf16", s.scalesRoundedInBf16);
          f("zeros_rounded_in_bf16", s.zerosRoundedInBf16); f("dequant_max_abs", s.dequantMaxAbs);
          f("positions", s.positions); f("flips_total", s.flipsTotal); f("flips_near_tie", s.flipsNearTie);
          f("flips_beyond_tolerance", s.flipsBeyondTolerance); f("flips", s.flips); f("pass", s.pass);)
QL_STRUCT(ConvertCheck, f("deployments", s.deployments); f("argmax_threshold", s.argmaxThreshold);)
QL_STRUCT(AdapterMergeModule, f("module", s.module); f("weight", s.weight); f("output", s.output);
          f("groups_scale_changed", s.groupsScaleChanged); f("groups_total", s.groupsTotal);
          f("delta_max_abs", s.deltaMaxAbs);)
QL_STRUCT(AdapterMergeCheck, f("modules", s.modules); f("recommendation", s.recommendation);)
QL_STRUCT(TrackEffect, f("weights_modules_differing", s.weightsModulesDiffering); f("logits_max_abs", s.logitsMaxAbs);
          f("logits_out_of_tolerance", s.logitsOutOfTolerance); f("logits_top1_agreement", s.logitsTop1Agreement);)
QL_STRUCT(DiagnosisCause, f("field", s.field); f("train", s.train); f("eval", s.eval); f("effect", s.effect);
          f("note", s.note);)
QL_STRUCT(Diagnosis, f("before", s.before); f("causes", s.causes); f("all_reverted", s.allReverted);
          f("fixed_recipe_matches_train", s.fixedRecipeMatchesTrain); f("remaining", s.remaining);
          f("fixed_eval_yaml", s.fixedEvalYaml); f("summary", s.summary);)
QL_STRUCT(WalkStats, f("tracks", s.tracks); f("linear_forwards", s.linearForwards);
          f("linear_forwards_shared", s.linearForwardsShared);)
QL_STRUCT(ReportWarning, f("kind", s.kind); f("subject", s.subject); f("detail", s.detail);)
QL_STRUCT(SideResolution, f("model_requested", s.modelRequested); f("model_origin", s.modelOrigin);
          f("hub_repo_id", s.hubRepoId); f("hub_revision", s.hubRevision); f("hub_commit", s.hubCommit);
          f("hub_cache", s.hubCache); f("adapter_requested", s.adapterRequested);
          f("checkpoint_step", s.checkpointStep); f("checkpoint_rule", s.checkpointRule);
          f("checkpoints_available", s.checkpointsAvailable); f("adapter_global_step", s.adapterGlobalStep);)
QL_STRUCT(CoverageRow, f("module", s.module); f("kind", s.kind); f("shape", s.shape); f("form", s.form);
          f("quantization", s.quantization); f("reason_id", s.reasonId); f("reason", s.reason); f("tied_to", s.tiedTo);)
QL_STRUCT(SideSummary, f("recipe_file", s.recipeFile); f("model_dir", s.modelDir); f("adapter_dir", s.adapterDir);
          f("adapter_form", s.adapterForm); f("dtype", s.dtype); f("device_numerics", s.deviceNumerics);
          f("torchao_version", s.torchaoVersion); f("quantization", s.quantization); f("resolution", s.resolution);
          f("coverage", s.coverage);)
QL_STRUCT(Prompt, f("text", s.text); f("ids", s.ids); f("tokens", s.tokens);)
QL_STRUCT(ConfigFieldDiff, f("field", s.field); f("train", s.train); f("eval", s.eval); f("verdict", s.verdict);
          f("explanation", s.explanation);)
QL_STRUCT(ConfigFinding, f("id", s.id); f("side", s.side); f("field", s.field); f("severity", s.severity);
          f("changes_numerics", s.changesNumerics); f("message", s.message);)
QL_STRUCT(ConfigDiff, f("fields", s.fields); f("findings", s.findings); f("same_numerics", s.sameNumerics);)
QL_STRUCT(TrainerLogEntry, f("step", s.step); f("epoch", s.epoch); f("values", s.values);)
QL_STRUCT(TrainerState, f("global_step", s.globalStep); f("epoch", s.epoch); f("max_steps", s.maxSteps);
          f("best_metric", s.bestMetric); f("best_global_step", s.bestGlobalStep);
          f("best_model_checkpoint", s.bestModelCheckpoint); f("log_history", s.logHistory);)
// "status" is derived from "pass"; a reader takes the counts as written (the report recomputes them).
Json enc(const ReportVerdict& v) {
    return Json{{"status", v.pass ? "pass" : "fail"},
                {"pass", v.passed},
                {"fail", v.failed},
                {"error", v.errors},
                {"skipped", v.skipped},
                {"info", v.info},
                {"text", v.text}};
}
void dec(const Json& j, ReportVerdict& v) {
    if (!j.is_object()) throw std::runtime_error("expected an object");
    v.pass = j.value("status", std::string("pass")) == "pass";
}

// The verdict is derived from the checks: written for readers of the JSON, recomputed on reading.
QL_STRUCT(VerifyReport, ReportVerdict verdict = s.verdict(); f("schema_version", s.schemaVersion);
          f("verdict", verdict); f("quantlens_version", s.quantlensVersion); f("created_utc", s.createdUtc);
          f("device", s.device); f("attention", s.attention); f("wall_seconds", s.wallSeconds);
          f("weight_tolerance", s.weightTolerance); f("logit_tolerance", s.logitTolerance);
          f("convert_tolerance", s.convertTolerance); f("train", s.train); f("eval", s.eval); f("prompts", s.prompts);
          f("checks", s.checks); f("config", s.config); f("weights", s.weights); f("logits", s.logits);
          f("activations", s.activations); f("convert", s.convert); f("adapter_merge", s.adapterMerge);
          f("diagnosis", s.diagnosis); f("walk", s.walk); f("trainer_state", s.trainerState);
          f("warnings", s.warnings);)

template <typename T>
Json enc(const std::vector<T>& v) {
    Json j = Json::array();
    for (const auto& x : v) j.push_back(enc(x));
    return j;
}
template <typename T>
Json enc(const std::optional<T>& v) {
    return v ? enc(*v) : Json(nullptr);
}
template <typename T>
void dec(const Json& j, std::vector<T>& v) {
    if (!j.is_array()) throw std::runtime_error("expected an array");
    v.clear();
    for (const auto& x : j) {
        T t{};
        dec(x, t);
        v.push_back(std::move(t));
    }
}
template <typename T>
void dec(const Json& j, std::optional<T>& v) {
    if (j.is_null()) {
        v.reset();
        return;
    }
    T t{};
    dec(j, t);
    v = std::move(t);
}

// The report as a JSON tree, drill-down inline, `drilldown` null (reportFiles fills it in).
Json reportTree(const VerifyReport& report) {
    Json j = enc(report);
    j["drilldown"] = nullptr;
    return j;
}

std::string dumped(const Json& j, int indent) {
    return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

// Checks the version, then decodes; `drilldownProblem` as given.
Result<VerifyReport> reportFromTree(const Json& j, const std::string& sourceName, std::string drilldownProblem) {
    try {
        if (!j.is_object() || !j.contains("schema_version")) {
            return makeError(ErrorCode::InvalidInput, sourceName + ": not a QuantLens report (no schema_version)");
        }
        VerifyReport r;
        dec(j, r);
        if (r.schemaVersion < kOldestReadableReportSchema || r.schemaVersion > kReportSchemaVersion) {
            return makeError(ErrorCode::Unsupported, sourceName + ": schema_version " +
                                                         std::to_string(r.schemaVersion) + ", expected " +
                                                         std::to_string(kOldestReadableReportSchema) + " to " +
                                                         std::to_string(kReportSchemaVersion));
        }
        r.drilldownProblem = std::move(drilldownProblem);
        return r;
    } catch (const std::exception& e) {
        return makeError(ErrorCode::InvalidInput, sourceName + ": not a QuantLens report: " + e.what());
    }
}

// The sidecar a parsed report names, or "" (none: schema 2-3, inline, or written for stdout).
std::string sidecarName(const Json& j) {
    if (!j.is_object() || !j.contains("drilldown") || !j["drilldown"].is_object()) return "";
    return j["drilldown"].value("file", std::string());
}

// Why a report that names no sidecar has no drill-down either ("" when it has one inline, or no modules):
// `verify --json` without --report prints the report without it.
std::string noDrilldown(const Json& j) {
    if (!j.is_object() || !j.contains("weights") || !j["weights"].is_object()) return "";
    const Json& modules = j["weights"].value("modules", Json::array());
    if (modules.empty() || modules[0].contains("group_error")) return "";
    return "the report was written without its drill-down (verify --json prints none; --report writes it)";
}

std::optional<std::string> readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Merges the sidecar named by `j` (next to `reportPath`) into `j`; returns why not ("" when merged).
std::string loadSidecar(Json& j, const std::string& reportPath) {
    const std::string name = sidecarName(j);
    const std::filesystem::path path = std::filesystem::path(reportPath).parent_path() / name;
    auto text = readText(path.string());
    if (!text) return "the drill-down file " + path.string() + " is missing";
    if (drilldown::fnv1a64(*text) != j["drilldown"].value("fnv1a64", std::string())) {
        return "the drill-down file " + path.string() + " belongs to another report (its hash differs)";
    }
    const Json sidecar = Json::parse(*text, nullptr, false);
    if (sidecar.is_discarded()) return "the drill-down file " + path.string() + " is not JSON";
    const std::string problem = drilldown::merge(j, sidecar);
    return problem.empty() ? "" : "the drill-down file " + path.string() + ": " + problem;
}

}  // namespace

std::string reportToJson(const VerifyReport& report) {
    return dumped(reportTree(report), 1);
}

std::string configDiffToJson(const ConfigDiff& diff) {
    Json j{{"schema_version", kConfigDiffSchemaVersion}};
    j.update(enc(diff));
    return j.dump(1);
}

ReportFiles reportFiles(const VerifyReport& report, const std::string& reportPath) {
    Json j = reportTree(report);
    Json sidecar = drilldown::split(j);
    ReportFiles files;
    if (!reportPath.empty() && report.weights) {
        files.drilldownPath = drilldown::sidecarPath(reportPath);
        files.drilldown = dumped(sidecar, -1) + "\n";
        j["drilldown"] = Json{{"file", std::filesystem::path(files.drilldownPath).filename().string()},
                              {"fnv1a64", drilldown::fnv1a64(files.drilldown)},
                              {"modules", sidecar["weights"].size()}};
    }
    files.report = dumped(j, 1);
    return files;
}

Result<VerifyReport> reportFromJson(std::string_view json, const std::string& sourceName) {
    const Json j = Json::parse(json, nullptr, false);
    if (j.is_discarded()) return makeError(ErrorCode::InvalidInput, sourceName + ": not a QuantLens report: not JSON");
    const std::string name = sidecarName(j);
    return reportFromTree(j, sourceName, name.empty() ? noDrilldown(j) : "the drill-down is in " + name + ", not read");
}

Status writeReportJson(const VerifyReport& report, const std::string& path) {
    const ReportFiles files = reportFiles(report, path);
    if (!files.drilldownPath.empty()) {
        if (auto s = writeFileAtomically(files.drilldownPath, files.drilldown); !s) return s;
    }
    auto s = writeFileAtomically(path, files.report + "\n");
    if (!s && !files.drilldownPath.empty()) std::remove(files.drilldownPath.c_str());
    return s;
}

Result<VerifyReport> readReportJson(const std::string& path, bool drilldown) {
    auto text = readText(path);
    if (!text) return makeError(ErrorCode::NotFound, path + ": cannot open the report");
    Json j = Json::parse(*text, nullptr, false);
    if (j.is_discarded()) return makeError(ErrorCode::InvalidInput, path + ": not a QuantLens report: not JSON");
    std::string problem = noDrilldown(j);
    if (!sidecarName(j).empty()) problem = drilldown ? loadSidecar(j, path) : "the drill-down was not read";
    return reportFromTree(j, path, std::move(problem));
}

}  // namespace ql
