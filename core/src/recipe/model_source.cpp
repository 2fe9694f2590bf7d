// Where a recipe's model and adapter really are (see model_source.h).
#include "recipe/model_source.h"

#include <quantlens/adapter.h>
#include <quantlens/hub_cache.h>
#include <quantlens/trainer_state.h>

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "recipe/parse_failure.h"
#include "recipe/text_file.h"

namespace ql::recipe {

namespace {

namespace fs = std::filesystem;

bool isFolder(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

bool pathExists(const fs::path& p) {
    std::error_code ec;
    return fs::exists(p, ec);
}

std::string joined(const std::vector<std::int64_t>& steps) {
    std::string out;
    for (auto s : steps) out += (out.empty() ? "" : ", ") + std::to_string(s);
    return out;
}

// A hub id resolved in the cache, or a ParseFailure that says where else the model was looked for.
void fromHub(Recipe& r, const std::string& repoId, const std::string& revision, const std::string& field,
             const std::string& alsoTried) {
    auto snapshot = resolveHubSnapshot(repoId, revision, hubCacheLocation());
    if (!snapshot) {
        fail(snapshot.error().code,
             field + ": '" + repoId + "' is not a folder (" + alsoTried + ") and " + snapshot.error().message);
    }
    r.modelDir = snapshot->snapshotDir.string();
    r.modelSource.hubRepoId = snapshot->repoId;
    r.modelSource.hubRevision = snapshot->revision;
    r.modelSource.hubCommit = snapshot->commitHash;
    r.modelSource.hubCache = snapshot->cache.dir.string() + " (" + snapshot->cache.rule + ")";
}

std::int64_t parseStep(const std::string& text, const std::string& field) {
    std::int64_t step = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), step);
    if (ec != std::errc() || end != text.data() + text.size() || step < 0) {
        failInput(field + ": expected a checkpoint number N (of checkpoint-N), 'latest' or 'best', got '" + text + "'");
    }
    return step;
}

// trainer_state.json's best_model_checkpoint of the latest checkpoint, as a step N.
std::int64_t bestStep(const std::vector<TrainerCheckpointEntry>& found, const std::string& field) {
    const fs::path stateFile = found.back().directory / "trainer_state.json";
    auto state = loadTrainerState(stateFile);
    if (!state) fail(state.error().code, field + ": 'best' needs " + state.error().message);
    const std::string leaf = fs::path(state->bestModelCheckpoint).filename().string();
    if (state->bestModelCheckpoint.empty() || !leaf.starts_with("checkpoint-")) {
        failInput(field + ": 'best': " + stateFile.string() +
                  " has no best_model_checkpoint (set metric_for_best_model / load_best_model_at_end when training)");
    }
    return parseStep(leaf.substr(11), field + " (best_model_checkpoint '" + state->bestModelCheckpoint + "')");
}

void chooseCheckpoint(AdapterSpec& spec, const std::vector<TrainerCheckpointEntry>& found,
                      const std::string& checkpoint, const std::string& field) {
    CheckpointChoice choice;
    choice.outputDir = spec.path;
    for (const auto& e : found) choice.available.push_back(e.step);
    std::int64_t step = found.back().step;
    if (checkpoint.empty() || checkpoint == "latest") {
        // An interrupted save leaves a checkpoint-N without its adapter: the latest complete one is meant.
        const auto complete = std::find_if(found.rbegin(), found.rend(), [](const auto& e) {
            std::error_code ec;
            return fs::exists(e.directory / "adapter_config.json", ec);
        });
        choice.rule = "latest by global step";
        if (complete != found.rend() && complete != found.rbegin()) {
            step = complete->step;
            choice.rule = "latest complete by global step (checkpoint-" + std::to_string(found.back().step) +
                          " has no adapter_config.json)";
        }
    } else if (checkpoint == "best") {
        step = bestStep(found, field);
        choice.rule =
            "best (best_model_checkpoint of checkpoint-" + std::to_string(found.back().step) + "/trainer_state.json)";
    } else {
        step = parseStep(checkpoint, field);
        choice.rule = "checkpoint: " + checkpoint + " in the recipe";
    }
    const auto it = std::find_if(found.begin(), found.end(), [step](const auto& e) { return e.step == step; });
    if (it == found.end()) {
        fail(ErrorCode::NotFound, field + ": " + spec.path + " has no checkpoint-" + std::to_string(step) +
                                      " (found: " + joined(choice.available) + ")");
    }
    choice.step = step;
    spec.path = it->directory.string();
    spec.checkpoint = std::move(choice);
}

}  // namespace

