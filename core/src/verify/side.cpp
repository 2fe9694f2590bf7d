#include <algorithm>
#include <cstdio>
#include <limits>

#include "model/lora_merge.h"
#include "quant/fake_quant.h"
#include "torch/torch_bridge.h"
#include "verify/verify_parts.h"

namespace ql::checks {

quant::DeviceSemantics deviceSemantics(DeviceNumerics numerics) {
    return numerics == DeviceNumerics::Cuda ? quant::DeviceSemantics::Cuda : quant::DeviceSemantics::Cpu;
}

LinearForm sideForm(const Recipe& recipe) {
    const bool quantized = recipe.quantization.scheme != QuantScheme::None;
    if (!recipe.adapter) {
        return quantized ? LinearForm::FQ : LinearForm::F;
    }
    if (!quantized) {  // T and M without a quantization spec: PeftModel unmerged / merge_and_unload
        return recipe.adapter->form == AdapterForm::Merged ? LinearForm::M : LinearForm::T;
    }
    switch (recipe.adapter->form) {
        case AdapterForm::Unmerged: return LinearForm::T;
        case AdapterForm::Merged: return LinearForm::M;
        case AdapterForm::QatAfterPeft: return LinearForm::TPrime;
    }
    return LinearForm::T;
}

namespace {

bool sameDirectory(const std::filesystem::path& a, const std::filesystem::path& b) {
    std::error_code ec;
    return std::filesystem::equivalent(a, b, ec) && !ec;
}

}  // namespace

Result<Side> openSide(const Recipe& recipe, const std::string& label, const at::Device& device, const Side* sameBase) {
    Side side;
    side.recipe = &recipe;
    side.label = label;
    std::optional<std::filesystem::path> adapter;
    if (recipe.adapter) {
        adapter = recipe.adapter->path;
    }
    const bool share = sameBase && sameBase->lm && sameDirectory(sameBase->lm->modelDir(), recipe.modelDir);
    auto lm = share ? model::CausalLm::open(*sameBase->lm, adapter) : model::CausalLm::open(recipe.modelDir, adapter);
    if (!lm) {
        return makeError(lm.error().code, label + " recipe " + recipe.sourceFile + ": " + lm.error().message);
    }
    side.lm.emplace(std::move(*lm));
    auto dtype = torchbridge::scalarType(recipe.dtype);
    if (!dtype) {
        return makeError(ErrorCode::Unsupported, label + " recipe " + recipe.sourceFile + ": dtype " +
                                                     dtype.error().message);
    }
    side.run.dtype = *dtype;
    side.run.device = device;
    side.run.form.form = sideForm(recipe);
    if (recipe.quantization.scheme != QuantScheme::None) {
        auto spec = quant::toFakeQuantSpec(recipe.quantization, recipe.torchaoVersion,
                                           deviceSemantics(recipe.deviceNumerics));
        if (!spec) {
            return makeError(spec.error().code, label + " recipe " + recipe.sourceFile + ": " + spec.error().message);
        }
        side.run.form.quant = *spec;
    }
    return side;
}

std::vector<ModuleRef> linearModules(const ModelConfig& config) {
    static const char* kAttn[] = {"q_proj", "k_proj", "v_proj", "o_proj"};
    static const char* kMlp[] = {"gate_proj", "up_proj", "down_proj"};
    std::vector<ModuleRef> out;
    for (int l = 0; l < static_cast<int>(config.numHiddenLayers); ++l) {
        const std::string prefix = "model.layers." + std::to_string(l) + ".";
        for (const char* t : kAttn) {
            const bool bias = std::string(t) == "o_proj" ? config.oProjBias() : config.qkvBias();
            const std::int64_t in = std::string(t) == "o_proj" ? config.numAttentionHeads * config.headDim
                                                                : config.hiddenSize;
            out.push_back({prefix + "self_attn." + t, l, t, bias, in});
        }
        for (const char* t : kMlp) {
            const std::int64_t in = std::string(t) == "down_proj" ? config.intermediateSize : config.hiddenSize;
            out.push_back({prefix + "mlp." + t, l, t, config.mlpHasBias(), in});
        }
    }
    out.push_back({"lm_head", -1, "lm_head", false, config.hiddenSize});
    return out;
}

Result<model::LinearSlot> moduleSlot(const Side& side, const ModuleRef& m) {
    return side.lm->loader().slot(m.name, m.hasBias, side.run);
}

bool rowLocal(const Side& side, const model::LinearSlot& slot) {
    if (slot.lora && slot.lora->fanInFanOut) {
        return false;
    }
    const auto& q = side.run.form.quant;
    return !(side.quantized() && q->weight.kind == quant::FqKind::Float8 && !q->weight.perRow);
}

model::LinearSlot sliceRows(const model::LinearSlot& slot, std::int64_t r0, std::int64_t rows) {
    model::LinearSlot s;
    s.name = slot.name;
    s.weight = slot.weight.narrow(0, r0, rows);
    if (slot.bias) {
        s.bias = slot.bias->narrow(0, r0, rows);
    }
    if (slot.lora) {
        model::LoraFactors f = *slot.lora;
        f.b = f.b.narrow(0, r0, rows);
        if (f.bBias) {
            f.bBias = f.bBias->narrow(0, r0, rows);
        }
        if (f.magnitude) {
            f.magnitude = f.magnitude->narrow(0, r0, rows);
        }
        s.lora = std::move(f);
    }
    return s;
}

Result<model::PreparedLinear> prepareRows(const Side& side, const ModuleRef& m, const model::LinearSlot& slot,
                                          std::int64_t r0, std::int64_t rows, bool quantize) {
    const bool all = r0 == 0 && rows == slot.weight.size(0);
    model::LinearSlot part = all ? slot : sliceRows(slot, r0, rows);
    const bool q = quantize && side.quantized() && (m.name != "lm_head" || side.run.quantizeLmHead);
    return model::prepareLinear(std::move(part), side.run.form, q);
}

std::int64_t blockRows(std::int64_t n, std::int64_t k, bool rowLocal) {
    return rowLocal ? std::clamp<std::int64_t>(kBlockElements / std::max<std::int64_t>(1, k), 1, n) : n;
}

void releaseModule(const Side& side, const ModuleRef& m) {
    const model::WeightStore& store = side.lm->loader().store();
    store.release(m.name + ".weight");
    store.release(m.name + ".bias");
    if (m.name == "lm_head") {
        store.release(model::lmHeadWeightName(side.lm->config()));
    }
}

void prefetchModule(const Side& side, const ModuleRef& m) {
    const model::WeightStore& store = side.lm->loader().store();
    store.prefetch(m.name == "lm_head" ? model::lmHeadWeightName(side.lm->config()) : m.name + ".weight");
}

at::Tensor effectiveWeight(const model::PreparedLinear& p) {
    at::Tensor w = p.weight.to(at::kFloat);
    if (!p.lora) {
        return w;
    }
    const model::LoraFactors& lora = *p.lora;
    at::Tensor delta = model::loraDelta(lora).to(at::kFloat);
    if (!lora.magnitude) {
        return w + delta;
    }
    // DoRA unmerged (DoraLinearLayer.forward): y = m / ||W0 + s·BA||_row ⊙ (W x + s·B A x) + bias, with
    // W0 the unquantized base and W the base as the side runs it.
    at::Tensor combined = p.rawWeight.to(at::kFloat) + delta;
    if (lora.fanInFanOut) {
        combined = combined.t();
    }
    at::Tensor factor = (lora.magnitude->to(at::kFloat) / at::linalg_vector_norm(combined, 2, at::IntArrayRef{1}))
                            .view({-1, 1});
    return (lora.fanInFanOut ? factor.t() : factor) * (w + delta);
}

std::pair<at::Tensor, at::Tensor> int4ScaleZero(const at::Tensor& w, int groupSize, quant::DeviceSemantics device) {
    at::Tensor wf = w.to(at::kFloat);
    const std::int64_t n = wf.size(0), k = wf.size(1);
    at::Tensor g = wf.view({n, k / groupSize, groupSize});
    at::Tensor mx = g.amax(-1), mn = g.amin(-1);
    at::Tensor range = at::clamp_min(mx - mn, 1e-6);
    at::Tensor s = quant::divScalar(range, 15, device);
    at::Tensor z = mn + s * 8;
    return {s, z};
}

bool Context::tick(const std::string& stage, const std::string& item, std::int64_t done, std::int64_t total) const {
    if (!progress || !*progress) {
        return true;
    }
    return (*progress)(Progress{stage, item, done, total});
}

Error cancelled() { return makeError(ErrorCode::Cancelled, "verify cancelled"); }

void addSummary(VerifyReport& report, CheckKind kind, CheckStatus status, std::string headline,
                std::vector<KeyNumber> numbers, std::string explanation) {
    CheckSummary s;
    s.kind = kind;
    s.status = status;
    s.headline = std::move(headline);
    s.numbers = std::move(numbers);
    s.explanation = std::move(explanation);
    report.checks.push_back(std::move(s));
}

std::string fmt(double value) {
    if (value == std::numeric_limits<double>::infinity()) {
        return "inf";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", value);
    return buf;
}

}  // namespace ql::checks
