#include "verify/side.h"

#include "torch/torch_bridge.h"
#include "verify/module_plan.h"

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
        case AdapterForm::Unmerged:
            return LinearForm::T;
        case AdapterForm::Merged:
            return LinearForm::M;
        case AdapterForm::QatAfterPeft:
            return LinearForm::TPrime;
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
        return makeError(ErrorCode::Unsupported,
                         label + " recipe " + recipe.sourceFile + ": dtype " + dtype.error().message);
    }
    side.run.dtype = *dtype;
    side.run.device = device;
    side.run.form.form = sideForm(recipe);
    if (recipe.quantization.scheme != QuantScheme::None) {
        auto spec =
            quant::toFakeQuantSpec(recipe.quantization, recipe.torchaoVersion, deviceSemantics(recipe.deviceNumerics));
        if (!spec) {
            return makeError(spec.error().code, label + " recipe " + recipe.sourceFile + ": " + spec.error().message);
        }
        side.run.form.quant = *spec;
    }
    auto coverage = loadModuleCoverage(recipe);
    if (!coverage) {
        return makeError(coverage.error().code,
                         label + " recipe " + recipe.sourceFile + ": " + coverage.error().message);
    }
    if (auto s = planModules(recipe, *coverage, side.run); !s) {
        return makeError(s.error().code, label + " recipe " + s.error().message);
    }
    return side;
}

}  // namespace ql::checks
