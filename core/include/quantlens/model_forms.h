// Forms of one quantized Linear and the attention implementations the forward pass reproduces.
// Torch-free: shared by recipes, verify and the UI.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ql {

enum class LinearForm {
    F,       // float: W x (with an adapter: LoRA unmerged, W x + s·B(A x))
    FQ,      // QAT-prepared base, no adapter: FQ(W) x
    T,       // train: FQ(W) x + s·B(A x)
    TPrime,  // train, QAT applied after PEFT: FQ(W) x + s·FQ(B)(FQ(A) x)
    M,       // eval: FQ(W + s·BA) x (merge in the base weight dtype, as PEFT merge_and_unload)
    Q,       // deployed: real low-bit base weights; an unmerged adapter is served on top: Q(W) x + s·B(A x)
    QM,      // deployed after merging the adapter first ("merge, then convert"): Q(W + s·BA) x
};

enum class AttentionImpl { Eager, Sdpa };

// "F", "FQ", "T", "T'", "M", "Q".
std::string_view linearFormName(LinearForm form);
// Accepts the names above and "Tprime"; nullopt otherwise.
std::optional<LinearForm> linearFormFromName(std::string_view name);

// "eager", "sdpa".
std::string_view attentionImplName(AttentionImpl impl);
std::optional<AttentionImpl> attentionImplFromName(std::string_view name);

// One module of a model before QAT, after QAT prepare and after convert (convert check, inspect):
// e.g. "Linear" -> "FakeQuantizedLinear[int4 g128]" -> "Linear[Int4Tensor plain]".
struct ModuleRow {
    std::string name;                // "model.layers.0.self_attn.q_proj", "lm_head", "model.embed_tokens"
    std::string typeBefore;          // "Linear", "Embedding", "RMSNorm"
    std::string typeAfterPrepare;    // same as before when the module is not quantized
    std::string typeAfterConvert;
    std::string dtype;               // weight dtype of the run, "bfloat16"
    std::vector<std::int64_t> shape; // weight shape [out, in]
    std::uint64_t bytesBefore = 0;   // weight (+ bias) bytes in the run dtype
    std::uint64_t bytesAfter = 0;    // after convert: packed codes + scale + zero_point (+ bias)
    std::string note;                // why a module stays float, "" otherwise
};

}  // namespace ql
