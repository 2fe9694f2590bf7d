// inspectPath: classify the path, run the readers, and tabulate tensors and modules.
#include "quantlens/inspect.h"

#include <algorithm>
#include <map>

#include "io/torchao_names.h"
#include "quantlens/checkpoint.h"
#include "quantlens/torchao_checkpoint.h"

namespace ql {
namespace {

namespace fs = std::filesystem;

InspectTensorRow tensorRow(const TensorInfo& t, std::string file) {
    return {t.name, t.dtype, t.shape, t.byteSize(), std::move(file)};
}

void addTotals(InspectReport& report) {
    std::map<DType, InspectDTypeTotal> perDtype;
    for (const auto& t : report.tensors) {
        std::uint64_t numel = 1;
        for (const auto d : t.shape) {
            numel *= static_cast<std::uint64_t>(d);
        }
        report.totalElements += numel;
        report.totalBytes += t.bytes;
        auto& total = perDtype[t.dtype];
        total.dtype = t.dtype;
        total.elements += numel;
        total.bytes += t.bytes;
    }
    for (const auto& [dtype, total] : perDtype) {
        report.perDtype.push_back(total);
    }
}

// Module rows from "<m>.weight" 2-D tensors and torchao "<m>.weight:qdata" tensors.
void addWeightRow(std::map<std::string, InspectModuleRow>& rows, const TensorView& view) {
    const std::string& name = view.info->name;
    const auto colon = name.find(':');
    const std::string param = colon == std::string::npos ? name : name.substr(0, colon);
    const bool quantized = colon != std::string::npos;
    if (!param.ends_with(".weight") || (!quantized && view.info->shape.size() != 2)) {
        return;
    }
    auto& row = rows[param.substr(0, param.size() - 7)];
    row.name = param.substr(0, param.size() - 7);
    row.bytes += view.info->byteSize();
    if (quantized && name.compare(colon + 1, std::string::npos, "qdata") != 0) {
        return;
    }
    row.dtype = view.info->dtype;
    auto shape = view.info->shape;
    if (quantized) {
        const auto meta = detail::torchaoTensorMeta(*view.file, param);
        row.quantization = "torchao " + (meta.type.empty() ? std::string("tensor subclass") : meta.type);
        shape = meta.shape;
    }
    if (shape.size() == 2) {
        row.outFeatures = shape[0];
        row.inFeatures = shape[1];
    }
}

// Flattened torchao weights ("<m>._weight_qdata" + metadata "<m>.weight"): one row per module.
void addTorchaoRows(InspectReport& report, std::map<std::string, InspectModuleRow>& rows,
                    const Checkpoint& checkpoint) {
    auto parsed = readTorchaoCheckpoint(checkpoint);
    if (!parsed) {
        report.notes.push_back("torchao weights not listed: " + parsed.error().message);
        return;
    }
    for (const auto& w : parsed->weights) {
        if (w.layout != TorchaoLayout::Flattened || !w.parameter.ends_with(".weight")) {
            continue;  // the colon layout is tabulated by addWeightRow
        }
        auto& row = rows[w.module];
        row.name = w.module;
        row.bytes += w.bytes();
        row.dtype = w.component("qdata")->view.info->dtype;
        row.quantization = "torchao " + w.type + (w.blockSize.empty() ? "" : " block " + formatShape(w.blockSize));
        if (w.shape.size() == 2) {
            row.outFeatures = w.shape[0];
            row.inFeatures = w.shape[1];
        }
    }
}

void addModules(InspectReport& report, const Checkpoint& checkpoint) {
    std::map<std::string, InspectModuleRow> rows;
    for (const auto& view : checkpoint.tensors()) {
        addWeightRow(rows, view);
    }
    if (hasTorchaoTensors(checkpoint)) {
        report.torchaoTensorsFound = true;
        addTorchaoRows(report, rows, checkpoint);
    }
    for (const auto& view : checkpoint.tensors()) {
        const std::string& name = view.info->name;
        const auto it = name.ends_with(".bias") ? rows.find(name.substr(0, name.size() - 5)) : rows.end();
        if (it != rows.end()) {
            it->second.hasBias = true;
            it->second.bytes += view.info->byteSize();
        }
    }
    for (auto& [name, row] : rows) {
        report.modules.push_back(std::move(row));
    }
}

void addCheckpoint(InspectReport& report, const Checkpoint& checkpoint) {
    for (const auto& view : checkpoint.tensors()) {
        report.tensors.push_back(tensorRow(*view.info, checkpoint.fileNameOf(view)));
        if (view.info->name.find(':') != std::string::npos) {
            report.torchaoTensorsFound = true;
        }
    }
    addModules(report, checkpoint);
}

Status inspectModelDir(InspectReport& report, const fs::path& dir) {
    auto checkpoint = Checkpoint::open(dir);
    if (!checkpoint) {
        return checkpoint.error();
    }
    std::error_code ec;
    if (fs::exists(dir / "config.json", ec)) {
        auto config = loadModelConfig(dir / "config.json");
        if (!config) {
            return config.error();
        }
        if (auto s = validateCheckpointAgainstConfig(*checkpoint, *config); !s) {
            return s;
        }
        report.quantizationConfigJson = config->quantizationConfigJson;
        report.config = std::move(*config);
    } else {
        report.notes.push_back("no config.json: tensors listed without a check against the architecture");
    }
    addCheckpoint(report, *checkpoint);
    return Ok{};
}

Status inspectAdapterDir(InspectReport& report, const fs::path& dir, const InspectOptions& options) {
    auto adapter = openLoraAdapter(dir);
    if (!adapter) {
        return adapter.error();
    }
    if (options.base) {
        auto base = Checkpoint::open(*options.base);
        if (!base) {
            return base.error();
        }
        if (auto s = checkAdapterAgainstCheckpoint(*adapter, *base); !s) {
            return s;
        }
    }
    for (const auto& t : adapter->weights.tensors()) {
        report.tensors.push_back(tensorRow(t, "adapter_model.safetensors"));
    }
    std::sort(report.tensors.begin(), report.tensors.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    report.adapterConfig = adapter->config;
    report.adapterModules = adapter->modules;
    report.adapterExtras = adapter->extras;
    return Ok{};
}

Status inspectTrainerDir(InspectReport& report, const fs::path& dir, const InspectOptions& options) {
    auto trainerDir = detectTrainerCheckpoint(dir);
    if (!trainerDir) {
        return trainerDir.error();
    }
    auto state = loadTrainerState(dir / "trainer_state.json");
    if (!state) {
        return state.error();
    }
    report.trainerDir = *trainerDir;
    report.trainerState = std::move(*state);
    if (trainerDir->hasAdapter) {
        return inspectAdapterDir(report, dir, options);
    }
    if (trainerDir->hasModelWeights) {
        return inspectModelDir(report, dir);
    }
    report.notes.push_back("no adapter_config.json and no model weights in this Trainer checkpoint");
    return Ok{};
}

// A Trainer output folder: list every checkpoint, then inspect the latest one with an adapter or model
// weights (an interrupted save leaves an empty checkpoint-N, listed as incomplete).
Status inspectTrainerOutput(InspectReport& report, const fs::path& dir, const InspectOptions& options) {
    report.trainerCheckpoints = summarizeTrainerCheckpoints(dir);
    const TrainerCheckpointSummary* complete = nullptr;
    for (const auto& c : report.trainerCheckpoints) {
        if (c.hasAdapter || c.hasModelWeights) complete = &c;
    }
    if (!complete) {
        report.notes.push_back("no checkpoint-N holds an adapter or model weights: nothing to inspect");
        return Ok{};
    }
    if (complete != &report.trainerCheckpoints.back()) {
        report.notes.push_back("inspected " + complete->directory.filename().string() +
                               ", the latest complete checkpoint");
    }
    const fs::path latest = complete->directory;
    report.inspectedCheckpoint = latest;
    std::error_code ec;
    if (fs::exists(latest / "trainer_state.json", ec)) return inspectTrainerDir(report, latest, options);
    if (fs::exists(latest / "adapter_config.json", ec)) return inspectAdapterDir(report, latest, options);
    return inspectModelDir(report, latest);
}

Result<InspectKind> classify(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        return makeError(ErrorCode::NotFound, path.string() + ": no such file or directory");
    }
    if (!fs::is_directory(path, ec)) {
        if (path.extension() == ".safetensors") {
            return InspectKind::SafetensorsFile;
        }
        return makeError(ErrorCode::InvalidInput,
                         path.string() + ": expected a checkpoint/adapter directory or a .safetensors file");
    }
    if (fs::exists(path / "trainer_state.json", ec)) {
        return InspectKind::TrainerCheckpoint;
    }
    if (fs::exists(path / "adapter_config.json", ec) || fs::exists(path / "adapter_model.safetensors", ec) ||
        fs::exists(path / "adapter_model.bin", ec)) {
        return InspectKind::Adapter;
    }
    const bool hasModel = fs::exists(path / "config.json", ec) || fs::exists(path / "model.safetensors", ec) ||
                          fs::exists(path / "model.safetensors.index.json", ec);
    if (!hasModel && !listTrainerCheckpoints(path).empty()) {
        return InspectKind::TrainerOutput;
    }
    return InspectKind::ModelCheckpoint;
}

Status inspectInto(InspectReport& report, const InspectOptions& options) {
    switch (report.kind) {
        case InspectKind::ModelCheckpoint:
            return inspectModelDir(report, report.path);
        case InspectKind::Adapter:
            return inspectAdapterDir(report, report.path, options);
        case InspectKind::TrainerCheckpoint:
            return inspectTrainerDir(report, report.path, options);
        case InspectKind::TrainerOutput:
            return inspectTrainerOutput(report, report.path, options);
        case InspectKind::SafetensorsFile: {
            auto checkpoint = Checkpoint::open(report.path);
            if (!checkpoint) {
                return checkpoint.error();
            }
            addCheckpoint(report, *checkpoint);
            return Ok{};
        }
    }
    return makeError(ErrorCode::Internal, "inspect: unknown kind");
}

}  // namespace

namespace {
struct InspectKindNames {
    InspectKind kind;
    const char* id;
    const char* display;
};
constexpr InspectKindNames kInspectKinds[] = {
    {InspectKind::ModelCheckpoint, "model_checkpoint", "model checkpoint"},
    {InspectKind::Adapter, "adapter", "adapter"},
    {InspectKind::TrainerCheckpoint, "trainer_checkpoint", "trainer checkpoint"},
    {InspectKind::SafetensorsFile, "safetensors_file", "safetensors file"},
    {InspectKind::TrainerOutput, "trainer_output", "trainer output folder"}};
}  // namespace

const char* inspectKindName(InspectKind kind) {
    for (const auto& n : kInspectKinds) {
        if (n.kind == kind) return n.display;
    }
    return "unknown";
}

const char* inspectKindId(InspectKind kind) {
    for (const auto& n : kInspectKinds) {
        if (n.kind == kind) return n.id;
    }
    return "unknown";
}

namespace {

// A PATH that does not exist but reads as "org/name" is looked up in the Hugging Face cache.
Result<std::optional<HubSnapshot>> hubSnapshotFor(const fs::path& path, const InspectOptions& options) {
    std::error_code ec;
    const std::string text = path.string();
    if (fs::exists(path, ec) || text.find('/') == std::string::npos || !looksLikeHubRepoId(text)) {
        if (!options.revision.empty()) {
            return makeError(ErrorCode::InvalidInput, "--revision " + options.revision +
                                                          ": applies to hub ids only, but '" + text +
                                                          "' is not one (or is an existing path)");
        }
        return std::optional<HubSnapshot>();
    }
    auto snapshot = resolveHubSnapshot(text, options.revision, hubCacheLocation());
    if (!snapshot) {
        return makeError(snapshot.error().code,
                         "'" + text + "' is no such file or directory, and " + snapshot.error().message);
    }
    return std::optional<HubSnapshot>(std::move(*snapshot));
}

}  // namespace

Result<InspectReport> inspectPath(const fs::path& requested, const InspectOptions& options) {
    try {
        auto hub = hubSnapshotFor(requested, options);
        if (!hub) {
            return hub.error();
        }
        const fs::path path = *hub ? (*hub)->snapshotDir : requested;
        auto kind = classify(path);
        if (!kind) {
            return kind.error();
        }
        InspectReport report;
        report.kind = *kind;
        report.path = path;
        report.hub = std::move(*hub);
        if (auto s = inspectInto(report, options); !s) {
            return s.error();
        }
        addTotals(report);
        return report;
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, requested.string() + ": inspect failed: " + e.what());
    }
}

}  // namespace ql
