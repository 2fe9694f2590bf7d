// The compared fields of a recipe and the effective-numerics signature (torchao's fake quantizers and convert).
#include "recipe/config_fields.h"

#include <quantlens/dtype.h>
#include <quantlens/quant_schemes.h>

namespace ql::recipe {

namespace {

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out.empty() ? "-" : out;
}

std::string groupText(int group) {
    return group > 0 ? std::to_string(group) : "-";
}

std::string activationText(const std::optional<ActivationQuant>& act) {
    if (!act) return "none";
    return std::string(quantDTypeName(act->dtype)) + " " + std::string(granularityName(act->granularity)) + " " +
           std::string(mappingTypeName(act->mapping));
}

bool usesInt4Fields(const QuantConfig& c) {
    return schemeTakes(c.scheme, kKeyPackingFormat) && schemeFamily(c.scheme) != SchemeFamily::Intx;
}
bool usesIntxFields(const QuantConfig& c) {
    return schemeFamily(c.scheme) == SchemeFamily::Intx;
}

bool isMx(const QuantConfig& c) {
    return schemeFamily(c.scheme) == SchemeFamily::Mx;
}
bool isNvfp4(const QuantConfig& c) {
    return schemeFamily(c.scheme) == SchemeFamily::Nvfp4;
}

// MX / NVFP4 fields that change the numerics (prepare and convert read them alike).
void addBlockFormat(const QuantConfig& c, Signature& s) {
    if (isMx(c)) {
        s.emplace_back("effective.mx_scaling_mode", std::string(mxScaleModeName(c.mxScaling)));
        s.emplace_back("effective.mx_matmul", c.kernelPreference == KernelPreference::Auto
                                                  ? "AUTO: MX GEMM (Blackwell)"
                                                  : "EMULATED: dequantize, high-precision matmul");
    }
    if (isNvfp4(c)) s.emplace_back("effective.nvfp4_per_tensor_scale", c.nvfp4PerTensorScale ? "yes" : "no");
}

void addPrepare(const Recipe& r, Signature& s) {
    const auto fq = effectiveFakeQuant(r.quantization, r.torchaoVersion);
    if (!fq.prepareSupported) {
        s.emplace_back("effective.prepare", "fails: " + fq.prepareRejection);
        return;
    }
    s.emplace_back("effective.weight_group_size", groupText(fq.weightGroupSize));
    s.emplace_back("effective.weight_mapping", std::string(mappingTypeName(fq.weightMapping)));
    s.emplace_back("effective.weight_scale_eps", std::string(scaleEpsName(fq.weightEps)));
    s.emplace_back("effective.weight_arithmetic", fq.weightInFp32 ? "fp32" : "weight dtype");
    s.emplace_back("effective.activation_eps",
                   fq.activationQuantized ? std::string(scaleEpsName(fq.activationEps)) : "-");
    addBlockFormat(r.quantization, s);
}

void addConvert(const Recipe& r, Signature& s) {
    const auto& c = r.quantization;
    const auto cv = effectiveConvert(c, r.torchaoVersion);
    if (!cv.supported) {
        s.emplace_back("effective.convert", "fails: " + cv.rejection);
        return;
    }
    if (!cv.quantizesWeights) {
        s.emplace_back("effective.weights", "bf16 (not quantized)");
        return;
    }
    s.emplace_back("effective.weight_group_size", groupText(cv.weightGroupSize));
    s.emplace_back("effective.weight_scale_eps", std::string(scaleEpsName(cv.weightEps)));
    if (usesInt4Fields(c)) s.emplace_back("effective.int4_packing", std::string(int4PackingFormatName(c.int4Packing)));
    if (usesIntxFields(c)) {
        s.emplace_back("effective.intx_packing", std::string(intxPackingFormatName(c.intxPacking)));
        s.emplace_back("effective.intx_choose_qparams", std::string(intxChooseQParamsAlgorithmName(c.intxAlgorithm)));
    }
    if (cv.usesChooseQParamsAlgorithm) {
        s.emplace_back("effective.choose_qparams", std::string(int4ChooseQParamsAlgorithmName(c.int4Algorithm)));
    }
    addBlockFormat(c, s);
}

std::string switchText(const QuantConfig& c) {
    if (!c.fakeQuantEnabled) return "off (enabled: false)";
    return c.fakeQuantAfterSteps ? "on after step " + std::to_string(*c.fakeQuantAfterSteps) : "on";
}

std::string embeddingText(const Recipe& r) {
    if (!r.embeddingQuantization) return "float";
    const auto& e = *r.embeddingQuantization;
    const int group = e.qatStep == QatStep::Prepare ? effectiveFakeQuant(e, r.torchaoVersion).weightGroupSize
                                                    : effectiveConvert(e, r.torchaoVersion).weightGroupSize;
    return std::string(quantSchemeName(e.scheme)) + " " + std::string(quantDTypeName(e.weight.dtype)) + " " +
           groupText(group) + " " + std::string(qatStepName(e.qatStep)) +
           (e.qatStep == QatStep::Prepare ? " fake quant " + switchText(e) : "");
}

std::string formsText(const std::vector<ModuleFormRule>& rules) {
    std::string out;
    for (const auto& rule : rules)
        out += (out.empty() ? "" : ", ") + rule.pattern + " -> " + std::string(moduleFormOverrideName(rule.form));
    return out.empty() ? "-" : out;
}

// Module selection and fake-quant switches; rows only where a side departs from the default, so the
// other side's missing row ("-") shows the difference.
void addSelection(const Recipe& r, Signature& s) {
    const auto& c = r.quantization;
    const bool fake = c.scheme != QuantScheme::None && c.qatStep == QatStep::Prepare;
    if (fake && (!c.fakeQuantEnabled || c.fakeQuantAfterSteps))
        s.emplace_back("effective.fake_quant_switch", switchText(c));
    if (c.minInFeatures) s.emplace_back("effective.qat_filter", "in_features >= " + std::to_string(*c.minInFeatures));
    if (r.embeddingQuantization) s.emplace_back("effective.embedding_quantization", embeddingText(r));
    if (!r.moduleForms.empty()) s.emplace_back("effective.module_forms", formsText(r.moduleForms));
}

}  // namespace

