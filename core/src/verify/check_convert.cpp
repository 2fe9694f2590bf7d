// Check 5: eval side's fake-quantized Linear vs what QATConfig(step="convert") deploys (int4 PLAIN):
// codes, bf16 rounding of scale/zero, dequantized weights, bytes and types, and the logits of the
// real-int4 model against the eval logits (torchao-quant.md §3.5).
#include "quant/fake_quant.h"
#include "quant/int4_convert.h"
#include "verify/diff_stream.h"
#include "verify/metrics.h"
#include "verify/verify_parts.h"

namespace ql::checks {
namespace {

struct ConvertPlan {
    int fakeGroup = 128;
    int convertGroup = 128;
    quant::DeviceSemantics fakeDevice = quant::DeviceSemantics::Cpu;
    quant::DeviceSemantics convertDevice = quant::DeviceSemantics::Cpu;
};

std::uint64_t countNe(const at::Tensor& a, const at::Tensor& b) {
    return static_cast<std::uint64_t>(a.ne(b).sum().item<std::int64_t>());
}

// Rows of the module through both paths: fake codes vs convert codes, the bf16 rounding of the
// convert scales/zeros, and the kernel's dequant vs the fake-quantized weight.
struct ConvertBlockTotals {
    std::uint64_t codeMismatches = 0, scalesRounded = 0, zerosRounded = 0;
};

Status convertRows(Context& ctx, const ModuleRef& m, const model::LinearSlot& slot, std::int64_t r0, std::int64_t n,
                   const ConvertPlan& plan, ConvertBlockTotals& totals, DiffStream& dequant) {
    auto p = prepareRows(*ctx.eval, m, slot, r0, n);
    if (!p) {
        return p.error();
    }
    const at::Tensor& w = p->rawWeight;  // merged weight for form M
    const auto real = quant::int4PlainQuantize(w, plan.convertGroup, plan.convertDevice);
    totals.codeMismatches += countNe(quant::int4PlainCodes(w, plan.fakeGroup, plan.fakeDevice), real.codes);
    const auto sd = w.scalar_type();
    totals.scalesRounded += countNe(real.scale.to(sd).to(at::kFloat), real.scale);
    totals.zerosRounded += countNe(real.zero.to(sd).to(at::kFloat), real.zero);
    dequant.add(p->weight, quant::int4PlainDequantize(quant::int4PlainPack(real, sd)), r0);
    return Ok{};
}

Result<ConvertModuleRow> convertModule(Context& ctx, const ModuleRef& m, const ConvertPlan& plan) {
    auto slot = moduleSlot(*ctx.eval, m);
    if (!slot) {
        return slot.error();
    }
    const std::int64_t rows = slot->weight.size(0), cols = slot->weight.size(1);
    const bool quantized = ctx.eval->quantized() && (m.name != "lm_head" || ctx.eval->run.quantizeLmHead);
    const auto dtype = ctx.eval->run.dtype;
    const auto elementSize = static_cast<std::uint64_t>(c10::elementSize(dtype));
    ConvertModuleRow row;
    row.module = m.name;
    row.shape = {rows, cols};
    row.dtypeBefore = c10::toString(dtype);
    row.bytesBefore = static_cast<std::uint64_t>(rows * cols) * elementSize;
    row.typeBefore = quantized ? "FakeQuantizedLinear[int4 g" + std::to_string(plan.fakeGroup) + "]" : "Linear";
    if (!quantized || cols % plan.convertGroup != 0 || cols % plan.fakeGroup != 0) {
        row.typeAfter = "Linear";
        row.dtypeAfter = row.dtypeBefore;
        row.bytesAfter = row.bytesBefore;
        return row;
    }
    row.typeAfter = "Linear[Int4Tensor plain g" + std::to_string(plan.convertGroup) + "]";
    row.dtypeAfter = "int8 (packed int4) + " + std::string(c10::toString(dtype)) + " scale/zero";
    row.bytesAfter = static_cast<std::uint64_t>(rows * cols / 2) +
                     2 * static_cast<std::uint64_t>(rows * (cols / plan.convertGroup)) * elementSize;
    ConvertBlockTotals totals;
    DiffStream dequant(rows, cols, {ctx.request->weightTolerance, 0, 0, false});
    const std::int64_t block = blockRows(rows, cols, rowLocal(*ctx.eval, *slot));
    for (std::int64_t r0 = 0; r0 < rows; r0 += block) {
        if (auto s = convertRows(ctx, m, *slot, r0, std::min(block, rows - r0), plan, totals, dequant); !s) {
            return s.error();
        }
    }
    row.codesIdentical = totals.codeMismatches == 0;
    row.scalesRoundedInBf16 = totals.scalesRounded;
    row.zerosRoundedInBf16 = totals.zerosRounded;
    row.dequant = dequant.sums().result();
    return row;
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

}  // namespace

Status runConvertCheck(Context& ctx) {
    const Recipe& recipe = *ctx.eval->recipe;
    const QuantConfig& q = recipe.quantization;
    if (q.scheme != QuantScheme::Int4WeightOnly || q.int4Packing != Int4PackingFormat::Plain) {
        addSummary(*ctx.report, CheckKind::Convert, CheckStatus::Skipped,
                   "convert check covers int4_weight_only PLAIN only", {},
                   "eval scheme: " + std::string(quantSchemeName(q.scheme)));
        return Ok{};
    }
    ConvertPlan plan;
    plan.fakeGroup = ctx.eval->run.form.quant->weight.groupSize;
    plan.fakeDevice = ctx.eval->run.form.quant->weight.device;
    plan.convertGroup = effectiveConvert(q, recipe.torchaoVersion).weightGroupSize;
    plan.convertDevice = deviceSemantics(ctx.request->convertNumerics.value_or(recipe.deviceNumerics));
    ConvertCheck check;
    const auto total = static_cast<std::int64_t>(ctx.modules.size());
    for (std::int64_t i = 0; i < total; ++i) {
        const ModuleRef& m = ctx.modules[static_cast<std::size_t>(i)];
        if (!ctx.tick("convert", m.name, i, total)) {
            return cancelled();
        }
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
