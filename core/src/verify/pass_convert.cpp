#include "verify/pass_convert.h"

#include <algorithm>
#include <numeric>

#include "verify/argmax_flips.h"
#include "verify/metrics.h"
#include "verify/summary.h"

namespace ql::checks {
namespace {

std::string groupText(int group) {
    return group > 0 ? "g" + std::to_string(group) : "per row";
}

}  // namespace

ConvertPass::ConvertPass(const WalkPlan& plan, const VerifyRequest& request) : m_plan(plan), m_request(request) {
    for (const DeploymentPlan& d : plan.deployments) {
        ConvertDeployment c;
        c.id = d.id;
        c.title = d.title;
        c.compares = d.compares;
        m_deployments.push_back(std::move(c));
    }
    m_current.resize(plan.deployments.size());
}

namespace {

// "MX float8_e4m3fn b32 RCEIL", "NVFP4 b16 + per-tensor scale": what MXTensor / NVFP4Tensor store.
std::string blockFormatText(const quant::FakeQuantSpec& s) {
    if (s.kind == quant::FqKind::Nvfp4)
        return std::string("NVFP4 b16") + (s.perTensorScale ? " + per-tensor scale" : "");
    return "MX " + std::string(quantDTypeName(s.elem)) + " b" + std::to_string(s.groupSize) + " " +
           std::string(mxScaleModeName(s.mxMode));
}

// Bytes, dtype and type of an MXTensor / NVFP4Tensor weight: codes (fp8 one byte, fp4 half a byte) plus a
// one-byte scale per block (E8M0 / e4m3) and NVFP4's fp32 per-tensor scale.
void blockFormatRow(ConvertModuleRow& row, const quant::FakeQuantSpec& s, const std::string& lora) {
    const auto elems = static_cast<std::uint64_t>(row.shape[0] * row.shape[1]);
    const bool fp4 = s.kind == quant::FqKind::Nvfp4 || s.elem == QuantDType::Float4E2M1;
    const bool nvfp4 = s.kind == quant::FqKind::Nvfp4;
    row.typeAfter = std::string(nvfp4 ? "Linear[NVFP4Tensor " : "Linear[MXTensor ") + blockFormatText(s) + "]" + lora;
    row.dtypeAfter = std::string(fp4 ? "uint8 (packed fp4 e2m1)" : std::string(quantDTypeName(s.elem))) +
                     (nvfp4 ? " + float8_e4m3fn block scale" : " + float8_e8m0fnu block scale") +
                     (nvfp4 && s.perTensorScale ? " + fp32 per-tensor scale" : "");
    row.bytesAfter = (fp4 ? elems / 2 : elems) + elems / static_cast<std::uint64_t>(s.groupSize) +
                     (nvfp4 && s.perTensorScale ? 4 : 0);
}

}  // namespace

ConvertModuleRow ConvertPass::startRow(const model::ModuleRef& m, const DeploymentPlan& d, bool& converted) const {
    const Side& eval = *m_plan.eval;
    const at::ScalarType dtype = eval.run.dtype;
    const auto elementSize = static_cast<std::uint64_t>(c10::elementSize(dtype));
    const std::int64_t rows = m.outFeatures, cols = m.inFeatures;
    const bool quantized = eval.quantizes(m);
    const quant::FakeQuantSpec& fake = eval.run.form.quant->weight;
    ConvertModuleRow row;
    row.module = m.name;
    row.shape = {rows, cols};
    row.dtypeBefore = c10::toString(dtype);
    row.bytesBefore = static_cast<std::uint64_t>(rows * cols) * elementSize;
    const std::string scheme = d.blockFormat ? blockFormatText(d.convert)
                               : d.intx ? "int" + std::to_string(d.convert.bits) + " " + groupText(d.convert.groupSize)
                                        : "int4 g" + std::to_string(fake.groupSize);
    row.typeBefore = quantized ? "FakeQuantizedLinear[" + scheme + "]" : "Linear";
    converted = convertsModule(d, eval, m);
    const std::string lora = servesLoraOnTop(d, eval, m) ? " + LoRA (unmerged)" : "";
    if (!converted) {
        row.typeAfter = "Linear" + lora;
        row.dtypeAfter = row.dtypeBefore;
        row.bytesAfter = row.bytesBefore;
        return row;
    }
    if (d.blockFormat) {
        blockFormatRow(row, d.convert, lora);
    } else if (d.intx) {
        const std::int64_t groups = d.convert.groupSize > 0 ? cols / d.convert.groupSize : 1;
        row.typeAfter = "Linear[IntxUnpackedToInt8Tensor " + scheme + "]" + lora;
        row.dtypeAfter = "int8 (int" + std::to_string(d.convert.bits) + " values) + " +
                         std::string(c10::toString(dtype)) + " scale + int8 zero point";
        row.bytesAfter =
            static_cast<std::uint64_t>(rows * cols) + static_cast<std::uint64_t>(rows * groups) * (elementSize + 1);
    } else {
        row.typeAfter = "Linear[Int4Tensor plain g" + std::to_string(d.convert.groupSize) + "]" + lora;
        row.dtypeAfter = "int8 (packed int4) + " + std::string(c10::toString(dtype)) + " scale/zero";
        row.bytesAfter = static_cast<std::uint64_t>(rows * cols / 2) +
                         2 * static_cast<std::uint64_t>(rows * (cols / d.convert.groupSize)) * elementSize;
    }
    return row;
}

void ConvertPass::beginModule(const model::ModuleRef& m, const ModuleInputs&) {
    for (std::size_t d = 0; d < m_current.size(); ++d) {
        Module& cur = m_current[d];
        cur = Module{};
        const DeploymentPlan& plan = m_plan.deployments[d];
        cur.row = startRow(m, plan, cur.converted);
        const int group = plan.convert.groupSize;
        cur.groups =
            cur.converted ? static_cast<std::uint64_t>(m.outFeatures * (group > 0 ? m.inFeatures / group : 1)) : 0;
        cur.dequant.emplace(m.outFeatures, m.inFeatures, DiffStream::Options{m_request.weightTolerance, 0, 0, false});
    }
}

void ConvertPass::addRows(const model::ModuleRef&, const ModuleRows& rows) {
    for (std::size_t d = 0; d < m_current.size(); ++d) {
        const DeploymentRows& r = rows.deployments[d];
        Module& cur = m_current[d];
        if (!r.converted) {
            continue;
        }
        cur.dequant->add(r.reference, r.deployed, rows.row0);
        std::lock_guard<std::mutex> lock(m_mutex);
        if (r.codeMismatches) {
            cur.codeMismatches += *r.codeMismatches;
            cur.codesCompared = true;
        }
        cur.row.scalesRoundedInBf16 += r.scalesRounded;
        cur.row.zerosRoundedInBf16 += r.zerosRounded;
    }
}

void ConvertPass::endModule(const model::ModuleRef&) {
    for (std::size_t d = 0; d < m_current.size(); ++d) {
        Module& cur = m_current[d];
        ConvertDeployment& dep = m_deployments[d];
        if (cur.converted) {
            cur.row.dequant = cur.dequant->sums().result();
            if (cur.codesCompared && !m_plan.deployments[d].intx && !m_plan.deployments[d].blockFormat) {
                cur.row.codesIdentical = cur.codeMismatches == 0;
                dep.modulesCodesDiffer += cur.codeMismatches == 0 ? 0 : 1;
            }
        }
        dep.groupsTotal += cur.groups;
        dep.scalesRoundedInBf16 += cur.row.scalesRoundedInBf16;
        dep.zerosRoundedInBf16 += cur.row.zerosRoundedInBf16;
        dep.dequantMaxAbs = std::max(dep.dequantMaxAbs, cur.row.dequant.maxAbs);
        dep.bytesBefore += cur.row.bytesBefore;
        dep.bytesAfter += cur.row.bytesAfter;
        dep.modules.push_back(std::move(cur.row));
        cur.dequant.reset();
    }
}

void ConvertPass::addLogits(const std::vector<std::vector<at::Tensor>>& logits) {
    const auto& eval = logits[trackIndex(Track::Eval)];
    for (std::size_t d = 0; d < m_deployments.size(); ++d) {
        const auto& deployed = logits[trackIndex(Track::FirstDeployment) + d];
        DiffAccumulator acc;
        std::vector<at::Tensor> fakeAll, realAll;
        for (std::size_t i = 0; i < eval.size(); ++i) {
            const at::Tensor f = eval[i].to(at::kCPU), r = deployed[i].to(at::kCPU);
            acc.add(f, r, m_request.convertTolerance);
            addArgmaxFlips(f, r, static_cast<int>(i), m_request.convertTolerance, m_deployments[d]);
            fakeAll.push_back(f.reshape({-1, f.size(-1)}));
            realAll.push_back(r.reshape({-1, r.size(-1)}));
        }
        const at::Tensor f = at::cat(fakeAll), r = at::cat(realAll);
        ConvertDeployment& dep = m_deployments[d];
        dep.logits = acc.result();
        dep.logitsAbsDiff = absDiffHistogram(f, r);
        dep.argmaxAgreement = topKAgreement(f, r, 1);
        dep.pass = passes(dep, m_plan.deployments[d].intx || m_plan.deployments[d].blockFormat);
    }
}

bool ConvertPass::passes(const ConvertDeployment& d, bool intx) const {
    bool weights = d.modulesCodesDiffer == 0;
    if (intx) {
        for (const ConvertModuleRow& r : d.modules) {
            weights = weights && r.dequant.outOfTolerance == 0;
        }
    }
    const bool argmax = !m_request.argmaxThreshold || d.argmaxAgreement >= *m_request.argmaxThreshold;
    return weights && d.logits.outOfTolerance == 0 && d.flipsBeyondTolerance == 0 && argmax;
}

namespace {

std::string count(std::int64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// "5 of 121 positions flip the top token: 5 near ties (margin <= the convert tolerance), 0 beyond it"
std::string flipsText(const ConvertDeployment& d) {
    if (d.flipsTotal == 0) return "no position changes its top token";
    return std::to_string(d.flipsTotal) + " of " + count(d.positions, "position", "positions") +
           " change the top token: " + count(d.flipsNearTie, "near tie", "near ties") +
           " (fake-quant margin within the convert tolerance), " + std::to_string(d.flipsBeyondTolerance) +
           " beyond it";
}

// The largest margin and deviation among the near-tie flips: what the format's rounding reversed.
std::string nearTieRange(const ConvertDeployment& d) {
    double margin = 0.0, deviation = 0.0;
    for (const ArgmaxFlip& f : d.flips) {
        if (!f.nearTie) continue;
        margin = std::max(margin, f.margin);
        deviation = std::max({deviation, std::abs(f.deviationFakeTop), std::abs(f.deviationDeployedTop)});
    }
    return "margins up to " + fmt(margin) + ", deviations of the two tokens up to " + fmt(deviation);
}

std::string formatCostText(const ConvertDeployment& d, bool intx, bool blockFormat) {
    if (blockFormat) {
        return "MXTensor / NVFP4Tensor store the codes and block scales of the same to_mx / to_nvfp4 call the fake "
               "quantizer makes, and their EMULATED linear dequantizes them: the format costs nothing (dequant max "
               "|Δ| " +
               fmt(d.dequantMaxAbs) + ", logits max |Δ| " + fmt(d.logits.maxAbs) +
               "; the Blackwell GEMM of AUTO / NVFP4 is emulated). ";
    }
    if (intx) {
        return "IntxUnpackedToInt8Tensor keeps the int8 codes and the scale the fake quantizer computes: the "
               "format costs nothing (dequant max |Δ| " +
               fmt(d.dequantMaxAbs) + ", logits max |Δ| " + fmt(d.logits.maxAbs) + "). ";
    }
    return "What the int4 storage format costs (measured, not a failure): Int4Tensor stores each group's scale and "
           "zero in bf16, so " +
           std::to_string(d.scalesRoundedInBf16) + " of " + std::to_string(d.groupsTotal) + " group scales and " +
           std::to_string(d.zerosRoundedInBf16) +
           " zero points change when stored; the "
           "dequantized weights move by up to " +
           fmt(d.dequantMaxAbs) + " and the logits by up to " + fmt(d.logits.maxAbs) + " (mean " +
           fmt(d.logits.meanAbs) + "); argmax agreement " + percent(d.argmaxAgreement) +
           " (the notebook's \"Predictions match\"); " + flipsText(d) + ". ";
}

}  // namespace

std::pair<CheckSummary, std::optional<ConvertCheck>> ConvertPass::finish() const {
    if (m_deployments.empty()) {
        const std::string why = m_request.checkConvert ? m_plan.convertSkipReason : "not requested";
        return {makeSummary(CheckKind::Convert, CheckStatus::Skipped, why, {}, "",
                            "The convert check compares the eval side's fake-quantized model with the model "
                            "QATConfig(step=\"convert\") deploys; it did not run: " +
                                why + "."),
                std::nullopt};
    }
    ConvertCheck check;
    check.deployments = m_deployments;
    check.argmaxThreshold = m_request.argmaxThreshold;
    const ConvertDeployment& main = check.deployments.front();
    const bool blockFormat = m_plan.deployments.front().blockFormat;
    const bool intx = m_plan.deployments.front().intx || blockFormat;  // both: converted weights == fake ones
    const std::string tolerance = toleranceText(m_request.convertTolerance);
    const std::string weightsRule = intx ? "the converted weights equal the fake-quantized ones in every module"
                                         : "the converted int4 codes equal the fake quant's codes in every module";
    std::string rule = "pass when " + weightsRule + ", every deployed logit is within the convert tolerance (" +
                       tolerance +
                       ") of the fake-quant one, and no position changes its top token where the "
                       "fake-quant model preferred it by more than that tolerance";
    if (m_request.argmaxThreshold) {
        rule += ", and (--argmax-threshold) argmax agreement >= " + percent(*m_request.argmaxThreshold);
    }
    rule += "; judged on \"" + main.title + "\"";
    std::string what = "Converted the eval model as torchao's QATConfig(step=\"convert\") would (" + main.compares +
                       ") and ran it on the prompts. ";
    if (main.modulesCodesDiffer > 0) {
        what += std::to_string(main.modulesCodesDiffer) +
                " modules change codes: convert does not quantize like "
                "the fake quant (group size or device numerics; see the config check), so the deployed model is not "
                "the model you evaluated. Make convert use the fake quant's group size and numerics. ";
    } else {
        what += intx ? "The converted weights equal the fake-quantized ones in every module. "
                     : "The converted model quantizes exactly as the fake quant: the int4 codes are identical in every "
                       "module. ";
    }
    if (main.logits.outOfTolerance > 0) {
        what += std::to_string(main.logits.outOfTolerance) +
                " logits move by more than the convert tolerance (max |Δ| " + fmt(main.logits.maxAbs) + "). ";
    }
    if (main.flipsBeyondTolerance > 0) {
        what += std::to_string(main.flipsBeyondTolerance) +
                " positions change a top token the fake-quant model "
                "preferred by more than the convert tolerance: what you deploy does not behave like what you "
                "evaluated. ";
    }
    what += formatCostText(main, intx, blockFormat);
    if (main.flipsNearTie > 0) {
        what += "The near-tie flips (" + nearTieRange(main) +
                ") are what bf16 scale/zero rounding does to top "
                "tokens that were already nearly tied; they are not a defect of the pipeline. ";
    }
    if (m_request.argmaxThreshold && main.argmaxAgreement < *m_request.argmaxThreshold) {
        what += "Argmax agreement " + percent(main.argmaxAgreement) + " is below the --argmax-threshold of " +
                percent(*m_request.argmaxThreshold) + ". ";
    }
    if (main.pass) {
        what += "The deployed model agrees with the evaluated one under the rule. ";
    }
    if (check.deployments.size() > 1) {
        const ConvertDeployment& merged = check.deployments[1];
        what += "Merging the LoRA before converting (" + merged.compares + ") gives logits max |Δ| " +
                fmt(merged.logits.maxAbs) + ", argmax agreement " + percent(merged.argmaxAgreement) + " and " +
                std::to_string(merged.flipsBeyondTolerance) + " flips beyond the tolerance" +
                (merged.pass ? ": that deployment would also pass."
                             : ": that deployment would fail the rule; serve the adapter unmerged on the int4 base, or "
                               "train with the merged weight quantized (merge before QAT).");
    }
    std::vector<KeyNumber> numbers{keyCount("modules changing codes", main.modulesCodesDiffer),
                                   keyMeasure("logits max |Δ|", main.logits.maxAbs, "absolute"),
                                   keyMeasure("logits mean |Δ|", main.logits.meanAbs, "absolute"),
                                   keyFraction("argmax agreement", main.argmaxAgreement),
                                   keyCount("flips near tie", main.flipsNearTie),
                                   keyCount("flips beyond tolerance", main.flipsBeyondTolerance),
                                   keyCountOf("bf16-rounded scales", main.scalesRoundedInBf16, main.groupsTotal),
                                   keyBytes("bytes before", main.bytesBefore),
                                   keyBytes("bytes after", main.bytesAfter)};
    for (std::size_t i = 1; i < check.deployments.size(); ++i) {  // the other deployments, with their verdicts
        const ConvertDeployment& other = check.deployments[i];
        numbers.push_back(keyFraction(other.title + ": argmax agreement", other.argmaxAgreement));
        numbers.push_back(keyText(other.title + ": verdict", other.pass ? "pass" : "fail"));
    }
    std::string headline =
        (main.modulesCodesDiffer == 0
             ? std::string(intx ? "converted weights as fake-quantized" : "codes identical in every module")
             : std::to_string(main.modulesCodesDiffer) + " modules change codes") +
        "; deployed logits max |Δ| " + fmt(main.logits.maxAbs) + ", argmax agreement " + percent(main.argmaxAgreement) +
        " (" + std::to_string(main.flipsNearTie) + " near-tie, " + std::to_string(main.flipsBeyondTolerance) +
        " real flips)";
    return {makeSummary(CheckKind::Convert, main.pass ? CheckStatus::Pass : CheckStatus::Fail, headline,
                        std::move(numbers), rule, what),
            std::move(check)};
}

}  // namespace ql::checks
