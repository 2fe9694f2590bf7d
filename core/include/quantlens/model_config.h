// HF config.json of the supported decoder-only families (transformers
// models/<family>/configuration_<family>.py, e.g. Qwen3Config):
// Qwen3ForCausalLM, Qwen2ForCausalLM (Qwen2/2.5), LlamaForCausalLM (Llama 2/3/3.x), MistralForCausalLM.
// Both transformers v4 spellings (rope_theta + rope_scaling, torch_dtype) and v5 spellings
// (rope_parameters, dtype) are accepted and normalised into one struct. Defaults for absent keys
// follow transformers' configuration classes of each family.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quantlens/result.h"

namespace ql {

class Checkpoint;

enum class ModelFamily { Qwen3, Qwen2, Llama, Mistral };

// "qwen3", "qwen2", "llama", "mistral" (the model_type spelling).
const char* modelFamilyName(ModelFamily family);

// The architectures QuantLens supports, comma separated (for error messages).
std::string supportedArchitectures();

enum class RopeType { Default, Linear, Llama3 };

// "default", "linear", "llama3".
const char* ropeTypeName(RopeType type);

// Normalised rope_scaling (v4) / rope_parameters (v5). Fields unused by `type` keep their defaults.
struct RopeScaling {
    RopeType type = RopeType::Default;
    double factor = 1.0;                             // linear and llama3
    double lowFreqFactor = 1.0;                      // llama3: low_freq_factor
    double highFreqFactor = 4.0;                     // llama3: high_freq_factor
    std::int64_t originalMaxPositionEmbeddings = 0;  // llama3: original_max_position_embeddings
};

struct ModelConfig {
    std::string architecture;  // architectures[0], e.g. "Qwen3ForCausalLM"
    ModelFamily family = ModelFamily::Llama;
    std::string modelType;                      // "qwen3", "qwen2", "llama", "mistral"
    std::int64_t hiddenSize = 0;                // hidden_size (H)
    std::int64_t intermediateSize = 0;          // intermediate_size (I)
    std::int64_t numHiddenLayers = 0;           // num_hidden_layers (L)
    std::int64_t numAttentionHeads = 0;         // num_attention_heads (nH)
    std::int64_t numKeyValueHeads = 0;          // num_key_value_heads (nKV); null/absent -> nH
    std::int64_t headDim = 0;                   // head_dim (D); null/absent -> H / nH
    std::int64_t vocabSize = 0;                 // vocab_size (V)
    std::int64_t maxPositionEmbeddings = 0;     // max_position_embeddings
    double rmsNormEps = 1e-6;                   // rms_norm_eps
    double ropeTheta = 10000.0;                 // rope_theta (v4 top level or v5 rope_parameters)
    RopeScaling ropeScaling;                    // rope_scaling (v4) / rope_parameters (v5)
    bool tieWordEmbeddings = false;             // tie_word_embeddings (family default when absent)
    bool attentionBias = false;                 // attention_bias as written (see qkvBias/oProjBias)
    bool mlpBias = false;                       // mlp_bias as written (see mlpHasBias)
    std::optional<std::int64_t> slidingWindow;  // effective sliding_window (null for Qwen when unused)
    bool useSlidingWindow = false;              // use_sliding_window (Qwen2/Qwen3)
    std::int64_t maxWindowLayers = 0;           // max_window_layers (Qwen2/Qwen3)
    // Per layer (size L): "full_attention" or "sliding_attention"; the saved layer_types when
    // present, else derived as transformers' configs do (Qwen2/Qwen3, e.g. configuration_qwen3.py:
    // sliding iff sliding_window is in effect and layer >= max_window_layers; Mistral: every layer
    // when sliding_window is set).
    std::vector<std::string> layerTypes;
    std::string hiddenAct = "silu";  // hidden_act
    std::string torchDtype;          // torch_dtype (v4) or dtype (v5), e.g. "bfloat16"; "" absent
    std::int64_t pretrainingTp = 1;  // pretraining_tp (Llama 2 legacy)
    std::optional<std::int64_t> bosTokenId;
    std::vector<std::int64_t> eosTokenIds;  // eos_token_id: an int or a list
    std::optional<std::int64_t> padTokenId;
    std::string quantizationConfigJson;  // raw JSON text of quantization_config; "" when absent

    // q/k/v projections carry a bias: always for Qwen2, never for Mistral, attention_bias for
    // Llama/Qwen3 (as the transformers modeling files construct them).
    bool qkvBias() const;
    // o_proj carries a bias: attention_bias for Llama/Qwen3, never for Qwen2/Mistral.
    bool oProjBias() const;
    // gate/up/down carry a bias: mlp_bias for Llama, never for the others.
    bool mlpHasBias() const;
};

// Parses config.json text. `sourceName` prefixes error messages (the file path).
// Absent fields take the family's transformers default (e.g. Qwen3 head_dim 128, Mistral
// sliding_window 4096 and num_key_value_heads 8), except the sizes hidden_size,
// intermediate_size, num_hidden_layers, num_attention_heads and vocab_size, which are required.
// Errors: InvalidInput (bad JSON, missing/wrong-typed field, non-positive size, heads not
// divisible by kv heads, bad layer_types), Unsupported (architecture — the message lists the
// supported ones — rope type other than default/linear/llama3, partial_rotary_factor != 1).
Result<ModelConfig> parseModelConfig(std::string_view jsonText, const std::string& sourceName);

// Reads `path`/config.json when `path` is a directory, else the file itself.
Result<ModelConfig> loadModelConfig(const std::filesystem::path& path);

// One parameter a checkpoint of this config must (or may) hold, HF layout.
struct ParameterShape {
    std::string name;                 // e.g. "model.layers.0.self_attn.q_proj.weight"
    std::vector<std::int64_t> shape;  // e.g. {nH*D, H}
    bool optional = false;            // lm_head.weight of a tied model
};

// Every parameter of the config in HF order: embed, per layer (norms, attention, MLP), norm, lm_head.
std::vector<ParameterShape> expectedParameters(const ModelConfig& config);

// Checks that `checkpoint` holds every expected parameter with its shape. A torchao-quantized
// weight (`<name>:qdata` + metadata shape) counts as present with its logical shape. Stray keys
// (`rotary_emb.inv_freq`, unknown extras) are accepted. Error (InvalidInput) names the first
// missing tensors (and how many) or the first shape mismatch (expected vs found).
Status validateCheckpointAgainstConfig(const Checkpoint& checkpoint, const ModelConfig& config);

}  // namespace ql
