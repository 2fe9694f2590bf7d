// One adapted module: shape checks of lora_A / lora_B / bias / DoRA magnitude against each other
// and against adapter_config.json (r, rank_pattern, lora_alpha, alpha_pattern, use_rslora).
#include "io/adapter_module.h"

namespace ql::detail {
namespace {

Error shapeError(const std::string& file, const TensorInfo& t, const std::string& expected) {
    return makeError(ErrorCode::InvalidInput,
                     file + ": tensor '" + t.name + "': expected " + expected + ", got shape " + formatShape(t.shape));
}

Status checkFactors(const LoraPieces& p, std::int64_t expectedRank, const std::string& file) {
    const char* aName = p.embedding ? "lora_embedding_A" : "lora_A";
    const char* bName = p.embedding ? "lora_embedding_B" : "lora_B";
    const char* inName = p.embedding ? "num_embeddings" : "in_features";
    const char* outName = p.embedding ? "embedding_dim" : "out_features";
    const auto& a = *p.a;
    const auto& b = *p.b;
    if (a.shape.size() != 2 || a.shape[0] <= 0 || a.shape[1] <= 0) {
        return shapeError(file, a, std::string(aName) + " of shape [r, " + inName + "] with positive sizes");
    }
    const std::int64_t rank = a.shape[0];
    if (b.shape.size() != 2 || b.shape[0] <= 0 || b.shape[1] != rank) {
        return shapeError(file, b,
                          std::string(bName) + " of shape [" + outName + ", r] with r = " + std::to_string(rank) +
                              " (rows of '" + a.name + "')");
    }
    if (rank != expectedRank) {
        return shapeError(file, a,
                          std::string(aName) + " of shape [r, " + inName +
                              "] with r = " + std::to_string(expectedRank) + " (adapter_config.json r / rank_pattern)");
    }
    return Ok{};
}

Status checkVectors(const LoraPieces& p, const LoraConfig& config, const std::string& name, const std::string& file) {
    const std::int64_t out = p.b->shape[0];
    const std::vector<std::int64_t> vec{out};
    if (p.bBias != nullptr && !config.loraBias) {
        return makeError(
            ErrorCode::InvalidInput,
            file + ": tensor '" + p.bBias->name + "': lora_B bias present but adapter_config.json has lora_bias false");
    }
    if (p.bBias != nullptr && p.bBias->shape != vec) {
        return shapeError(file, *p.bBias, "lora_B bias of shape " + formatShape(vec));
    }
    if (p.magnitude != nullptr && !config.useDora) {
        return makeError(ErrorCode::InvalidInput,
                         file + ": tensor '" + p.magnitude->name +
                             "': DoRA magnitude present but adapter_config.json has use_dora false");
    }
    if (p.magnitude == nullptr && config.useDora && !p.embedding) {
        return makeError(ErrorCode::InvalidInput,
                         file + ": module '" + name + "': use_dora is true but lora_magnitude_vector is missing");
    }
    if (p.magnitude != nullptr && !p.embedding && p.magnitude->shape != vec) {
        return shapeError(file, *p.magnitude, "lora_magnitude_vector of shape " + formatShape(vec));
    }
    return Ok{};
}

}  // namespace

Result<LoraModule> buildLoraModule(const std::string& name, const LoraPieces& p, const LoraConfig& config,
                                   const std::string& file) {
    if (p.a == nullptr || p.b == nullptr) {
        const char* missing = p.a == nullptr ? "lora_A" : "lora_B";
        return makeError(ErrorCode::InvalidInput, file + ": module '" + name + "': " + missing +
                                                      " is missing (each adapted module needs lora_A and lora_B)");
    }
    if (auto s = checkFactors(p, config.rankFor(name), file); !s) {
        return s.error();
    }
    if (auto s = checkVectors(p, config, name, file); !s) {
        return s.error();
    }
    LoraModule m;
    m.name = name;
    m.kind = p.embedding ? LoraModuleKind::Embedding : LoraModuleKind::Linear;
    m.rank = p.a->shape[0];
    m.alpha = config.alphaFor(name);
    m.scaling = config.scalingFor(name);
    m.inFeatures = p.a->shape[1];
    m.outFeatures = p.b->shape[0];
    m.dtype = p.a->dtype;
    m.loraAKey = p.a->name;
    m.loraBKey = p.b->name;
    m.loraBBiasKey = p.bBias ? p.bBias->name : std::string();
    m.magnitudeKey = p.magnitude ? p.magnitude->name : std::string();
    return m;
}

}  // namespace ql::detail
