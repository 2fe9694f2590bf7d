// Prepares one Linear for the verify walk, row block by row block: what both sides, every deployment,
// every counterfactual eval side (variant) and check 6 make of rows [r0, r0 + n) (ModuleRows, handed to
// the passes), and the block each forward multiplies. Everything a side derives from a weight is computed once and
// shared: two sides that read the same mapped checkpoint with the same adapter and fake-quant spec share their fake
// quant, a deployment whose convert quantizes like the eval side's fake quant comes out of the same kernel pass, and
// check 6 reuses the sides' rows.
//
// Two paths with the same results:
//   kernels: CPU, bf16, int4 PLAIN (or no) fake quant, plain LoRA: the block kernels of quant/ on blocks
//     of about WalkPlan::blockElements (no module-sized temporaries). LoRA deltas come from
//     lora_kernels.h, which is exact only when the BLAS in use agrees with it (LoraDeltaCheck).
//   prepared: everything else (CUDA, other dtypes and schemes, DoRA, T', a BLAS the delta kernel does
//     not reproduce): prepareLinear on the slot, in row blocks when no side has a LoRA on the module
//     and its quantization is row-local, else whole (a LoRA delta must come from one BLAS product).
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "model/lockstep_forward.h"
#include "verify/verify_pass.h"
#include "verify/walk_plan.h"

namespace ql::checks {

// Whether the row-block LoRA kernel reproduces the BLAS product of an adapter's factors (a BLAS may
// pick its kernel by shape): decided per side and module shape on the first module of that shape, by
// computing both for the whole module. A side whose adapter fails once uses the BLAS from then on.
class LoraDeltaCheck {
public:
    bool rowKernelExact(Track side, const model::LoraFactors& lora);
    // Sides whose adapter failed the check (reported as a warning).
    const std::vector<Track>& failed() const { return m_failed; }

private:
    std::map<std::tuple<Track, std::int64_t, std::int64_t, std::int64_t>, bool> m_verdict;  // side, out, r, in
    std::vector<Track> m_failed;
};

class ModuleRowsBuilder {
public:
    // One side's view of the module (whole; blocks narrow it).
    struct SideSlot {
        Track track = Track::Train;
        const Side* side = nullptr;
        model::LinearSlot slot;                         // mapped base weight, bias, LoRA factors (whole)
        bool quantized = false;                         // the side fake-quantizes this module
        bool merges = false;                            // form M: the LoRA is merged before fake quant
        bool unmergedLora = false;                      // the LoRA runs unmerged (F, T, T')
        std::optional<model::PreparedLinear> prepared;  // prepared path: the current block's Linear
        int variant = -1;                               // index into WalkPlan::variants; -1 for train and eval
        int baseId = 0;                                 // slots with the same id read the same base weight
        int adapterId = 0;                              // ... the same adapter factors
    };

    // Whether deployment `d` merges this module's LoRA before converting / serves it unmerged on top:
    // the deployment as evaluated follows the eval side's form of this module (module_forms may set it).
    bool mergesFirst(const DeploymentPlan& d) const;
    bool servesLoraOnTop(const DeploymentPlan& d) const;

    // Loads the module's slots (mapped base weights, adapter factors) on both sides.
    static Result<ModuleRowsBuilder> start(const WalkPlan& plan, const model::ModuleRef& module,
                                           LoraDeltaCheck& deltaCheck);

    std::int64_t rowCount() const { return m_rows; }
    std::int64_t blockRows() const { return m_blockRows; }
    // rows() may then be called from several threads at once (the kernel path keeps no block state).
    bool concurrentBlocks() const { return m_kernelPath; }
    // What every side, deployment and check 6 make of rows [row0, row0 + n).
    Result<ModuleRows> rows(std::int64_t row0, std::int64_t n);
    // The blocks the forwards multiply for those rows: train, eval, each deployment, each variant.
    std::vector<model::BlockLinear> trackBlocks(const ModuleRows& rows) const;

private:
    struct Memo;
    ModuleRowsBuilder() = default;

    Result<ModuleRows> preparedRows(std::int64_t row0, std::int64_t n);
    Result<ModuleRows> kernelRows(std::int64_t row0, std::int64_t n);
    model::BlockLinear sideBlock(const SideSlot& s, const SideRows& r, const ModuleRows& rows) const;
    static SideRows& slotRows(ModuleRows& rows, const SideSlot& s);
    static const SideRows& slotRows(const ModuleRows& rows, const SideSlot& s);
    void assignSourceIds();
    model::BlockLinear deploymentBlock(std::size_t d, const ModuleRows& rows) const;

    const WalkPlan* m_plan = nullptr;
    model::ModuleRef m_module;
    std::vector<SideSlot> m_sides;  // train, eval, then WalkPlan::variants
    bool m_kernelPath = false;
    std::int64_t m_rows = 0, m_cols = 0, m_blockRows = 0;
};

}  // namespace ql::checks
