// trainer_state.json (transformers/trainer_callback.py TrainerState) and Trainer checkpoint-N directories.
#include "quantlens/trainer_state.h"

#include <algorithm>
#include <set>

#include "io/json_fields.h"

namespace ql {
namespace {

namespace fs = std::filesystem;
using detail::FieldReader;
using detail::OrderedJson;

Result<TrainerLogEntry> readLogEntry(const OrderedJson& item, std::size_t index, const std::string& src) {
    const std::string where = src + ": log_history[" + std::to_string(index) + "]";
    if (!item.is_object()) {
        return makeError(ErrorCode::InvalidInput, where + ": expected an object, got " + detail::describeJson(item));
    }
    TrainerLogEntry entry;
    for (const auto& [key, value] : item.items()) {
        if (auto number = detail::jsonNumber(value)) {
            entry.values.emplace(key, *number);
        }
    }
    FieldReader r(item, src, "log_history[" + std::to_string(index) + "].");
    entry.step = r.optInt("step");
    entry.epoch = r.optNumber("epoch");
    if (r.error()) {
        return *r.error();
    }
    return entry;
}

void readOptional(FieldReader& r, TrainerState& s) {
    s.loggingSteps = r.optInt("logging_steps");
    s.evalSteps = r.optInt("eval_steps");
    s.saveSteps = r.optInt("save_steps");
    s.trainBatchSize = r.optInt("train_batch_size");
    s.numTrainEpochs = r.optNumber("num_train_epochs");
    s.bestMetric = r.optNumber("best_metric");
    s.bestGlobalStep = r.optInt("best_global_step");
    s.bestModelCheckpoint = r.stringOr("best_model_checkpoint", "");
    s.totalFlos = r.optNumber("total_flos");
}

}  // namespace

std::optional<double> TrainerLogEntry::get(std::string_view key) const {
    const auto it = values.find(std::string(key));
    return it == values.end() ? std::nullopt : std::optional<double>(it->second);
}

bool TrainerLogEntry::isEval() const {
    return std::any_of(values.begin(), values.end(), [](const auto& kv) { return kv.first.starts_with("eval_"); });
}

bool TrainerLogEntry::isTrainSummary() const {
    return values.contains("train_runtime");
}

std::vector<std::pair<std::int64_t, double>> TrainerState::series(std::string_view key) const {
    std::vector<std::pair<std::int64_t, double>> out;
    for (const auto& e : logHistory) {
        const auto v = e.get(key);
        if (v && e.step) {
            out.emplace_back(*e.step, *v);
        }
    }
    return out;
}

std::vector<std::string> TrainerState::metricNames() const {
    std::set<std::string> names;
    for (const auto& e : logHistory) {
        for (const auto& kv : e.values) {
            names.insert(kv.first);
        }
    }
    return {names.begin(), names.end()};
}

std::optional<double> TrainerState::lastValue(std::string_view key) const {
    for (auto it = logHistory.rbegin(); it != logHistory.rend(); ++it) {
        if (auto v = it->get(key)) {
            return v;
        }
    }
    return std::nullopt;
}

Result<TrainerState> parseTrainerState(std::string_view jsonText, const std::string& sourceName) {
    auto json = detail::parseJsonObject(jsonText, sourceName, /*allowNonFinite=*/true);
    if (!json) {
        return json.error();
    }
    FieldReader r(*json, sourceName);
    TrainerState s;
    s.globalStep = r.requireInt("global_step");
    s.epoch = r.numberOr("epoch", 0.0);
    s.maxSteps = r.intOr("max_steps", 0);
    readOptional(r, s);
    if (r.error()) {
        return *r.error();
    }
    if (s.globalStep < 0) {
        return makeError(
            ErrorCode::InvalidInput,
            sourceName + ": field 'global_step': expected a non-negative integer, got " + std::to_string(s.globalStep));
    }
    const OrderedJson* history = r.get("log_history");
    if (history != nullptr && !history->is_array()) {
        return makeError(
            ErrorCode::InvalidInput,
            sourceName + ": field 'log_history': expected a list of objects, got " + detail::describeJson(*history));
    }
    for (std::size_t i = 0; history != nullptr && i < history->size(); ++i) {
        auto entry = readLogEntry((*history)[i], i, sourceName);
        if (!entry) {
            return entry.error();
        }
        s.logHistory.push_back(std::move(*entry));
    }
    return s;
}

Result<TrainerState> loadTrainerState(const fs::path& path) {
    std::error_code ec;
    const fs::path file = fs::is_directory(path, ec) ? path / "trainer_state.json" : path;
    auto text = detail::readTextFile(file);
    if (!text) {
        return text.error();
    }
    return parseTrainerState(*text, file.string());
}

Result<TrainerCheckpointDir> detectTrainerCheckpoint(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        return makeError(ErrorCode::NotFound, dir.string() + ": not a directory");
    }
    if (!fs::exists(dir / "trainer_state.json", ec)) {
        return makeError(ErrorCode::NotFound, dir.string() + ": no trainer_state.json (not a Trainer checkpoint)");
    }
    TrainerCheckpointDir d;
    d.directory = dir;
    d.hasTrainerState = true;
    d.hasAdapter = fs::exists(dir / "adapter_config.json", ec);
    d.hasModelWeights =
        fs::exists(dir / "model.safetensors", ec) || fs::exists(dir / "model.safetensors.index.json", ec);
    d.hasOptimizer = fs::exists(dir / "optimizer.pt", ec);
    d.hasScheduler = fs::exists(dir / "scheduler.pt", ec);
    d.hasTrainingArgs = fs::exists(dir / "training_args.bin", ec);
    const std::string name = fs::absolute(dir, ec).lexically_normal().filename().string();
    const std::string leaf =
        name.empty() ? fs::absolute(dir, ec).lexically_normal().parent_path().filename().string() : name;
    if (leaf.starts_with("checkpoint-") && leaf.size() > 11 &&
        std::all_of(leaf.begin() + 11, leaf.end(), [](char c) { return c >= '0' && c <= '9'; }) && leaf.size() < 30) {
        d.stepFromName = std::stoll(leaf.substr(11));
    }
    return d;
}

