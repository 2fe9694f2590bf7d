// readTorchaoCheckpoint: collect torchao tensor-subclass weights (flattened or colon layout) and
// validate their components against the metadata (torchao.prototype.safetensors, 0.18).
#include "quantlens/torchao_checkpoint.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "io/torchao_validate.h"

namespace ql {
namespace {

using detail::TorchaoContext;
using nlohmann::json;

// All __metadata__ entries of all files (shards repeat the same map); first occurrence wins.
std::map<std::string, std::string> mergedMetadata(const Checkpoint& checkpoint, std::string& source) {
    std::map<std::string, std::string> merged;
    for (const auto& file : checkpoint.files()) {
        if (source.empty() && file.metadata().contains("tensor_names")) {
            source = file.sourceName();
        }
        merged.insert(file.metadata().begin(), file.metadata().end());
    }
    if (source.empty() && !checkpoint.files().empty()) {
        source = checkpoint.files().front().sourceName();
    }
    return merged;
}

Result<json> parseEntry(const TorchaoContext& ctx, const std::string& key, const std::string& text) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
        return makeError(ErrorCode::InvalidInput,
                         ctx.source + ": __metadata__ entry '" + key + "': expected a JSON object with \"_type\"");
    }
    return j;
}

Status addComponent(const TorchaoContext& ctx, TorchaoWeight& w, const std::string& comp,
                    const std::string& tensorName) {
    auto view = ctx.checkpoint->find(tensorName);
    if (!view) {
        return makeError(ErrorCode::NotFound, ctx.source + ": torchao " + w.type + " '" + w.parameter +
                                                  "': component tensor '" + tensorName + "' (" + comp + ") is missing");
    }
    w.components.push_back({comp, *view});
    return Ok{};
}

// Flattened layout: one "tensor_names" entry.
Status readFlattened(const TorchaoContext& ctx, const std::map<std::string, std::string>& meta,
                     TorchaoCheckpoint& out) {
    json names = json::parse(meta.at("tensor_names"), nullptr, false);
    if (names.is_discarded() || !names.is_array()) {
        return makeError(ErrorCode::InvalidInput,
                         ctx.source + ": __metadata__ \"tensor_names\": expected a JSON list of strings");
    }
    for (const auto& n : names) {
        if (!n.is_string()) {
            return makeError(ErrorCode::InvalidInput,
                             ctx.source + ": __metadata__ \"tensor_names\": expected a JSON list of strings");
        }
        const std::string param = n.get<std::string>();
        const auto it = meta.find(param);
        if (it == meta.end()) {
            return makeError(ErrorCode::InvalidInput, ctx.source + ": \"tensor_names\" lists '" + param +
                                                          "' but __metadata__ has no entry for it");
        }
        auto entry = parseEntry(ctx, param, it->second);
        if (!entry) {
            return entry.error();
        }
        const std::string type = entry->value("_type", std::string());
        if (type == "Tensor") {
            out.plainTensors.push_back(param);
            continue;
        }
        const auto dot = param.rfind('.');
        if (dot == std::string::npos) {
            return makeError(ErrorCode::InvalidInput,
                             ctx.source + ": torchao parameter '" + param + "': expected '<module>.<name>'");
        }
        auto w = detail::torchaoWeightFromEntry(ctx, param, *entry, TorchaoLayout::Flattened);
        if (!w) {
            return w.error();
        }
        const std::string prefix = param.substr(0, dot) + "._" + param.substr(dot + 1) + "_";
        for (const auto& comp : detail::componentNames(*entry)) {
            if (auto s = addComponent(ctx, *w, comp, prefix + comp); !s) {
                return s;
            }
        }
        out.weights.push_back(std::move(*w));
    }
    return Ok{};
}

// Colon layout: tensors "<param>:<component>", metadata "<param>".
Status readColon(const TorchaoContext& ctx, const std::map<std::string, std::string>& meta, TorchaoCheckpoint& out) {
    std::map<std::string, std::vector<std::string>> byParam;
    for (const auto& view : ctx.checkpoint->tensors()) {
        const auto colon = view.info->name.find(':');
        if (colon != std::string::npos) {
            byParam[view.info->name.substr(0, colon)].push_back(view.info->name.substr(colon + 1));
        }
    }
    for (const auto& [param, comps] : byParam) {
        const auto it = meta.find(param);
        if (it == meta.end()) {
            return makeError(ErrorCode::InvalidInput, ctx.source + ": tensor '" + param + ":" + comps.front() +
                                                          "' has no __metadata__ entry '" + param +
                                                          "' naming its torchao type");
        }
        auto entry = parseEntry(ctx, param, it->second);
        if (!entry) {
            return entry.error();
        }
        auto w = detail::torchaoWeightFromEntry(ctx, param, *entry, TorchaoLayout::Colon);
        if (!w) {
            return w.error();
        }
        auto names = detail::componentNames(*entry);
        if (names.empty()) {
            names = detail::orderedComponents(comps);
        }
        for (const auto& comp : names) {
            if (auto s = addComponent(ctx, *w, comp, param + ":" + comp); !s) {
                return s;
            }
        }
        out.weights.push_back(std::move(*w));
    }
    return Ok{};
}

}  // namespace

const TorchaoComponent* TorchaoWeight::component(std::string_view name) const {
    for (const auto& c : components) {
        if (c.name == name) {
            return &c;
        }
    }
    return nullptr;
}

std::uint64_t TorchaoWeight::bytes() const {
    std::uint64_t total = 0;
    for (const auto& c : components) {
        total += c.view.info->byteSize();
    }
    return total;
}

bool hasTorchaoTensors(const Checkpoint& checkpoint) {
    for (const auto& file : checkpoint.files()) {
        if (file.metadata().contains("tensor_names")) {
            return true;
        }
    }
    return std::any_of(checkpoint.tensors().begin(), checkpoint.tensors().end(),
                       [](const TensorView& v) { return v.info->name.find(':') != std::string::npos; });
}

Result<TorchaoCheckpoint> readTorchaoCheckpoint(const Checkpoint& checkpoint) {
    TorchaoCheckpoint out;
    TorchaoContext ctx{&checkpoint, {}};
    const auto meta = mergedMetadata(checkpoint, ctx.source);
    try {
        if (meta.contains("tensor_names")) {
            if (auto s = readFlattened(ctx, meta, out); !s) {
                return s.error();
            }
        }
        if (auto s = readColon(ctx, meta, out); !s) {
            return s.error();
        }
    } catch (const std::exception& e) {  // nlohmann type errors on malformed metadata
        return makeError(ErrorCode::InvalidInput, ctx.source + ": torchao metadata: " + e.what());
    }
    for (auto& w : out.weights) {
        if (auto s = detail::validateTorchaoWeight(ctx, w); !s) {
            return s.error();
        }
    }
    std::sort(out.weights.begin(), out.weights.end(),
              [](const TorchaoWeight& a, const TorchaoWeight& b) { return a.parameter < b.parameter; });
    return out;
}

}  // namespace ql
