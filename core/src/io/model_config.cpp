#include "quantlens/model_config.h"

#include <array>

#include "io/json_fields.h"
#include "io/model_config_layout.h"
#include "io/model_config_rope.h"

namespace ql {
namespace {

using detail::FieldReader;
using detail::OrderedJson;

struct FamilyInfo {
    ModelFamily family;
    const char* architecture;
    const char* modelType;
    std::int64_t defaultKvHeads;  // for an absent key; 0: = num_attention_heads
    std::int64_t defaultHeadDim;  // for an absent key; 0: = hidden_size / num_attention_heads
    std::int64_t defaultMaxPositions;
    std::optional<std::int64_t> defaultSlidingWindow;
    std::optional<std::int64_t> defaultBos;
    std::optional<std::int64_t> defaultEos;
};

// Class defaults of transformers 5.x configuration_<family>.py, used for absent keys.
const std::array<FamilyInfo, 4> kFamilies = {{
    {ModelFamily::Qwen3, "Qwen3ForCausalLM", "qwen3", 32, 128, 32768, 4096, std::nullopt, std::nullopt},
    {ModelFamily::Qwen2, "Qwen2ForCausalLM", "qwen2", 32, 0, 32768, 4096, std::nullopt, std::nullopt},
    {ModelFamily::Llama, "LlamaForCausalLM", "llama", 0, 0, 2048, std::nullopt, 1, 2},
    {ModelFamily::Mistral, "MistralForCausalLM", "mistral", 8, 0, 131072, 4096, 1, 2},
}};

const FamilyInfo* findFamily(std::string_view architecture, std::string_view modelType) {
    for (const auto& f : kFamilies) {
        if (architecture == f.architecture || (architecture.empty() && modelType == f.modelType)) {
            return &f;
        }
    }
    return nullptr;
}

Result<const FamilyInfo*> readFamily(FieldReader& r, ModelConfig& c) {
    const auto archs = r.stringList("architectures");
    c.modelType = r.stringOr("model_type", "");
    if (r.error()) {
        return *r.error();
    }
    const std::string& src = r.sourceName();
    c.architecture = archs.empty() ? std::string() : archs.front();
    const FamilyInfo* f = findFamily(c.architecture, c.modelType);
    if (f == nullptr && c.architecture.empty()) {
        return makeError(ErrorCode::Unsupported, src + ": no 'architectures' and model_type '" + c.modelType +
                                                     "' is not supported; supported: " + supportedArchitectures());
    }
    if (f == nullptr) {
        return makeError(ErrorCode::Unsupported, src + ": architecture '" + c.architecture +
                                                     "' is not supported; supported: " + supportedArchitectures());
    }
    if (!c.modelType.empty() && c.modelType != f->modelType) {
        return makeError(ErrorCode::InvalidInput, src + ": field 'model_type': expected '" + std::string(f->modelType) +
                                                      "' for " + f->architecture + ", got '" + c.modelType + "'");
    }
    c.architecture = f->architecture;
    c.modelType = f->modelType;
    c.family = f->family;
    return f;
}

// An absent key takes the class default; an explicit null takes `nullValue` (transformers'
// __post_init__ rule for num_key_value_heads and head_dim).
std::int64_t intAbsentOrNull(FieldReader& r, const char* key, std::int64_t absentValue, std::int64_t nullValue) {
    if (!r.contains(key)) {
        return absentValue;
    }
    return r.intOr(key, nullValue);
}

void readSizes(FieldReader& r, const FamilyInfo& f, ModelConfig& c) {
    c.hiddenSize = r.requireInt("hidden_size");
    c.intermediateSize = r.requireInt("intermediate_size");
    c.numHiddenLayers = r.requireInt("num_hidden_layers");
    c.numAttentionHeads = r.requireInt("num_attention_heads");
    c.vocabSize = r.requireInt("vocab_size");
    const std::int64_t heads = c.numAttentionHeads;
    c.numKeyValueHeads =
        intAbsentOrNull(r, "num_key_value_heads", f.defaultKvHeads != 0 ? f.defaultKvHeads : heads, heads);
    const std::int64_t derivedHeadDim = heads > 0 ? c.hiddenSize / heads : 0;
    c.headDim =
        intAbsentOrNull(r, "head_dim", f.defaultHeadDim != 0 ? f.defaultHeadDim : derivedHeadDim, derivedHeadDim);
    c.maxPositionEmbeddings = r.intOr("max_position_embeddings", f.defaultMaxPositions);
    c.pretrainingTp = r.intOr("pretraining_tp", 1);
}

Status checkPositive(const std::string& src, const char* field, std::int64_t value) {
    if (value > 0) {
        return Ok{};
    }
    return makeError(ErrorCode::InvalidInput,
                     src + ": field '" + field + "': expected a positive integer, got " + std::to_string(value));
}

Status validateSizes(const std::string& src, const ModelConfig& c, bool headDimDerived) {
    const std::pair<const char*, std::int64_t> sizes[] = {{"hidden_size", c.hiddenSize},
                                                          {"intermediate_size", c.intermediateSize},
                                                          {"num_hidden_layers", c.numHiddenLayers},
                                                          {"num_attention_heads", c.numAttentionHeads},
                                                          {"num_key_value_heads", c.numKeyValueHeads},
                                                          {"head_dim", c.headDim},
                                                          {"vocab_size", c.vocabSize},
                                                          {"max_position_embeddings", c.maxPositionEmbeddings},
                                                          {"pretraining_tp", c.pretrainingTp}};
    for (const auto& [name, value] : sizes) {
        if (auto s = checkPositive(src, name, value); !s) {
            return s;
        }
    }
    if (c.numAttentionHeads % c.numKeyValueHeads != 0) {
        return makeError(ErrorCode::InvalidInput,
                         src + ": field 'num_attention_heads': expected a multiple of num_key_value_heads (" +
                             std::to_string(c.numKeyValueHeads) + "), got " + std::to_string(c.numAttentionHeads));
    }
    if (headDimDerived && c.hiddenSize % c.numAttentionHeads != 0) {
        return makeError(ErrorCode::InvalidInput,
                         src + ": field 'hidden_size': expected a multiple of num_attention_heads (" +
                             std::to_string(c.numAttentionHeads) + ") when head_dim is not given, got " +
                             std::to_string(c.hiddenSize));
    }
    if (!(c.rmsNormEps > 0.0)) {
        return makeError(ErrorCode::InvalidInput, src + ": field 'rms_norm_eps': expected a positive number");
    }
    return Ok{};
}

void readTokenIds(FieldReader& r, const FamilyInfo& f, ModelConfig& c) {
    c.bosTokenId = r.contains("bos_token_id") ? r.optInt("bos_token_id") : f.defaultBos;
    c.padTokenId = r.optInt("pad_token_id");
    if (!r.contains("eos_token_id")) {
        if (f.defaultEos) {
            c.eosTokenIds.push_back(*f.defaultEos);
        }
        return;
    }
    const OrderedJson* eos = r.get("eos_token_id");
    if (eos == nullptr) {
        return;
    }
    if (eos->is_array()) {
        for (const auto& id : *eos) {
            if (!id.is_number_integer()) {
                r.fail("eos_token_id", "an integer or a list of integers",
                       "an element that is " + detail::describeJson(id));
                return;
            }
            c.eosTokenIds.push_back(id.get<std::int64_t>());
        }
        return;
    }
    if (auto id = r.optInt("eos_token_id")) {
        c.eosTokenIds.push_back(*id);
    }
}

}  // namespace

const char* modelFamilyName(ModelFamily family) {
    switch (family) {
        case ModelFamily::Qwen3:
            return "qwen3";
        case ModelFamily::Qwen2:
            return "qwen2";
        case ModelFamily::Llama:
            return "llama";
        case ModelFamily::Mistral:
            return "mistral";
    }
    return "unknown";
}

std::string supportedArchitectures() {
    std::string out;
    for (const auto& f : kFamilies) {
        out += (out.empty() ? "" : ", ") + std::string(f.architecture);
    }
    return out;
}

bool ModelConfig::qkvBias() const {
    return family == ModelFamily::Qwen2 ||
           ((family == ModelFamily::Llama || family == ModelFamily::Qwen3) && attentionBias);
}

bool ModelConfig::oProjBias() const {
    return (family == ModelFamily::Llama || family == ModelFamily::Qwen3) && attentionBias;
}

bool ModelConfig::mlpHasBias() const {
    return family == ModelFamily::Llama && mlpBias;
}

Result<ModelConfig> parseModelConfig(std::string_view jsonText, const std::string& sourceName) {
    auto json = detail::parseJsonObject(jsonText, sourceName);
    if (!json) {
        return json.error();
    }
    FieldReader r(*json, sourceName);
    ModelConfig c;
    auto family = readFamily(r, c);
    if (!family) {
        return family.error();
    }
    const FamilyInfo& f = **family;
    readSizes(r, f, c);
    c.rmsNormEps = r.numberOr("rms_norm_eps", 1e-6);
    c.tieWordEmbeddings = r.boolOr("tie_word_embeddings", false);
    c.attentionBias = r.boolOr("attention_bias", false);
    c.mlpBias = r.boolOr("mlp_bias", false);
    c.hiddenAct = r.stringOr("hidden_act", "silu");
    c.torchDtype = r.stringOr("dtype", r.stringOr("torch_dtype", ""));
    readTokenIds(r, f, c);
    if (const OrderedJson* q = r.get("quantization_config")) {
        c.quantizationConfigJson = q->dump();
    }
    if (r.error()) {
        return *r.error();
    }
    const bool headDimDerived = !r.has("head_dim") && f.defaultHeadDim == 0;
    if (auto s = validateSizes(sourceName, c, headDimDerived); !s) {
        return s.error();
    }
    if (auto s = detail::readRope(r, c); !s) {
        return s.error();
    }
    if (auto s = detail::readAttentionLayout(r, f.defaultSlidingWindow, c); !s) {
        return s.error();
    }
    return c;
}

Result<ModelConfig> loadModelConfig(const std::filesystem::path& path) {
    std::error_code ec;
    const auto file = std::filesystem::is_directory(path, ec) ? path / "config.json" : path;
    auto text = detail::readTextFile(file);
    if (!text) {
        return text.error();
    }
    return parseModelConfig(*text, file.string());
}

}  // namespace ql

namespace ql {

const char* ropeTypeName(RopeType type) {
    switch (type) {
        case RopeType::Default:
            return "default";
        case RopeType::Linear:
            return "linear";
        case RopeType::Llama3:
            return "llama3";
    }
    return "unknown";
}

}  // namespace ql