std::vector<TrainerCheckpointEntry> listTrainerCheckpoints(const fs::path& outputDir) {
    std::vector<TrainerCheckpointEntry> out;
    std::error_code ec;
    if (!fs::is_directory(outputDir, ec)) return out;
    for (auto it = fs::directory_iterator(outputDir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const std::string digits = name.starts_with("checkpoint-") ? name.substr(11) : std::string();
        // Python's \d also matches non-ASCII digits; Trainer only writes ASCII ones. 18 digits fit int64.
        if (digits.empty() || digits.size() > 18 ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            continue;
        }
        if (!it->is_directory(ec)) continue;
        out.push_back({std::stoll(digits), it->path()});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.step != b.step ? a.step < b.step : a.directory < b.directory;
    });
    return out;
}

namespace {

void summarizeState(const TrainerState& state, TrainerCheckpointSummary& s) {
    s.globalStep = state.globalStep;
    s.epoch = state.epoch;
    s.bestMetric = state.bestMetric;
    s.bestModelCheckpoint = state.bestModelCheckpoint;
    for (const auto& entry : state.logHistory) {
        if (entry.step && *entry.step > state.globalStep) continue;
        if (auto loss = entry.get("loss")) s.loss = loss;
        for (const auto& [key, value] : entry.values) {
            if (key.starts_with("eval_")) s.evalMetrics[key] = value;
        }
    }
}

}  // namespace

std::vector<TrainerCheckpointSummary> summarizeTrainerCheckpoints(const fs::path& outputDir) {
    std::vector<TrainerCheckpointSummary> out;
    for (const auto& entry : listTrainerCheckpoints(outputDir)) {
        TrainerCheckpointSummary s;
        s.step = entry.step;
        s.directory = entry.directory;
        std::error_code ec;
        s.hasAdapter = fs::exists(entry.directory / "adapter_config.json", ec);
        s.hasModelWeights = fs::exists(entry.directory / "model.safetensors", ec) ||
                            fs::exists(entry.directory / "model.safetensors.index.json", ec);
        if (!s.hasAdapter && !s.hasModelWeights) {
            s.problem = "incomplete: no adapter_config.json and no model weights (an interrupted save?)";
        } else if (!fs::exists(entry.directory / "trainer_state.json", ec)) {
            s.problem = "no trainer_state.json";
        } else if (auto state = loadTrainerState(entry.directory / "trainer_state.json"); state) {
            summarizeState(*state, s);
        } else {
            s.problem = state.error().message;
        }
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace ql