Signature effectiveSignature(const Recipe& r) {
    const auto& c = r.quantization;
    Signature s;
    const bool quantized = c.scheme != QuantScheme::None || !c.hasBaseConfig;
    const bool fake = quantized && c.qatStep == QatStep::Prepare;
    s.emplace_back("effective.weights_path", !quantized ? "float (no quantization)"
                                             : fake     ? "fake quant (QAT prepare)"
                                                        : "real low-bit weights (convert)");
    if (c.scheme != QuantScheme::None) {
        s.emplace_back("effective.scheme", std::string(quantSchemeName(c.scheme)));
        s.emplace_back("effective.weight_dtype", std::string(quantDTypeName(c.weight.dtype)));
        s.emplace_back("effective.activation", activationText(c.activation));
    }
    if (fake)
        addPrepare(r, s);
    else if (quantized)
        addConvert(r, s);
    if (quantized) s.emplace_back("effective.device_division", std::string(deviceNumericsName(r.deviceNumerics)));
    s.emplace_back("effective.compute_dtype", std::string(dtypeName(r.dtype)));
    s.emplace_back("effective.lora", r.adapter ? std::string(adapterFormName(r.adapter->form)) : "none");
    if (quantized) {
        s.emplace_back("effective.embeddings_quantized", c.includeEmbeddings ? "yes" : "no");
        s.emplace_back("effective.modules_not_converted", joined(c.modulesToNotConvert));
    }
    addSelection(r, s);
    return s;
}