void resolveModel(Recipe& r, const std::string& written, const std::string& revision, const std::string& baseDir,
                  const std::string& field) {
    const fs::path p(written);
    const fs::path local = p.is_absolute() || baseDir.empty() ? p : (fs::path(baseDir) / p).lexically_normal();
    r.modelSource.requested = written;
    if (r.modelSource.origin.empty()) r.modelSource.origin = "recipe";
    // Only "org/name" reads as a hub id: a bare name ("tiny") stays a (relative) folder.
    const bool hubShaped = written.find('/') != std::string::npos && looksLikeHubRepoId(written);
    if (pathExists(local) || !hubShaped) {
        if (!revision.empty()) {
            failInput(field + ": revision '" + revision + "' applies to hub ids only, but '" + written +
                      "' is a folder");
        }
        r.modelDir = local.string();
        return;
    }
    fromHub(r, written, revision, field, "no " + local.string());
}

namespace {

void chooseFolder(AdapterSpec& spec, const std::string& checkpoint, const std::string& adapterField) {
    const std::string pathField = adapterField + ".path";
    const std::string field = adapterField + ".checkpoint";
    const fs::path dir(spec.path);
    if (!isFolder(dir)) {
        if (!checkpoint.empty()) fail(ErrorCode::NotFound, pathField + ": " + spec.path + ": no such folder");
        return;  // a file (adapter_model.safetensors) or a missing path: opened, and reported, at load time
    }
    const bool isAdapter = pathExists(dir / "adapter_config.json") || pathExists(dir / "adapter_model.safetensors") ||
                           pathExists(dir / "adapter_model.bin");
    const auto found = listTrainerCheckpoints(dir);
    if (found.empty()) {
        if (!checkpoint.empty()) {
            failInput(field + ": " + spec.path + " has no checkpoint-N folders to pick checkpoint '" + checkpoint +
                      "' from");
        }
        if (!isAdapter) {
            failInput(pathField + ": " + spec.path +
                      ": expected a PEFT adapter folder (adapter_config.json) or a Trainer "
                      "output folder (checkpoint-N/ sub-folders), found neither");
        }
        return;
    }
    if (isAdapter && checkpoint.empty()) return;  // the final adapter the Trainer saved next to its checkpoints
    chooseCheckpoint(spec, found, checkpoint, field);
}

}  // namespace

void resolveAdapterFolder(AdapterSpec& spec, const std::string& checkpoint, const std::string& adapterField) {
    chooseFolder(spec, checkpoint, adapterField);
    const fs::path state = fs::path(spec.path) / "trainer_state.json";
    if (isFolder(spec.path) && pathExists(state)) {
        if (auto parsed = loadTrainerState(state)) spec.globalStep = parsed->globalStep;  // unreadable: stays unknown
    }
    if (!spec.globalStep && spec.checkpoint) spec.globalStep = spec.checkpoint->step;
}

void resolveModelFromAdapter(Recipe& r, const std::string& field) {
    const fs::path dir(r.adapter->path);
    const fs::path configFile = (isFolder(dir) ? dir : dir.parent_path()) / "adapter_config.json";
    const auto text = readTextFileOrFail(configFile.string(),
                                         "adapter config (the recipe has no model:, so the "
                                         "adapter must name its base)");
    auto config = parseLoraConfig(text, configFile.string());
    if (!config) throw ParseFailure{config.error()};
    const std::string& base = config->baseModelNameOrPath;
    if (base.empty()) {
        failInput(field + ": missing, and " + configFile.string() +
                  " has no base_model_name_or_path: add model: to the recipe");
    }
    r.modelSource.origin = "adapter_config.json base_model_name_or_path (" + configFile.string() + ")";
    const fs::path p(base);
    if (p.is_absolute()) {
        if (!isFolder(p)) {
            fail(ErrorCode::NotFound, configFile.string() + ": base_model_name_or_path '" + base +
                                          "': no such folder; add model: to the recipe");
        }
        r.modelSource.requested = base;
        r.modelDir = p.string();
        return;
    }
    const fs::path relative = (configFile.parent_path() / p).lexically_normal();
    if (isFolder(relative) || !looksLikeHubRepoId(base) || base.find('/') == std::string::npos) {
        if (!isFolder(relative)) {
            fail(ErrorCode::NotFound, configFile.string() + ": base_model_name_or_path '" + base + "': no folder " +
                                          relative.string() +
                                          " (relative to the adapter folder); add model: to the recipe");
        }
        r.modelSource.requested = base;
        r.modelDir = relative.string();
        return;
    }
    r.modelSource.requested = base;
    fromHub(r, base, config->revision, configFile.string() + ": base_model_name_or_path",
            "no " + relative.string() + "; add model: to the recipe to use another base");
}

}  // namespace ql::recipe
