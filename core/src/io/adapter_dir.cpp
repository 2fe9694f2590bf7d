// Opening a PEFT adapter directory and checking an adapter against its base model.
#include <map>

#include "io/adapter_module.h"
#include "io/json_fields.h"
#include "quantlens/checkpoint.h"

namespace ql {
namespace {

namespace fs = std::filesystem;

Result<fs::path> adapterDirectory(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        return makeError(ErrorCode::NotFound, path.string() + ": no such file or directory");
    }
    if (fs::is_directory(path, ec)) {
        return path;
    }
    if (path.filename() == "adapter_model.safetensors" || path.filename() == "adapter_config.json") {
        return path.parent_path().empty() ? fs::path(".") : path.parent_path();
    }
    return makeError(
        ErrorCode::InvalidInput,
        path.string() + ": expected a PEFT adapter directory (adapter_config.json + adapter_model.safetensors)");
}

Result<SafetensorsFile> openAdapterWeights(const fs::path& dir) {
    std::error_code ec;
    const fs::path file = dir / "adapter_model.safetensors";
    if (fs::exists(file, ec)) {
        return SafetensorsFile::openFile(file);
    }
    if (fs::exists(dir / "adapter_model.bin", ec)) {
        return makeError(ErrorCode::Unsupported,
                         (dir / "adapter_model.bin").string() +
                             ": pickle adapters are never unpickled; expected adapter_model.safetensors (convert with "
                             "PeftModel.from_pretrained(...).save_pretrained(dir, safe_serialization=True))");
    }
    return makeError(ErrorCode::NotFound, file.string() + ": file not found (expected the adapter weights)");
}

std::string listNames(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < 3; ++i) {
        out += (i ? ", " : "") + names[i];
    }
    if (names.size() > 3) {
        out += ", ... (" + std::to_string(names.size()) + " in all)";
    }
    return out;
}

}  // namespace

Result<LoraAdapter> openLoraAdapter(const fs::path& path) {
    auto dir = adapterDirectory(path);
    if (!dir) {
        return dir.error();
    }
    const fs::path configPath = *dir / "adapter_config.json";
    auto text = detail::readTextFile(configPath);
    if (!text) {
        return text.error();
    }
    auto config = parseLoraConfig(*text, configPath.string());
    if (!config) {
        return config.error();
    }
    auto weights = openAdapterWeights(*dir);
    if (!weights) {
        return weights.error();
    }
    LoraAdapter adapter;
    adapter.directory = *dir;
    adapter.config = std::move(*config);
    adapter.weights = std::move(*weights);
    auto grouped = detail::groupAdapterKeys(adapter.weights);
    if (!grouped) {
        return grouped.error();
    }
    const std::string& file = adapter.weights.sourceName();
    for (const auto& [name, pieces] : grouped->modules) {
        auto module = detail::buildLoraModule(name, pieces, adapter.config, file);
        if (!module) {
            return module.error();
        }
        adapter.modules.push_back(std::move(*module));
    }
    adapter.extras = std::move(grouped->extras);
    if (adapter.modules.empty() && adapter.extras.empty()) {
        return makeError(ErrorCode::InvalidInput,
                         file + ": expected LoRA tensors (<module>.lora_A.weight ...), got none");
    }
    return adapter;
}

Status checkAdapterAgainstBase(const LoraAdapter& adapter, std::span<const ParameterShape> base) {
    std::map<std::string, const ParameterShape*, std::less<>> byName;
    for (const auto& p : base) {
        byName.emplace(p.name, &p);
    }
    std::vector<std::string> missing;
    const bool tiedHead = !byName.contains("lm_head.weight") && byName.contains("model.embed_tokens.weight");
    for (const auto& m : adapter.modules) {
        const auto it = byName.find(m.name + ".weight");
        if (it == byName.end() && m.name == "lm_head" && tiedHead) {
            return makeError(
                ErrorCode::Unsupported,
                adapter.weights.sourceName() +
                    ": the adapter adapts lm_head, which this base model ties to "
                    "model.embed_tokens (tie_word_embeddings, no lm_head.weight): a LoRA on a tied lm_head is "
                    "not supported (unmerged it adapts the output projection only; merged it would change the "
                    "shared embedding too); train without lm_head in target_modules, or untie the embeddings");
        }
        if (it == byName.end()) {
            missing.push_back(m.name);
            continue;
        }
        const auto& shape = it->second->shape;
        const bool linear = m.kind == LoraModuleKind::Linear;
        const std::vector<std::int64_t> want =
            linear ? std::vector{m.outFeatures, m.inFeatures} : std::vector{m.inFeatures, m.outFeatures};
        if (!shape.empty() && shape != want) {
            return makeError(ErrorCode::InvalidInput, adapter.weights.sourceName() + ": module '" + m.name +
                                                          "': the adapter expects a base weight " + formatShape(want) +
                                                          " (" + (linear ? "[out, in]" : "[num_embeddings, dim]") +
                                                          " from lora_A/lora_B), the base model has " +
                                                          formatShape(shape));
        }
    }
    const bool hasEmbed = byName.contains("model.embed_tokens.weight");
    for (const auto& e : adapter.extras) {
        if (!byName.contains(e.baseName) && !(e.baseName == "lm_head.weight" && hasEmbed)) {
            missing.push_back(e.baseName);
        }
    }
    if (!missing.empty()) {
        return makeError(ErrorCode::NotFound, adapter.weights.sourceName() + ": the base model has no module(s) " +
                                                  listNames(missing) + " that the adapter adapts");
    }
    return Ok{};
}

Status checkAdapterAgainstCheckpoint(const LoraAdapter& adapter, const Checkpoint& base) {
    const auto params = checkpointParameters(base);
    return checkAdapterAgainstBase(adapter, params);
}

}  // namespace ql
