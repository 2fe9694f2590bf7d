// Check 5: eval side's fake-quantized Linear vs what QATConfig(step="convert") deploys, and the
// logits of the converted model against the eval logits.
//   int4 PLAIN (Int4Tensor, torchao-quant.md §3.5): codes, bf16 rounding of scale/zero, the kernel's
//     dequant vs the fake-quantized weight, bytes and types;
//   intx (IntxUnpackedToInt8Tensor, §4.2-§4.3): dequantize() vs the fake-quantized weight (torchao
//     expects them bit-identical), bytes and types.
#include <numeric>

#include "quant/fake_quant.h"
#include "quant/int4_convert.h"
#include "quant/intx_float8_convert.h"
#include "verify/diff_stream.h"
#include "verify/metrics.h"
#include "verify/verify_parts.h"

namespace ql::checks {
namespace {

struct ConvertPlan {
    bool intx = false;  // IntxUnpackedToInt8Tensor (else Int4Tensor PLAIN)
    int fakeGroup = 128;
    int convertGroup = 128;  // intx: 0 = per row
    quant::DeviceSemantics fakeDevice = quant::DeviceSemantics::Cpu;
    quant::DeviceSemantics convertDevice = quant::DeviceSemantics::Cpu;
    int bits = 4;
    quant::EpsPolicy eps = quant::EpsPolicy::SmallestNormal;
};

std::string groupText(int group) { return group > 0 ? "g" + std::to_string(group) : "per row"; }

std::uint64_t countNe(const at::Tensor& a, const at::Tensor& b) {
    return static_cast<std::uint64_t>(a.ne(b).sum().item<std::int64_t>());
}

// Rows of the module through both paths: fake codes vs convert codes, the bf16 rounding of the
// convert scales/zeros, and the kernel's dequant vs the fake-quantized weight.
struct ConvertBlockTotals {
    std::uint64_t codeMismatches = 0, scalesRounded = 0, zerosRounded = 0;
};

// The common case in one pass: fake and convert quantize alike (same group and division), bf16.
// int4FakeAndConverted's `fake` is the fused fake quant prepareRows would run on the same rows.
Status convertRowsFused(Context& ctx, const ModuleRef& m, const model::LinearSlot& slot, std::int64_t r0,
                        std::int64_t n, const ConvertPlan& plan, ConvertBlockTotals& totals, DiffStream& dequant) {
    auto p = prepareRows(*ctx.eval, m, slot, r0, n, /*quantize=*/false);
    if (!p) {
        return p.error();
    }
    const auto both = quant::int4FakeAndConverted(p->rawWeight.contiguous(), plan.convertGroup, plan.convertDevice);
    totals.scalesRounded += countNe(both.scale.to(at::kBFloat16).to(at::kFloat), both.scale);
    totals.zerosRounded += countNe(both.zero.to(at::kBFloat16).to(at::kFloat), both.zero);
    dequant.add(both.fake, both.dequant, r0);
    return Ok{};
}

bool fusable(const Context& ctx, const ConvertPlan& plan) {
    return plan.fakeGroup == plan.convertGroup && plan.fakeDevice == plan.convertDevice &&
           ctx.eval->run.dtype == at::kBFloat16 && ctx.eval->run.device.is_cpu();
}

Status convertRows(Context& ctx, const ModuleRef& m, const model::LinearSlot& slot, std::int64_t r0, std::int64_t n,
                   const ConvertPlan& plan, ConvertBlockTotals& totals, DiffStream& dequant) {
    if (fusable(ctx, plan)) {
        return convertRowsFused(ctx, m, slot, r0, n, plan, totals, dequant);
    }
    auto p = prepareRows(*ctx.eval, m, slot, r0, n);
    if (!p) {
        return p.error();
    }
    const at::Tensor& w = p->rawWeight;  // merged weight for form M
    const auto real = quant::int4PlainQuantize(w, plan.convertGroup, plan.convertDevice);
    // The fake path's codes are int4PlainCodes with the fake group and division; with the convert's
    // group and division that is the very call above, so only a different plan is recomputed.
    if (plan.fakeGroup != plan.convertGroup || plan.fakeDevice != plan.convertDevice) {
        totals.codeMismatches += countNe(quant::int4PlainCodes(w, plan.fakeGroup, plan.fakeDevice), real.codes);
    }
    const auto sd = w.scalar_type();
    totals.scalesRounded += countNe(real.scale.to(sd).to(at::kFloat), real.scale);
    totals.zerosRounded += countNe(real.zero.to(sd).to(at::kFloat), real.zero);
    dequant.add(p->weight, quant::int4PlainDequantizeCodes(real, sd), r0);
    return Ok{};
}

// A module's slot and its row's "before" columns; `convertible` false: the row is complete (the
// module stays in its float dtype after convert).
struct ModuleStart {
    model::LinearSlot slot;
    ConvertModuleRow row;
    at::ScalarType dtype = at::kBFloat16;
    std::uint64_t elementSize = 2;
    bool convertible = false;
};

Result<ModuleStart> startModule(Context& ctx, const ModuleRef& m, const std::string& fakeType, int group) {
    auto slot = moduleSlot(*ctx.eval, m);
    if (!slot) {
        return slot.error();
    }
    ModuleStart s;
    s.slot = std::move(*slot);
    s.dtype = ctx.eval->run.dtype;
    s.elementSize = static_cast<std::uint64_t>(c10::elementSize(s.dtype));
    const std::int64_t rows = s.slot.weight.size(0), cols = s.slot.weight.size(1);
    const bool quantized = ctx.eval->quantized() && (m.name != "lm_head" || ctx.eval->run.quantizeLmHead);
    ConvertModuleRow& row = s.row;
    row.module = m.name;
    row.shape = {rows, cols};
    row.dtypeBefore = c10::toString(s.dtype);
    row.bytesBefore = static_cast<std::uint64_t>(rows * cols) * s.elementSize;
    row.typeBefore = quantized ? "FakeQuantizedLinear[" + fakeType + "]" : "Linear";
    s.convertible = quantized && (group <= 0 || cols % group == 0);
    if (!s.convertible) {
        row.typeAfter = "Linear";
        row.dtypeAfter = row.dtypeBefore;
        row.bytesAfter = row.bytesBefore;
    }
    return s;
}

// Calls block(r0, n) over the module's row blocks.
template <typename Block>
Status forEachBlock(Context& ctx, const model::LinearSlot& slot, Block block) {
    const std::int64_t rows = slot.weight.size(0);
    const std::int64_t step = blockRows(rows, slot.weight.size(1), rowLocal(*ctx.eval, slot));
    for (std::int64_t r0 = 0; r0 < rows; r0 += step) {
        if (auto s = block(r0, std::min(step, rows - r0)); !s) {
            return s;
        }
    }
    return Ok{};
}

Result<ConvertModuleRow> convertModuleInt4(Context& ctx, const ModuleRef& m, const ConvertPlan& plan) {
    const int group = std::lcm(plan.convertGroup, plan.fakeGroup);  // both groups must divide K
    auto start = startModule(ctx, m, "int4 g" + std::to_string(plan.fakeGroup), group);
    if (!start || !start->convertible) {
        return start ? Result<ConvertModuleRow>(std::move(start->row)) : Result<ConvertModuleRow>(start.error());
    }
    ConvertModuleRow& row = start->row;
    const std::int64_t rows = row.shape[0], cols = row.shape[1];
    row.typeAfter = "Linear[Int4Tensor plain g" + std::to_string(plan.convertGroup) + "]";
    row.dtypeAfter = "int8 (packed int4) + " + std::string(c10::toString(start->dtype)) + " scale/zero";
    row.bytesAfter = static_cast<std::uint64_t>(rows * cols / 2) +
                     2 * static_cast<std::uint64_t>(rows * (cols / plan.convertGroup)) * start->elementSize;
    ConvertBlockTotals totals;
    DiffStream dequant(rows, cols, {ctx.request->weightTolerance, 0, 0, false});
    auto s = forEachBlock(ctx, start->slot, [&](std::int64_t r0, std::int64_t n) {
        return convertRows(ctx, m, start->slot, r0, n, plan, totals, dequant);
    });
    if (!s) {
        return s.error();
    }
    row.codesIdentical = totals.codeMismatches == 0;
    row.scalesRoundedInBf16 = totals.scalesRounded;
    row.zerosRoundedInBf16 = totals.zerosRounded;
    row.dequant = dequant.sums().result();
    return std::move(row);
}

Result<ConvertModuleRow> convertModuleIntx(Context& ctx, const ModuleRef& m, const ConvertPlan& plan) {
    const std::string scheme = "int" + std::to_string(plan.bits) + " " + groupText(plan.convertGroup);
    auto start = startModule(ctx, m, scheme, plan.convertGroup);
    if (!start || !start->convertible) {
        return start ? Result<ConvertModuleRow>(std::move(start->row)) : Result<ConvertModuleRow>(start.error());
    }
    ConvertModuleRow& row = start->row;
    const std::int64_t rows = row.shape[0], cols = row.shape[1];
    const std::int64_t groups = plan.convertGroup > 0 ? cols / plan.convertGroup : 1;
    row.typeAfter = "Linear[IntxUnpackedToInt8Tensor " + scheme + "]";
    row.dtypeAfter = "int8 (int" + std::to_string(plan.bits) + " values) + " +
                     std::string(c10::toString(start->dtype)) + " scale + int8 zero point";
    row.bytesAfter = static_cast<std::uint64_t>(rows * cols) +
                     static_cast<std::uint64_t>(rows * groups) * (start->elementSize + 1);
    DiffStream dequant(rows, cols, {ctx.request->weightTolerance, 0, 0, false});
    auto s = forEachBlock(ctx, start->slot, [&](std::int64_t r0, std::int64_t n) -> Status {
        auto p = prepareRows(*ctx.eval, m, start->slot, r0, n);
        if (!p) {
            return p.error();
        }
        auto q = quant::intxConvert(p->rawWeight, plan.bits, plan.convertGroup, plan.eps, plan.convertDevice);
        if (!q) {
            return q.error();
        }
        dequant.add(p->weight, quant::intxDequantize(*q, start->dtype), r0);
        return Ok{};
    });
    if (!s) {
        return s.error();
    }
    row.dequant = dequant.sums().result();
    return std::move(row);
}

Result<ConvertModuleRow> convertModule(Context& ctx, const ModuleRef& m, const ConvertPlan& plan) {
    return plan.intx ? convertModuleIntx(ctx, m, plan) : convertModuleInt4(ctx, m, plan);
}

Status convertLogits(Context& ctx, ConvertCheck& check, const ConvertPlan& plan) {
    if (ctx.evalLogitsPerPrompt.empty()) {
        return Ok{};
    }
    model::ForwardOptions opts;
    opts.run = ctx.eval->run;
    opts.attention = ctx.request->attention;
    opts.run.form.form = LinearForm::Q;
    opts.run.form.quant->weight.groupSize = plan.convertGroup;
    opts.run.form.quant->weight.device = plan.convertDevice;
    auto real = ctx.eval->lm->forward(ctx.prompts, opts);
    if (!real) {
        return real.error();
    }
    DiffAccumulator acc;
    std::vector<at::Tensor> fakeAll, realAll;
    for (std::size_t i = 0; i < real->size(); ++i) {
        acc.add(ctx.evalLogitsPerPrompt[i], (*real)[i], ctx.request->logitTolerance);
        fakeAll.push_back(ctx.evalLogitsPerPrompt[i].reshape({-1, ctx.evalLogitsPerPrompt[i].size(-1)}));
        realAll.push_back((*real)[i].reshape({-1, (*real)[i].size(-1)}));
    }
    at::Tensor f = at::cat(fakeAll), r = at::cat(realAll);
    check.logits = acc.result();
    check.logitsAbsDiff = absDiffHistogram(f, r);
    check.argmaxAgreement = topKAgreement(f, r, 1);
    return Ok{};
}

void summarizeIntx(Context& ctx, const ConvertCheck& check) {
    std::int64_t differing = 0;
    double maxAbs = 0.0;
    for (const auto& r : check.modules) {
        differing += r.dequant.outOfTolerance > 0 ? 1 : 0;
        maxAbs = std::max(maxAbs, r.dequant.maxAbs);
    }
    const bool pass = differing == 0;
    std::string headline = (pass ? std::string("converted weights equal the fake-quantized ones in every module")
                                 : std::to_string(differing) + " modules' converted weights differ (max |Δ| " + fmt(maxAbs) + ")") +
                           "; converted logits max |Δ| " + fmt(check.logits.maxAbs) + ", argmax agreement " +
                           fmt(check.argmaxAgreement);
    std::string why = "IntxUnpackedToInt8Tensor keeps the int8 codes and the scale in the weight dtype that the "
                      "fake quantizer computes, and its linear dequantizes then runs F.linear: the converted "
                      "model should match the fake-quantized one bit for bit.";
    if (!pass) {
        why += " It does not: convert quantizes differently (device numerics, eps or group).";
    }
    addSummary(*ctx.report, CheckKind::Convert, pass ? CheckStatus::Pass : CheckStatus::Fail, headline,
               {{"bytes before", std::to_string(check.bytesBefore)}, {"bytes after", std::to_string(check.bytesAfter)},
                {"modules differing", std::to_string(differing)}, {"weights max |Δ|", fmt(maxAbs)},
                {"logits max |Δ|", fmt(check.logits.maxAbs)}, {"argmax agreement", fmt(check.argmaxAgreement)}},
               why);
}

}  // namespace

Status runConvertCheck(Context& ctx) {
    const Recipe& recipe = *ctx.eval->recipe;
    const QuantConfig& q = recipe.quantization;
    const bool int4 = q.scheme == QuantScheme::Int4WeightOnly && q.int4Packing == Int4PackingFormat::Plain;
    const bool intx = q.scheme == QuantScheme::IntxWeightOnly || q.scheme == QuantScheme::Int8DynamicActivationIntxWeight;
    if (!int4 && !intx) {
        addSummary(*ctx.report, CheckKind::Convert, CheckStatus::Skipped,
                   "convert check covers int4_weight_only PLAIN and intx weights only", {},
                   "eval scheme: " + std::string(quantSchemeName(q.scheme)));
        return Ok{};
    }
    const quant::FakeQuantSpec& fake = ctx.eval->run.form.quant->weight;
    ConvertPlan plan;
    plan.intx = intx;
    plan.fakeGroup = fake.groupSize;
    plan.fakeDevice = fake.device;
    plan.convertGroup = intx ? fake.groupSize : effectiveConvert(q, recipe.torchaoVersion).weightGroupSize;
    plan.convertDevice = deviceSemantics(ctx.request->convertNumerics.value_or(recipe.deviceNumerics));
    plan.bits = fake.bits;
    plan.eps = fake.eps;
    ConvertCheck check;
    const auto total = static_cast<std::int64_t>(ctx.modules.size());
    for (std::int64_t i = 0; i < total; ++i) {
        const ModuleRef& m = ctx.modules[static_cast<std::size_t>(i)];
        if (!ctx.tick("convert", m.name, i, total)) {
            return cancelled();
        }
        prefetchModule(*ctx.eval, m);
        auto row = convertModule(ctx, m, plan);
        releaseModule(*ctx.eval, m);
        if (!row) {
            ctx.report->warnings.push_back({"skipped_module", m.name, "convert: " + row.error().message});
            continue;
        }
        check.bytesBefore += row->bytesBefore;
        check.bytesAfter += row->bytesAfter;
        check.modules.push_back(std::move(*row));
    }
    if (auto s = convertLogits(ctx, check, plan); !s) {
        return s.error();
    }
    if (plan.intx) {
        summarizeIntx(ctx, check);
        ctx.report->convert = std::move(check);
        return Ok{};
    }
    std::int64_t codeMismatch = 0;
    std::uint64_t scalesRounded = 0;
    for (const auto& r : check.modules) {
        codeMismatch += (r.codesIdentical && !*r.codesIdentical) ? 1 : 0;
        scalesRounded += r.scalesRoundedInBf16;
    }
    const bool pass = codeMismatch == 0;
    std::string headline = (pass ? "codes identical in every module" : std::to_string(codeMismatch) + " modules change codes") +
                           std::string("; real-int4 logits max |Δ| ") + fmt(check.logits.maxAbs) + ", argmax agreement " +
                           fmt(check.argmaxAgreement);
    std::string why = "Convert rounds each group's fp32 scale and zero to bf16 (" + std::to_string(scalesRounded) +
                      " scales changed) and runs the int4 kernel's dequant; that gap is expected. ";
    if (!pass) {
        why += "Codes differ: fake quant (group " + std::to_string(plan.fakeGroup) + ") and convert (group " +
               std::to_string(plan.convertGroup) + ") do not quantize alike (group size or device numerics).";
    }
    addSummary(*ctx.report, CheckKind::Convert, pass ? CheckStatus::Pass : CheckStatus::Fail, headline,
               {{"bytes before", std::to_string(check.bytesBefore)}, {"bytes after", std::to_string(check.bytesAfter)},
                {"logits max |Δ|", fmt(check.logits.maxAbs)}, {"logits mean |Δ|", fmt(check.logits.meanAbs)},
                {"argmax agreement", fmt(check.argmaxAgreement)}},
               why);
    ctx.report->convert = std::move(check);
    return Ok{};
}

}  // namespace ql::checks