namespace {

template <typename Get, typename Set>
FieldSpec field(std::string name, Get get, Set set, std::string reason = {}) {
    return FieldSpec{std::move(name), get, set, std::move(reason)};
}

#define QL_QFIELD(member) [](Recipe& d, const Recipe& s) { d.quantization.member = s.quantization.member; }

std::vector<FieldSpec> makeFields() {
    std::vector<FieldSpec> f;
    f.push_back(field(
        "torchao_version", [](const Recipe& r) { return torchaoVersionName(r.torchaoVersion); },
        [](Recipe& d, const Recipe& s) { d.torchaoVersion = s.torchaoVersion; },
        "both releases run the same code path for this configuration"));
    f.push_back(field(
        "device_numerics", [](const Recipe& r) { return std::string(deviceNumericsName(r.deviceNumerics)); },
        [](Recipe& d, const Recipe& s) { d.deviceNumerics = s.deviceNumerics; }));
    f.push_back(field(
        "dtype", [](const Recipe& r) { return std::string(dtypeName(r.dtype)); },
        [](Recipe& d, const Recipe& s) { d.dtype = s.dtype; }));
    f.push_back(field(
        "adapter.form",
        [](const Recipe& r) { return r.adapter ? std::string(adapterFormName(r.adapter->form)) : "none"; },
        [](Recipe& d, const Recipe& s) { d.adapter = s.adapter; }));
    f.push_back(field(
        "quantization.scheme", [](const Recipe& r) { return std::string(quantSchemeName(r.quantization.scheme)); },
        QL_QFIELD(scheme)));
    f.push_back(field(
        "quantization.step", [](const Recipe& r) { return std::string(qatStepName(r.quantization.qatStep)); },
        QL_QFIELD(qatStep), "a QAT convert applies the same handler as a plain quantize_ (PTQ)"));
    f.push_back(field(
        "quantization.base_config", [](const Recipe& r) { return r.quantization.hasBaseConfig ? "yes" : "no"; },
        QL_QFIELD(hasBaseConfig)));
    f.push_back(field(
        "quantization.version", [](const Recipe& r) { return std::to_string(r.quantization.configVersion); },
        QL_QFIELD(configVersion)));
    f.push_back(field(
        "quantization.weight_dtype",
        [](const Recipe& r) { return std::string(quantDTypeName(r.quantization.weight.dtype)); },
        QL_QFIELD(weight.dtype)));
    f.push_back(field(
        "quantization.granularity",
        [](const Recipe& r) { return std::string(granularityName(r.quantization.weight.granularity)); },
        QL_QFIELD(weight.granularity)));
    f.push_back(field(
        "quantization.group_size", [](const Recipe& r) { return groupText(r.quantization.weight.groupSize); },
        QL_QFIELD(weight.groupSize),
        "the fake quantizer of torchao < 0.18 uses group 128 whatever group_size says (pytorch/ao#3572)"));
    f.push_back(field(
        "quantization.mapping_type",
        [](const Recipe& r) { return std::string(mappingTypeName(r.quantization.weight.mapping)); },
        QL_QFIELD(weight.mapping), "this path fixes the mapping itself"));
    f.push_back(field(
        "quantization.scale_dtype",
        [](const Recipe& r) {
            return r.quantization.weight.scaleDType ? std::string(dtypeName(*r.quantization.weight.scaleDType)) : "-";
        },
        QL_QFIELD(weight.scaleDType)));
    f.push_back(field(
        "quantization.activation", [](const Recipe& r) { return activationText(r.quantization.activation); },
        QL_QFIELD(activation)));
    f.push_back(field(
        "quantization.int4_packing_format",
        [](const Recipe& r) {
            return usesInt4Fields(r.quantization) ? std::string(int4PackingFormatName(r.quantization.int4Packing))
                                                  : "-";
        },
        QL_QFIELD(int4Packing), "QAT prepare fake-quantizes PLAIN and PRESHUFFLED identically"));
    f.push_back(field(
        "quantization.int4_choose_qparams_algorithm",
        [](const Recipe& r) {
            return schemeFamily(r.quantization.scheme) == SchemeFamily::Int4
                       ? std::string(int4ChooseQParamsAlgorithmName(r.quantization.int4Algorithm))
                       : "-";
        },
        QL_QFIELD(int4Algorithm), "ignored by QAT prepare and by PLAIN/PRESHUFFLED convert"));
    f.push_back(field(
        "quantization.int4_tile_packed_ntile",
        [](const Recipe& r) {
            return schemeFamily(r.quantization.scheme) == SchemeFamily::Int4
                       ? std::to_string(r.quantization.int4TilePackedNtile)
                       : "-";
        },
        QL_QFIELD(int4TilePackedNtile), "only the TILE_PACKED_TO_4D layout reads it (storage, not values)"));
    f.push_back(field(
        "quantization.intx_packing_format",
        [](const Recipe& r) {
            return usesIntxFields(r.quantization) ? std::string(intxPackingFormatName(r.quantization.intxPacking))
                                                  : "-";
        },
        QL_QFIELD(intxPacking)));
    f.push_back(field(
        "quantization.intx_choose_qparams_algorithm",
        [](const Recipe& r) {
            return usesIntxFields(r.quantization)
                       ? std::string(intxChooseQParamsAlgorithmName(r.quantization.intxAlgorithm))
                       : "-";
        },
        QL_QFIELD(intxAlgorithm), "QAT fake quant is always affine min/max"));
    f.push_back(field(
        "quantization.scaling_mode",
        [](const Recipe& r) {
            return isMx(r.quantization) ? std::string(mxScaleModeName(r.quantization.mxScaling)) : "-";
        },
        QL_QFIELD(mxScaling)));
    f.push_back(field(
        "quantization.kernel_preference",
        [](const Recipe& r) {
            return isMx(r.quantization) ? std::string(kernelPreferenceName(r.quantization.kernelPreference)) : "-";
        },
        QL_QFIELD(kernelPreference)));
    f.push_back(field(
        "quantization.use_dynamic_per_tensor_scale",
        [](const Recipe& r) {
            return isNvfp4(r.quantization) ? (r.quantization.nvfp4PerTensorScale ? "true" : "false") : "-";
        },
        QL_QFIELD(nvfp4PerTensorScale)));
    f.push_back(field(
        "quantization.include_embeddings",
        [](const Recipe& r) { return r.quantization.includeEmbeddings ? "true" : "false"; },
        QL_QFIELD(includeEmbeddings)));
    f.push_back(field(
        "quantization.modules_to_not_convert",
        [](const Recipe& r) { return joined(r.quantization.modulesToNotConvert); }, QL_QFIELD(modulesToNotConvert)));
    f.push_back(field(
        "quantization.min_in_features",
        [](const Recipe& r) {
            return r.quantization.minInFeatures ? std::to_string(*r.quantization.minInFeatures) : "-";
        },
        QL_QFIELD(minInFeatures)));
    f.push_back(field(
        "quantization.enabled", [](const Recipe& r) { return r.quantization.fakeQuantEnabled ? "true" : "false"; },
        QL_QFIELD(fakeQuantEnabled), "only QAT prepare has fake quantizers to switch off"));
    f.push_back(field(
        "quantization.fake_quant_after_steps",
        [](const Recipe& r) {
            return r.quantization.fakeQuantAfterSteps ? std::to_string(*r.quantization.fakeQuantAfterSteps) : "-";
        },
        QL_QFIELD(fakeQuantAfterSteps), "only QAT prepare has fake quantizers to switch on late"));
    f.push_back(field(
        "embedding_quantization", [](const Recipe& r) { return embeddingText(r); },
        [](Recipe& d, const Recipe& s) { d.embeddingQuantization = s.embeddingQuantization; }));
    f.push_back(field(
        "module_forms", [](const Recipe& r) { return formsText(r.moduleForms); },
        [](Recipe& d, const Recipe& s) { d.moduleForms = s.moduleForms; }));
    return f;
}

#undef QL_QFIELD

}  // namespace

const std::vector<FieldSpec>& declaredFields() {
    static const std::vector<FieldSpec> fields = makeFields();
    return fields;
}

}  // namespace ql::recipe
