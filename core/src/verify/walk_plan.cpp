#include "verify/walk_plan.h"

#include <quantlens/quant_schemes.h>

namespace ql::checks {
namespace {

bool merges(const Side& s) {
    return s.run.form.form == LinearForm::M;
}

bool unmergedAdapter(const Side& s) {
    return s.hasAdapter() && (s.run.form.form == LinearForm::T || s.run.form.form == LinearForm::TPrime);
}

// The schemes whose convert the convert check models, for the message when it cannot run.
std::string checkedConverts() {
    std::string out;
    for (const QuantSchemeInfo& info : quantSchemes()) {
        if (!info.convertChecked) continue;
        out += (out.empty() ? "" : ", ") + std::string(info.name);
        if (info.family == SchemeFamily::Int4) out += " (PLAIN packing)";
    }
    return out;
}

// The convert step of the eval recipe, for the schemes the table marks convertChecked: int4 PLAIN
// (Int4Tensor), intx (IntxUnpackedToInt8Tensor), or MX / NVFP4 (MXTensor / NVFP4Tensor: the base config's
// to_mx / to_nvfp4, the fake quantizer's own call).
std::optional<DeploymentPlan> convertStep(const VerifyRequest& request, const Side& eval, std::string& why) {
    const Recipe& recipe = *eval.recipe;
    const QuantConfig& q = recipe.quantization;
    const QuantSchemeInfo& scheme = quantSchemeInfo(q.scheme);
    const bool int4 = scheme.family == SchemeFamily::Int4;
    if (!eval.quantized()) {
        why = "the eval recipe has no quantization: nothing to convert";
        return std::nullopt;
    }
    if (!scheme.convertChecked || (int4 && q.int4Packing != Int4PackingFormat::Plain)) {
        why = "the convert check covers " + checkedConverts() + " (eval scheme: " + std::string(scheme.name) +
              (int4 ? ", packing " + std::string(int4PackingFormatName(q.int4Packing)) : "") + ")";
        return std::nullopt;
    }
    DeploymentPlan d;
    d.intx = scheme.family == SchemeFamily::Intx;
    d.blockFormat = scheme.family == SchemeFamily::Mx || scheme.family == SchemeFamily::Nvfp4;
    d.convert = eval.run.form.quant->weight;
    if (int4) {
        d.convert.groupSize = effectiveConvert(q, recipe.torchaoVersion).weightGroupSize;
    }
    d.convert.device = deviceSemantics(request.convertNumerics.value_or(recipe.deviceNumerics));
    return d;
}

}  // namespace

bool convertsModule(const DeploymentPlan& d, const Side& eval, const model::ModuleRef& m) {
    if (!eval.quantizes(m)) return false;
    const int fakeGroup = eval.run.form.quant->weight.groupSize;
    const auto divides = [&m](int group) { return group <= 0 || m.inFeatures % group == 0; };
    return divides(d.convert.groupSize) && divides(fakeGroup);
}

bool servesLoraOnTop(const DeploymentPlan& d, const Side& eval, const model::ModuleRef& m) {
    if (!eval.hasAdapter()) return false;
    return d.asEvaluated ? !eval.merges(m) && eval.run.module(m).form != LinearForm::FQ : d.loraOnTop;
}

WalkPlan makeWalkPlan(const VerifyRequest& request, const Side& train, const Side& eval) {
    WalkPlan plan;
    plan.train = &train;
    plan.eval = &eval;
    plan.blockElements = request.blockElements;
    if (request.checkConvert) {
        if (auto step = convertStep(request, eval, plan.convertSkipReason)) {
            DeploymentPlan like = *step;
            like.id = "like_for_like";
            like.asEvaluated = true;
            if (merges(eval)) {
                like.mergeFirst = true;
                like.title = "merged model converted (as evaluated)";
                like.compares = "Q(W + s·BA) x vs FQ(W + s·BA) x";
            } else if (unmergedAdapter(eval)) {
                like.loraOnTop = true;
                like.title = "converted base, LoRA served unmerged (as evaluated)";
                like.compares = "Q(W) x + s·B(A x) vs FQ(W) x + s·B(A x)";
            } else {
                like.title = "converted model (as evaluated)";
                like.compares = "Q(W) x vs FQ(W) x";
            }
            plan.deployments.push_back(like);
            if (unmergedAdapter(eval) && eval.run.form.form == LinearForm::T) {
                DeploymentPlan merged = *step;
                merged.id = "merge_then_convert";
                merged.title = "LoRA merged, then converted";
                merged.compares = "Q(W + s·BA) x vs FQ(W) x + s·B(A x)";
                merged.mergeFirst = true;
                merged.compareEffective = true;
                plan.deployments.push_back(merged);
            }
        }
    }
    if (request.checkAdapterMerge) {
        const Side* side = nullptr;
        Track which = Track::Eval;
        if (eval.hasAdapter() && merges(eval))
            side = &eval;
        else if (train.hasAdapter() && merges(train))
            side = &train, which = Track::Train;
        else if (eval.hasAdapter())
            side = &eval;
        else if (train.hasAdapter())
            side = &train, which = Track::Train;
        if (!side) {
            plan.mergeSkipReason = "no adapter on either side";
        } else if (!side->quantized()) {
            plan.mergeSkipReason = "no quantization on the " + side->label + " side, which has the adapter";
        } else {
            plan.merge = MergePlan{which, side->run.form.quant->weight};
        }
    }
    return plan;
}

}  // namespace ql::checks
