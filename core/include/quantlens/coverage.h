// Quantization coverage of one side: every module whose weight QAT could touch (the input embedding,
// every Linear, lm_head, and the LoRA factors when QAT runs after PEFT) with its form, its
// quantization or "float", and why it stays float. Torch-free: derived from config.json, the recipe
// and adapter_config.json, following torchao's module selection (quantize_ with the default
// `_is_linear` filter or a recipe filter; FakeQuantizedEmbedding only when embeddings are selected;
// convert leaves K % group != 0 layers float) and transformers' TorchAoConfig skips (lm_head and
// tied weights unless include_input_output_embeddings; modules_to_not_convert).
#pragma once

#include <quantlens/adapter.h>
#include <quantlens/model_config.h>
#include <quantlens/recipe.h>
#include <quantlens/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ql {

struct CoverageRow {
    std::string module;               // "model.embed_tokens", "model.layers.0.self_attn.q_proj", "lm_head",
                                      // "model.layers.0.self_attn.q_proj.lora_A" (QAT after PEFT only)
    std::string kind;                 // "embedding", "linear", "lm_head", "lora_A", "lora_B"
    std::vector<std::int64_t> shape;  // weight shape: [out, in]; embeddings [num_embeddings, dim]
    std::string form;                 // "F", "FQ", "T", "T'", "M", "Q" (model_forms.h)
    std::string quantization;         // "int4 asymmetric g128, fake quant", "float", "fails: ..."
    // Why the module stays float (or fails), "" when it is quantized. reasonId is stable:
    // no_quantization, module_forms, filter, k_not_divisible, lm_head_excluded, tied_to_embedding,
    // fake_quant_disabled, embedding_not_selected.
    std::string reasonId;
    std::string reason;
    std::string tiedTo;  // the module sharing this weight, "" when untied
};

// What decides the fake quantizers at run time besides the recipe: the adapter's training step
// (for fake_quant_after_steps), when known.
struct CoverageContext {
    const LoraConfig* adapter = nullptr;     // the side's adapter config, if any
    std::optional<std::int64_t> globalStep;  // the adapter checkpoint's step
};

// The rows in model order: embed_tokens, each layer's q,k,v,o,gate,up,down (+ LoRA factors), lm_head.
std::vector<CoverageRow> moduleCoverage(const ModelConfig& config, const Recipe& recipe,
                                        const CoverageContext& context = {});

// Reads config.json of recipe.modelDir, the adapter's adapter_config.json and its step (the
// checkpoint chosen, else trainer_state.json's global_step), then moduleCoverage. Errors name the file.
Result<std::vector<CoverageRow>> loadModuleCoverage(const Recipe& recipe);

}  // namespace ql
