// A check as a pass over the verify walk (verify_walk.h). The walk visits the model once, Linear by
// Linear in forward order, and hands every pass the same data: each module's rows as both sides and
// every deployment prepared them, the module's inputs in each forward, the hidden states after each
// decoder layer and the logits. A pass keeps what it needs, and its finish() (on the concrete class)
// returns its check's summary and report section: checks share nothing but what the walk hands them.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "model/linear_table.h"
#include "quant/int4_convert.h"

namespace ql::checks {

// The forwards of the walk, in this order; deployments follow the two sides.
enum class Track : std::size_t { Train = 0, Eval = 1, FirstDeployment = 2 };
inline std::size_t trackIndex(Track t) {
    return static_cast<std::size_t>(t);
}

// Rows [row0, row0 + rows) of one Linear as one side runs it.
struct SideRows {
    bool quantized = false;     // the side fake-quantizes this module
    bool loraUnmerged = false;  // the side runs a LoRA unmerged (its dense map adds `delta`)
    at::Tensor base;            // unquantized rows the side starts from: W, or bf16(W + s·BA) when it merges
    at::Tensor prepared;        // rows its forward multiplies: FQ(base), or base when not quantized
    at::Tensor effective;       // the dense map: prepared + s·BA for an unmerged LoRA (DoRA-scaled), else prepared
    at::Tensor delta;           // fp32 s·BA of the side's adapter (undefined without one)
    at::Tensor groupScale;      // fp32 [rows, K/g] int4 scale of `base` when int4-quantized, else undefined
    at::Tensor groupZero;       // fp32 [rows, K/g] int4 zero of `base`, likewise
};

// Rows of one deployment of the eval side (ConvertDeployment), compared with the eval side.
struct DeploymentRows {
    bool converted = false;                       // the module is converted (else it stays float: `deployed` = eval's)
    at::Tensor reference;                         // eval's fake-quant rows this deployment is compared with
    at::Tensor deployed;                          // the deployed weight's rows (fp32 dequant, or the float weight)
    std::optional<std::uint64_t> codeMismatches;  // fake-quant codes vs converted codes (absent: n/a)
    std::uint64_t scalesRounded = 0;              // groups whose fp32 scale changes when stored in the weight dtype
    std::uint64_t zerosRounded = 0;
    // On a CUDA device: the packed Int4Tensor, which the deployed forward multiplies with the CUDA int4
    // kernel (on the CPU the forward multiplies `deployed`, the same fp32 product).
    std::optional<quant::Int4PlainWeight> packed;
};

// Check 6's pair on the adapter side: FQ(bf16(W + s·BA)) vs FQ(W) + s·BA, and the group scales of W
// and of W + s·BA.
struct MergeRows {
    at::Tensor merged;
    at::Tensor unmerged;
    at::Tensor delta;
    at::Tensor scaleBase, scaleMerged;  // fp32 [rows, K/g] (undefined unless int4)
};

struct ModuleRows {
    std::int64_t row0 = 0, rows = 0;
    SideRows train, eval;
    std::vector<SideRows> variants;           // WalkPlan::variants order
    std::vector<DeploymentRows> deployments;  // ConvertPlan order
    std::optional<MergeRows> merge;
};

// Per track, the module's input for each prompt ([1, S, in] in the run dtype).
using ModuleInputs = std::vector<std::vector<at::Tensor>>;

class VerifyPass {
public:
    virtual ~VerifyPass() = default;
    // Before the module's rows: its inputs in every forward.
    virtual void beginModule(const model::ModuleRef&, const ModuleInputs&) {}
    // Each row block of the module, every row once. The first block (rows from 0) comes alone, on the
    // walk's thread; the others may come in any order and concurrently on ATen's worker threads
    // (VerifyWalk::feed), so a pass keeps per-row state indexed by row, or locks.
    virtual void addRows(const model::ModuleRef&, const ModuleRows&) {}
    virtual void endModule(const model::ModuleRef&) {}
    // Hidden states after decoder layer `layer`: [track][prompt] of [1, S, H].
    virtual void addLayer(int, const std::vector<std::vector<at::Tensor>>&) {}
    // Logits [track][prompt] of [1, S, V], after the last layer.
    virtual void addLogits(const std::vector<std::vector<at::Tensor>>&) {}
};

}  // namespace ql::checks
