// Expected HF parameter names/shapes of a config (the state_dict of transformers' LlamaForCausalLM /
// Qwen2ForCausalLM / Qwen3ForCausalLM) and the check of a checkpoint against them.
#include <map>

#include "io/torchao_names.h"
#include "model/linear_table.h"
#include "quantlens/adapter.h"
#include "quantlens/checkpoint.h"
#include "quantlens/model_config.h"

namespace ql {
namespace {

using Shape = std::vector<std::int64_t>;

void addLinear(std::vector<ParameterShape>& out, const model::ModuleRef& m) {
    out.push_back({m.name + ".weight", {m.outFeatures, m.inFeatures}});
    if (m.hasBias) {
        out.push_back({m.name + ".bias", {m.outFeatures}});
    }
}

// One decoder layer's parameters: its norms, then its Linears, both from the one table
// (model/linear_table.h).
void addLayer(std::vector<ParameterShape>& out, const ModelConfig& c, std::int64_t i) {
    const int layer = static_cast<int>(i);
    for (const model::DecoderNorm& norm : model::layerNorms(c)) {
        out.push_back({model::normWeightName(layer, norm), {model::normSize(c, norm)}});
    }
    for (const model::DecoderLinear& linear : model::decoderLinears()) {
        addLinear(out, model::decoderModule(c, layer, linear));
    }
}

std::string listNames(const std::vector<std::string>& names, std::size_t limit = 3) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < limit; ++i) {
        out += (i ? ", " : "") + names[i];
    }
    if (names.size() > limit) {
        out += ", ... (" + std::to_string(names.size()) + " in all)";
    }
    return out;
}

}  // namespace

std::vector<ParameterShape> expectedParameters(const ModelConfig& c) {
    std::vector<ParameterShape> out;
    out.push_back({"model.embed_tokens.weight", {c.vocabSize, c.hiddenSize}});
    for (std::int64_t i = 0; i < c.numHiddenLayers; ++i) {
        addLayer(out, c, i);
    }
    out.push_back({"model.norm.weight", {c.hiddenSize}});
    out.push_back({"lm_head.weight", {c.vocabSize, c.hiddenSize}, c.tieWordEmbeddings});
    return out;
}

std::vector<ParameterShape> checkpointParameters(const Checkpoint& checkpoint) {
    std::vector<ParameterShape> out;
    for (const auto& view : checkpoint.tensors()) {
        const std::string& name = view.info->name;
        const auto colon = name.find(':');
        const auto flat = name.rfind("._");
        if (colon == std::string::npos && flat != std::string::npos && name.ends_with("_qdata") &&
            flat + 2 < name.size() - 6) {
            // flattened torchao "<module>._<param>_qdata" stands for "<module>.<param>"; Intx / Float8
            // store no logical shape: qdata has it
            const std::string base = name.substr(0, flat) + "." + name.substr(flat + 2, name.size() - flat - 8);
            const Shape logical = view.file ? detail::torchaoTensorMeta(*view.file, base).shape : Shape{};
            out.push_back({base, logical.empty() ? view.info->shape : logical});
        }
        if (colon == std::string::npos) {
            out.push_back({name, view.info->shape});
        } else if (name.compare(colon + 1, std::string::npos, "qdata") == 0) {
            const std::string base = name.substr(0, colon);
            out.push_back({base, view.file ? detail::torchaoTensorMeta(*view.file, base).shape : Shape{}});
        }
    }
    return out;
}

Status validateCheckpointAgainstConfig(const Checkpoint& checkpoint, const ModelConfig& config) {
    std::map<std::string, Shape, std::less<>> found;
    for (auto& p : checkpointParameters(checkpoint)) {
        found.emplace(std::move(p.name), std::move(p.shape));
    }
    std::vector<std::string> missing;
    for (const auto& want : expectedParameters(config)) {
        const auto it = found.find(want.name);
        if (it == found.end()) {
            if (!want.optional) {
                missing.push_back(want.name);
            }
            continue;
        }
        if (!it->second.empty() && it->second != want.shape) {
            const auto view = checkpoint.find(want.name);
            const std::string file = view ? (checkpoint.directory() / checkpoint.fileNameOf(*view)).string()
                                          : checkpoint.directory().string();
            return makeError(ErrorCode::InvalidInput, file + ": tensor '" + want.name + "': expected shape " +
                                                          formatShape(want.shape) + " from config.json (" +
                                                          config.architecture + "), got " + formatShape(it->second));
        }
    }
    if (!missing.empty()) {
        return makeError(ErrorCode::InvalidInput, checkpoint.directory().string() + ": missing " +
                                                      std::to_string(missing.size()) + " tensor(s) that config.json (" +
                                                      config.architecture + ") requires: " + listNames(missing));
    }
    return Ok{};
}

}  // namespace ql
