// One side of a verification (train or eval): its recipe, its opened model (+ adapter) and how its
// forward runs (dtype, device, Linear form, fake-quant spec, and per module: verify/module_plan.h).
#pragma once

#include <ATen/ATen.h>

#include <optional>
#include <string>

#include "model/causal_lm.h"
#include "quant/fake_quant_spec.h"
#include "quantlens/recipe.h"
#include "quantlens/result.h"

namespace ql::checks {

struct Side {
    const Recipe* recipe = nullptr;
    std::string label;  // "train" / "eval"
    std::optional<model::CausalLm> lm;
    model::RunSpec run;
    bool quantized() const { return run.form.quant.has_value(); }
    bool hasAdapter() const { return lm && lm->loader().adapter() != nullptr; }
    // Whether the side fake-quantizes module `m` (the side's module plan: filters, module_forms,
    // switched-off fake quantizers).
    bool quantizes(const model::ModuleRef& m) const { return quantized() && run.quantizes(m); }
    // Module `m`'s form with its quantization switches (module_forms may override the side's form).
    model::FormSpec formOf(const model::ModuleRef& m) const { return run.formOf(m); }
    // Whether module `m` merges its LoRA into the base (form M).
    bool merges(const model::ModuleRef& m) const { return run.module(m).form == LinearForm::M; }
};

quant::DeviceSemantics deviceSemantics(DeviceNumerics numerics);
// The form of the recipe's Linears: F / FQ without adapter, T / T' / M with one.
LinearForm sideForm(const Recipe& recipe);
// `sameBase`: an opened side; when both recipes name the same model directory this side shares its
// mapped checkpoint (one mapping, one set of page faults).
Result<Side> openSide(const Recipe& recipe, const std::string& label, const at::Device& device,
                      const Side* sameBase = nullptr);

}  // namespace ql::checks
