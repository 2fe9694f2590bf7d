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

}  // namespace ql
