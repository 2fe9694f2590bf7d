// Private pieces of verify(): one side (recipe -> model + run spec), the module list, and one
// function per check. Each check fills its part of the report and returns Cancelled when the
// progress callback asks to stop (checked between modules / layers).
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/causal_lm.h"
#include "quantlens/verify.h"
#include "verify/metrics.h"

namespace ql::checks {

// One quantizable Linear of the decoder (torchao's default filter: every nn.Linear incl. lm_head).
struct ModuleRef {
    std::string name;   // "model.layers.3.self_attn.q_proj", "lm_head"
    int layer = -1;
    std::string type;   // "q_proj", ..., "lm_head"
    bool hasBias = false;
    std::int64_t inFeatures = 0;
};

struct Side {
    const Recipe* recipe = nullptr;
    std::string label;  // "train" / "eval"
    std::optional<model::CausalLm> lm;
    model::RunSpec run;
    bool quantized() const { return run.form.quant.has_value(); }
};

quant::DeviceSemantics deviceSemantics(DeviceNumerics numerics);
LinearForm sideForm(const Recipe& recipe);
// `sameBase`: an opened side; when both recipes name the same model directory this side shares its
// mapped checkpoint (one mapping, one set of page faults).
Result<Side> openSide(const Recipe& recipe, const std::string& label, const at::Device& device,
                      const Side* sameBase = nullptr);
std::vector<ModuleRef> linearModules(const ModelConfig& config);

// Row streaming of one module. Every transform a side applies to a weight (fake quant per group or
// per row, LoRA B·A, merge) works on each output row alone, so rows [r0, r0 + n) of the prepared
// module equal the module prepared from rows [r0, r0 + n) of its slot, except where rowLocal() says
// no (per-tensor Float8 scales, fan_in_fan_out adapters): those modules go in one block.
Result<model::LinearSlot> moduleSlot(const Side& side, const ModuleRef& m);
bool rowLocal(const Side& side, const model::LinearSlot& slot);
model::LinearSlot sliceRows(const model::LinearSlot& slot, std::int64_t r0, std::int64_t rows);
// Rows of the module as the side runs it (quantize false: the unquantized, possibly merged, base).
Result<model::PreparedLinear> prepareRows(const Side& side, const ModuleRef& m, const model::LinearSlot& slot,
                                          std::int64_t r0, std::int64_t rows, bool quantize = true);
// Rows per block for a [N, K] module: about kBlockElements elements, all rows when not row-local.
constexpr std::int64_t kBlockElements = std::int64_t{1} << 18;
std::int64_t blockRows(std::int64_t n, std::int64_t k, bool rowLocal);
// Drops the module's mapped pages from the side's resident set (the page cache keeps them).
void releaseModule(const Side& side, const ModuleRef& m);
// Maps the module's pages in one call (MADV_POPULATE_READ) instead of one page fault per page.
void prefetchModule(const Side& side, const ModuleRef& m);
// The dense map y = W_eff x of a prepared Linear, float32: weight + s·B·A for unmerged LoRA
// (T' with the fake-quantized factors), m/||W0 + s·BA||_row ⊙ (weight + s·B·A) for unmerged DoRA,
// the weight alone otherwise.
at::Tensor effectiveWeight(const model::PreparedLinear& p);

// Per-group fp32 scale (clamp_min(max-min, 1e-6) / 15 with the device's division) and zero
// (min + 8·scale) of int4 PLAIN, [N, K/g] each (torchao-quant.md §2.2).
std::pair<at::Tensor, at::Tensor> int4ScaleZero(const at::Tensor& w, int groupSize, quant::DeviceSemantics device);

struct Context {
    const VerifyRequest* request = nullptr;
    const ProgressFn* progress = nullptr;
    Side* train = nullptr;
    Side* eval = nullptr;
    std::vector<ModuleRef> modules;
    std::vector<at::Tensor> prompts;       // int64 [1, S] each
    std::optional<at::Tensor> evalLogits;  // filled by the logits check, reused by convert
    std::vector<at::Tensor> evalLogitsPerPrompt;
    // Inputs of each Linear of the adapter side in its forward: the first kProbeRows token rows over
    // the prompts, [rows, in] in the run dtype (used by the adapter-merge check).
    std::map<std::string, at::Tensor> probeInputs;
    VerifyReport* report = nullptr;
    bool tick(const std::string& stage, const std::string& item, std::int64_t done, std::int64_t total) const;
};

// The side whose adapter check 6 studies: the one that merges, else eval, else train (null: none).
const Side* adapterSide(const Context& ctx);
constexpr std::int64_t kProbeRows = 64;

// Check 2 on the prepared Linears the two forwards run: fed module by module in ctx.modules order,
// then finished into the report (summary + ctx.report->weights).
class WeightsPass {
public:
    explicit WeightsPass(Context& ctx);
    // Compares one module of both sides; false when the progress callback cancelled.
    bool add(const ModuleRef& m, const model::PreparedLinear& train, const model::PreparedLinear& eval);
    void finish();

private:
    Context& m_ctx;
    WeightsCheck m_check;
    DiffAccumulator m_overall;
    std::int64_t m_done = 0;
};

// Checks 2, 3 and 4 in one pass: both sides' forwards advance layer by layer in lockstep; each
// layer's prepared weights are compared (check 2) before the prompts run through them, so every
// weight is read and fake-quantized once per side. Then logits (3) and hidden states (4).
Status runWeightsAndForwardChecks(Context& ctx);
Status runConvertCheck(Context& ctx);
Status runAdapterMergeCheck(Context& ctx);

Error cancelled();
void addSummary(VerifyReport& report, CheckKind kind, CheckStatus status, std::string headline,
                std::vector<KeyNumber> numbers, std::string explanation = {});
std::string fmt(double value);  // "%.3g" style, "inf" for infinity

}  // namespace ql::checks
