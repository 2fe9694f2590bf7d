// trainer_state.json of the HF Trainer / TRL trainers and Trainer checkpoint directories
// (transformers/trainer_callback.py TrainerState). Parsing is lenient about absent fields (old Trainer versions) and
// accepts the non-standard literals NaN, Infinity and -Infinity that Python's json writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quantlens/result.h"

namespace ql {

// One log_history entry. Every numeric key lands in `values` (loss, learning_rate, grad_norm,
// eval_loss, eval_<metric>, train_runtime, ...), including "step" and "epoch".
struct TrainerLogEntry {
    std::optional<std::int64_t> step;  // "step"
    std::optional<double> epoch;       // "epoch"
    std::map<std::string, double> values;

    std::optional<double> get(std::string_view key) const;
    bool isEval() const;          // has a key starting with "eval_"
    bool isTrainSummary() const;  // has "train_runtime" (the final entry)
};

struct TrainerState {
    std::int64_t globalStep = 0;                 // global_step
    double epoch = 0.0;                          // epoch (0 when null)
    std::int64_t maxSteps = 0;                   // max_steps
    std::optional<std::int64_t> loggingSteps;    // logging_steps
    std::optional<std::int64_t> evalSteps;       // eval_steps
    std::optional<std::int64_t> saveSteps;       // save_steps
    std::optional<std::int64_t> trainBatchSize;  // train_batch_size
    std::optional<double> numTrainEpochs;        // num_train_epochs
    std::optional<double> bestMetric;            // best_metric
    std::optional<std::int64_t> bestGlobalStep;  // best_global_step
    std::string bestModelCheckpoint;             // best_model_checkpoint ("" when null)
    std::optional<double> totalFlos;             // total_flos
    std::vector<TrainerLogEntry> logHistory;     // log_history in file order

    // (step, value) of every entry that has `key` and a step, in file order.
    std::vector<std::pair<std::int64_t, double>> series(std::string_view key) const;
    // Every numeric key occurring in log_history, sorted.
    std::vector<std::string> metricNames() const;
    // The last value of `key` in log_history, if any.
    std::optional<double> lastValue(std::string_view key) const;
};

// Errors: InvalidInput naming the source and field (bad JSON, top level not an object,
// global_step not an integer, log_history not a list of objects, ...).
Result<TrainerState> parseTrainerState(std::string_view jsonText, const std::string& sourceName);

// Reads `path`/trainer_state.json when `path` is a directory, else the file itself.
Result<TrainerState> loadTrainerState(const std::filesystem::path& path);

// What a Trainer checkpoint directory (checkpoint-<N>/) contains.
struct TrainerCheckpointDir {
    std::filesystem::path directory;
    std::optional<std::int64_t> stepFromName;  // N of "checkpoint-N"
    bool hasTrainerState = false;              // trainer_state.json
    bool hasAdapter = false;                   // adapter_config.json
    bool hasModelWeights = false;              // model.safetensors or its index (full fine-tune)
    bool hasOptimizer = false;                 // optimizer.pt (never read)
    bool hasScheduler = false;                 // scheduler.pt (never read)
    bool hasTrainingArgs = false;              // training_args.bin (pickle, never read)
};

// Looks at `dir`: a Trainer checkpoint has trainer_state.json. NotFound when `dir` is not a
// directory or has no trainer_state.json.
Result<TrainerCheckpointDir> detectTrainerCheckpoint(const std::filesystem::path& dir);

// One checkpoint-<N> folder of a Trainer output folder.
struct TrainerCheckpointEntry {
    std::int64_t step = 0;  // N
    std::filesystem::path directory;
};

// The checkpoint-<N> sub-folders of a Trainer output folder, ascending by N: transformers'
// trainer_utils.get_last_checkpoint rule (directories whose name fully matches ^checkpoint-(\d+)$;
// the latest is the largest N, which the Trainer names after the global step). Empty when none.
std::vector<TrainerCheckpointEntry> listTrainerCheckpoints(const std::filesystem::path& outputDir);

// The numbers `inspect` shows for one checkpoint of a Trainer output folder.
struct TrainerCheckpointSummary {
    std::int64_t step = 0;  // N of checkpoint-N
    std::filesystem::path directory;
    bool hasAdapter = false;                 // adapter_config.json
    bool hasModelWeights = false;            // model.safetensors or its index
    std::optional<std::int64_t> globalStep;  // trainer_state.json global_step
    std::optional<double> epoch;
    std::optional<double> loss;                 // last "loss" logged at or before global_step
    std::map<std::string, double> evalMetrics;  // last value of every "eval_*" key
    std::optional<double> bestMetric;
    std::string bestModelCheckpoint;
    std::string problem;  // why trainer_state.json could not be read ("" when it was)
};

// Summaries of every checkpoint-N of `outputDir`; a checkpoint whose trainer_state.json is missing
// or malformed gets `problem` set instead of failing the listing.
std::vector<TrainerCheckpointSummary> summarizeTrainerCheckpoints(const std::filesystem::path& outputDir);

}  // namespace ql
