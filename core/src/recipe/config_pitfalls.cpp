// Known torchao / LoRA pitfalls (each names the torchao behaviour it reports).
#include "recipe/config_pitfalls.h"

#include <quantlens/quant_schemes.h>
#include <quantlens/torchao_releases.h>

namespace ql::recipe {

namespace {

void add(std::vector<ConfigFinding>& out, std::string id, std::string side, std::string field, FindingSeverity severity,
         bool changes, std::string message) {
    out.push_back(
        ConfigFinding{std::move(id), std::move(side), std::move(field), severity, changes, std::move(message)});
}

bool isQat(const QuantConfig& c) {
    return c.qatStep == QatStep::Prepare || c.qatStep == QatStep::Convert;
}

void groupSizePitfall(const Recipe& r, const std::string& side, std::vector<ConfigFinding>& out) {
    const auto& c = r.quantization;
    if (c.scheme != QuantScheme::Int4WeightOnly || !isQat(c) || r.torchaoVersion >= kTorchaoQatHonoursGroupSize ||
        c.weight.groupSize == 128)
        return;
    add(out, "fake_group_size_128", side, "quantization.group_size", FindingSeverity::Warning, false,
        "torchao " + torchaoVersionName(r.torchaoVersion) +
            " QAT prepare fake-quantizes with group 128 whatever "
            "group_size says, but convert quantizes with group_size=" +
            std::to_string(c.weight.groupSize) +
            ": prepare and convert disagree (pytorch/ao#3572, fixed by #4518 in 0.18)");
}

void algorithmPitfalls(const Recipe& r, const std::string& side, std::vector<ConfigFinding>& out) {
    const auto& c = r.quantization;
    if (c.scheme != QuantScheme::Int4WeightOnly || c.int4Algorithm != Int4ChooseQParamsAlgorithm::Hqq) return;
    if (isQat(c)) {
        const auto cv = effectiveConvert(c, r.torchaoVersion);
        add(out, "hqq_unsupported_in_qat", side, "quantization.int4_choose_qparams_algorithm",
            c.qatStep == QatStep::Convert && !cv.supported ? FindingSeverity::Error : FindingSeverity::Warning, false,
            "int4_choose_qparams_algorithm HQQ is not supported in QAT: prepare ignores it (min/max fake quant) and "
            "convert " +
                (cv.supported ? std::string("quantizes with HQQ, unlike the fake quant") : "fails: " + cv.rejection));
    } else if (c.int4Packing == Int4PackingFormat::Plain || c.int4Packing == Int4PackingFormat::Preshuffled) {
        add(out, "choose_qparams_ignored", side, "quantization.int4_choose_qparams_algorithm", FindingSeverity::Info,
            false,
            "int4_choose_qparams_algorithm is ignored by " + std::string(int4PackingFormatName(c.int4Packing)) +
                " packing");
    }
    if (c.qatStep == QatStep::Prepare) {
        add(out, "choose_qparams_ignored", side, "quantization.int4_choose_qparams_algorithm", FindingSeverity::Info,
            false, "int4_choose_qparams_algorithm is ignored by QAT prepare (its fake quantizer always uses min/max)");
    }
}

void prepareRejected(const Recipe& r, const std::string& side, std::vector<ConfigFinding>& out) {
    const auto& c = r.quantization;
    if (c.qatStep != QatStep::Prepare || c.scheme == QuantScheme::None) return;
    const auto fq = effectiveFakeQuant(c, r.torchaoVersion);
    if (fq.prepareSupported) return;
    if (c.scheme == QuantScheme::Int8DynamicActivationInt4Weight && r.torchaoVersion >= kTorchao8da4wQatRemoved) {
        add(out, "qat_8da4w_removed", side, "torchao_version", FindingSeverity::Error, false,
            "QATConfig(Int8DynamicActivationInt4WeightConfig) was removed in torchao 0.17 (class moved to prototype); "
            "torchao " +
                torchaoVersionName(r.torchaoVersion) + " cannot prepare it");
    } else if (c.scheme == QuantScheme::Int4WeightOnly) {
        add(out, "packing_rejected_by_prepare", side, "quantization.int4_packing_format", FindingSeverity::Error, false,
            fq.prepareRejection + " (ValueError in _infer_fake_quantize_configs)");
    } else {
        add(out, "prepare_rejected", side, "quantization.scheme", FindingSeverity::Error, false, fq.prepareRejection);
    }
}

void convertPitfalls(const Recipe& r, const std::string& side, std::vector<ConfigFinding>& out) {
    const auto& c = r.quantization;
    if (c.qatStep == QatStep::Convert && !c.hasBaseConfig) {
        add(out, "convert_without_base_config", side, "quantization.base_config", FindingSeverity::Warning, false,
            "QATConfig(step=\"convert\") without base_config only swaps FakeQuantizedLinear back to nn.Linear: "
            "the weights stay bf16 (unslothai/unsloth#3948)");
    }
    if (c.scheme == QuantScheme::Int8DynamicActivationInt4Weight && isQat(c) &&
        r.torchaoVersion < kTorchao8da4wQatRemoved) {
        add(out, "8da4w_activation_eps", side, "quantization.scheme", FindingSeverity::Info, false,
            "8da4w QAT fake-quantizes activations with eps = finfo(bf16).eps but the converted model uses "
            "finfo(fp32).eps: prepare and convert differ for tiny-range tokens");
    }
}

void layerPitfalls(const Recipe& r, const std::string& side, const std::vector<LayerShape>& layers,
                   std::vector<ConfigFinding>& out) {
    const auto& c = r.quantization;
    if (c.scheme == QuantScheme::None || layers.empty()) return;
    const int group = c.qatStep == QatStep::Prepare ? effectiveFakeQuant(c, r.torchaoVersion).weightGroupSize
                                                    : effectiveConvert(c, r.torchaoVersion).weightGroupSize;
    if (group <= 0) return;
    std::string names;
    int count = 0;
    for (const auto& layer : layers) {
        if (layer.inFeatures % group == 0) continue;
        if (++count <= 3)
            names += (names.empty() ? "" : ", ") + layer.module + " (K=" + std::to_string(layer.inFeatures) + ")";
    }
    if (count == 0) return;
    add(out, "k_not_divisible", side, "quantization.group_size", FindingSeverity::Warning, false,
        std::to_string(count) + " layer(s) have in_features not divisible by group size " + std::to_string(group) +
            ": " + names + (count > 3 ? ", ..." : "") +
            "; convert leaves them bf16, while QAT prepare fails at the first forward (int4) or at prepare (intx)");
}

std::string switchState(const QuantConfig& c) {
    if (!c.fakeQuantEnabled) return "disabled (enabled: false)";
    if (c.fakeQuantAfterSteps) return "enabled after step " + std::to_string(*c.fakeQuantAfterSteps);
    return "enabled";
}

void fakeQuantSwitchPitfall(const Recipe& r, const std::string& side, std::vector<ConfigFinding>& out) {
    const auto& c = r.quantization;
    if (c.qatStep != QatStep::Prepare || c.scheme == QuantScheme::None) return;
    if (!c.fakeQuantEnabled) {
        add(out, "fake_quant_disabled", side, "quantization.enabled", FindingSeverity::Warning, false,
            "the fake quantizers of this side are switched off (torchao FakeQuantizer.enabled = False, e.g. "
            "disable_linear_fake_quant): its Linears compute with float weights although the model is QAT-prepared");
    }
    if (c.fakeQuantAfterSteps) {
        const bool known = r.adapter && r.adapter->globalStep;
        const std::int64_t at = known ? *r.adapter->globalStep : 0;
        const std::string step = std::to_string(at);
        const bool before = known && at < *c.fakeQuantAfterSteps;
        add(out, "fake_quant_after_steps", side, "quantization.fake_quant_after_steps",
            before ? FindingSeverity::Warning : FindingSeverity::Info, false,
            "fake quant was switched on after step " + std::to_string(*c.fakeQuantAfterSteps) + " of training" +
                (known
                     ? (before ? "; this checkpoint (step " + step + ") was trained without it, so the side runs float"
                               : "; this checkpoint (step " + step + ") trained with it for its last " +
                                     std::to_string(at - *c.fakeQuantAfterSteps) + " steps")
                     : "; the adapter's training step is unknown (no trainer_state.json), so QuantLens assumes it is "
                       "on"));
    }
}

// MX / NVFP4 (torchao prototype/qat/mx.py, nvfp4.py): what runs where.
void blockFormatPitfalls(const Recipe& r, const std::string& side, std::vector<ConfigFinding>& out) {
    const auto& c = r.quantization;
    if (c.scheme == QuantScheme::MxDynamicActivationMxWeight && c.kernelPreference == KernelPreference::Auto) {
        add(out, "mx_auto_kernel_emulated", side, "quantization.kernel_preference", FindingSeverity::Info, false,
            "kernel_preference AUTO (the MXDynamicActivationMXWeightConfig default) multiplies with torch._scaled_mm "
            "on MX block scales, which needs a Blackwell GPU (on CPU it raises); QuantLens quantizes exactly as "
            "torchao and emulates the product as EMULATED does (dequantize, high-precision matmul)");
    }
    if (c.scheme == QuantScheme::Nvfp4DynamicActivationNvfp4Weight && c.qatStep != QatStep::None) {
        add(out, "nvfp4_forward_emulated", side, "quantization.scheme", FindingSeverity::Info, false,
            "NVFP4 QAT and the converted NVFP4Tensor multiply on a Blackwell GPU (_addmm_nvfp4_dispatch); QuantLens "
            "quantizes exactly as NVFP4Tensor.to_nvfp4 and emulates the product with the dequantized values");
    }
}

}  // namespace

void sidePitfalls(const Recipe& r, const std::string& side, const std::vector<LayerShape>& layers,
                  std::vector<ConfigFinding>& out) {
    groupSizePitfall(r, side, out);
    algorithmPitfalls(r, side, out);
    prepareRejected(r, side, out);
    convertPitfalls(r, side, out);
    layerPitfalls(r, side, layers, out);
    fakeQuantSwitchPitfall(r, side, out);
    blockFormatPitfalls(r, side, out);
}

namespace {

bool epsSensitive(const QuantConfig& c) {
    switch (schemeFamily(c.scheme)) {
        case SchemeFamily::Intx:
        case SchemeFamily::Int8Int4:
            return true;
        case SchemeFamily::Int4:  // only tinygemm's TILE_PACKED_TO_4D convert clamps with the dtype's eps
            return c.qatStep != QatStep::Prepare && c.int4Packing == Int4PackingFormat::TilePackedTo4d;
        default:
            return false;
    }
}

// MX block scales: both sides MX with different scaling modes. Defaults differ by stack: torchao's
// MXDynamicActivationMXWeightConfig and MXFakeQuantizeConfig default to RCEIL, MXTensor.to_mx and
// QuantizeTensorToMXKwargs to FLOOR (prototype/mx_formats/mx_tensor.py), so code that calls to_mx itself gets FLOOR.
void mxScalingPitfall(const Recipe& train, const Recipe& eval, std::vector<ConfigFinding>& out) {
    const auto& a = train.quantization;
    const auto& b = eval.quantization;
    const auto mx = QuantScheme::MxDynamicActivationMxWeight;
    if (a.scheme != mx || b.scheme != mx) return;
    if (a.mxScaling != b.mxScaling) {
        add(out, "mx_scaling_mode", "both", "quantization.scaling_mode", FindingSeverity::Warning, true,
            "MX block scales are computed differently: train scaling_mode " +
                std::string(mxScaleModeName(a.mxScaling)) + ", eval " + std::string(mxScaleModeName(b.mxScaling)) +
                ". The E8M0 exponent of a block can differ by one, which rescales and re-rounds every element of "
                "that block. Defaults: MXDynamicActivationMXWeightConfig and MXFakeQuantizeConfig use RCEIL, "
                "MXTensor.to_mx and QuantizeTensorToMXKwargs use FLOOR");
    }
    if (a.kernelPreference != b.kernelPreference) {
        add(out, "mx_kernel_preference", "both", "quantization.kernel_preference", FindingSeverity::Warning, true,
            "train multiplies with kernel_preference " + std::string(kernelPreferenceName(a.kernelPreference)) +
                ", eval with " + std::string(kernelPreferenceName(b.kernelPreference)) +
                ": same quantized values, but AUTO runs the MX GEMM (Blackwell) and EMULATED a high-precision matmul "
                "on dequantized values, so the products round differently");
    }
}

void loraPitfall(const Recipe& train, const Recipe& eval, std::vector<ConfigFinding>& out) {
    const auto form = [](const Recipe& r) {
        return r.adapter ? std::string(adapterFormName(r.adapter->form)) : "none";
    };
    if (form(train) == form(eval)) return;
    add(out, "lora_form", "both", "adapter.form", FindingSeverity::Warning, true,
        "LoRA enters differently: train " + form(train) + ", eval " + form(eval) +
            ". unmerged computes FQ(W)x + s·B(Ax); merged computes FQ(bf16(W + s·BA))x (group scales move); "
            "qat_after_peft also fake-quantizes A and B");
}

}  // namespace

void pairPitfalls(const Recipe& train, const Recipe& eval, std::vector<ConfigFinding>& out) {
    const bool bothQuantized =
        train.quantization.scheme != QuantScheme::None && eval.quantization.scheme != QuantScheme::None;
    if (bothQuantized && train.deviceNumerics != eval.deviceNumerics) {
        add(out, "device_division", "both", "device_numerics", FindingSeverity::Warning, true,
            "train used " + std::string(deviceNumericsName(train.deviceNumerics)) + " numerics, eval " +
                std::string(deviceNumericsName(eval.deviceNumerics)) +
                ": CUDA divides a tensor by a scalar (e.g. the range / 15) "
                "as a multiply by fp32(1/15), the CPU divides, so scales differ by one ulp in some groups and codes "
                "can flip");
    }
    const bool straddle =
        (train.torchaoVersion >= kTorchaoSmallestNormalEps) != (eval.torchaoVersion >= kTorchaoSmallestNormalEps);
    if (straddle && (epsSensitive(train.quantization) || epsSensitive(eval.quantization))) {
        add(out, "eps_change_0_18", "both", "torchao_version", FindingSeverity::Warning, true,
            "torchao 0.18 changed the default scale clamp eps from finfo(dtype).eps to finfo(dtype).smallest_normal "
            "(pytorch/ao#4534) for the Intx / 8da4w / tinygemm qparams: tiny-range groups get different scales (" +
                torchaoVersionName(train.torchaoVersion) + " vs " + torchaoVersionName(eval.torchaoVersion) + ")");
    }
    loraPitfall(train, eval, out);
    mxScalingPitfall(train, eval, out);
    const auto& a = train.quantization;
    const auto& b = eval.quantization;
    const bool bothFake = a.qatStep == QatStep::Prepare && b.qatStep == QatStep::Prepare &&
                          a.scheme != QuantScheme::None && b.scheme != QuantScheme::None;
    if (bothFake && switchState(a) != switchState(b)) {
        add(out, "fake_quant_switch_differs", "both", "quantization.enabled", FindingSeverity::Warning, true,
            "fake quant is " + switchState(a) + " on the train side and " + switchState(b) +
                " on the eval side: one side computes with fake-quantized weights, the other (at times) with float "
                "ones");
    }
}

}  // namespace ql::recipe
