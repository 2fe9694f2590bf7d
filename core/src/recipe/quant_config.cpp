// Names of the quantization enums and the resolution of effective numerics per torchao release
// (torchao/quantization/qat/ and quantize_/workflows/ of each release; the pytorch/ao changes are named where used).
#include <quantlens/quant_config.h>
#include <quantlens/quant_schemes.h>
#include <quantlens/torchao_releases.h>

#include "recipe/enum_names.h"

namespace ql {

using namespace recipe;

namespace {

// Intx / 8da4w / tinygemm qparams clamp: finfo(dtype).eps before 0.18, smallest_normal from 0.18 (#4534).
ScaleEps dtypeEps(TorchaoVersion version) {
    return version >= kTorchaoSmallestNormalEps ? ScaleEps::SmallestNormal : ScaleEps::DtypeEps;
}

int declaredGroup(const WeightQuant& weight) {
    return weight.granularity == Granularity::PerGroup ? weight.groupSize : 0;
}

EffectiveFakeQuant rejected(std::string why) {
    EffectiveFakeQuant out;
    out.prepareSupported = false;
    out.prepareRejection = std::move(why);
    return out;
}

EffectiveFakeQuant int4FakeQuant(const QuantConfig& config, TorchaoVersion version) {
    if (config.configVersion != 2) {
        return rejected("Int4WeightOnlyConfig version " + std::to_string(config.configVersion) +
                        " is not supported by QAT (only version 2)");
    }
    if (config.int4Packing != Int4PackingFormat::Plain && config.int4Packing != Int4PackingFormat::Preshuffled) {
        return rejected(std::string("QAT prepare accepts int4_packing_format PLAIN or PRESHUFFLED only, got ") +
                        std::string(int4PackingFormatName(config.int4Packing)));
    }
    EffectiveFakeQuant out;
    // 0.14-0.17 hard-code 128 in _infer_fake_quantize_configs (pytorch/ao#3572, fixed by #4518 in 0.18).
    out.weightGroupSize = version >= kTorchaoQatHonoursGroupSize ? config.weight.groupSize : 128;
    out.weightMapping = MappingType::Asymmetric;
    out.weightEps = ScaleEps::Fixed1e6;
    out.weightInFp32 = true;
    return out;
}

EffectiveFakeQuant intxFakeQuant(const QuantConfig& config, TorchaoVersion version) {
    const bool withActivation = quantSchemeInfo(config.scheme).activationQuantized;
    if (config.configVersion < 2) {
        return rejected("only version 2+ of the Intx configs is supported by QAT");
    }
    if (config.intxPacking != IntxPackingFormat::UnpackedToInt8) {
        return rejected("QAT accepts intx_packing_format UNPACKED_TO_INT8 only");
    }
    if (config.weight.dtype == QuantDType::Int1) {
        return rejected("QAT supports weight_dtype int2..int8 only");
    }
    if (config.weight.mapping != MappingType::Symmetric) {
        return rejected("QAT supports SYMMETRIC weight mapping only");
    }
    if (config.weight.scaleDType) {
        return rejected("QAT does not support a weight scale dtype");
    }
    if (withActivation && config.activation && config.activation->mapping != MappingType::Asymmetric) {
        return rejected("QAT supports ASYMMETRIC activation mapping only");
    }
    EffectiveFakeQuant out;
    out.weightGroupSize = declaredGroup(config.weight);
    out.weightMapping = MappingType::Symmetric;
    out.weightEps = dtypeEps(version);
    out.weightInFp32 = false;
    out.activationQuantized = withActivation;
    out.activationEps = withActivation ? dtypeEps(version) : ScaleEps::None;
    return out;
}

EffectiveFakeQuant int8Int4FakeQuant(const QuantConfig& config, TorchaoVersion version) {
    if (version >= kTorchao8da4wQatRemoved) {
        return rejected("QAT support for Int8DynamicActivationInt4WeightConfig (8da4w) was removed in torchao 0.17");
    }
    EffectiveFakeQuant out;
    out.weightGroupSize = config.weight.groupSize;
    out.weightMapping = MappingType::Symmetric;
    out.weightEps = dtypeEps(version);
    out.weightInFp32 = true;  // scale_precision fp32
    out.activationQuantized = true;
    out.activationEps = dtypeEps(version);
    return out;
}

EffectiveFakeQuant float8FakeQuant(const QuantConfig& config) {
    if (config.configVersion != 2) {
        return rejected("only version 2 of Float8DynamicActivationFloat8WeightConfig is supported by QAT");
    }
    EffectiveFakeQuant out;
    out.weightGroupSize = 0;
    out.weightMapping = MappingType::Symmetric;
    out.weightEps = ScaleEps::None;
    out.weightInFp32 = false;
    out.activationQuantized = true;
    out.activationEps = ScaleEps::None;
    return out;
}

EffectiveFakeQuant float8Int4FakeQuant() {
    EffectiveFakeQuant out;
    out.weightGroupSize = 128;  // fixed by the fp8-int4 kernel
    out.weightMapping = MappingType::Symmetric;
    out.weightEps = ScaleEps::Fixed1e6;
    out.weightInFp32 = false;  // bf16 arithmetic (_fp8_activations_forward)
    out.activationQuantized = true;
    out.activationEps = ScaleEps::None;
    return out;
}

// _infer_fake_quantize_configs -> MXFakeQuantizeConfig for input and weight (torchao prototype/qat/mx.py);
// _validate_kernel_preference: AUTO needs block 32 and float8_e4m3fn or float4_e2m1fn_x2.
EffectiveFakeQuant mxFakeQuant(const QuantConfig& config) {
    const bool autoOk = config.weight.groupSize == 32 && config.weight.dtype != QuantDType::Float8E5M2;
    if (config.kernelPreference == KernelPreference::Auto && !autoOk) {
        return rejected(
            "MXFakeQuantizeConfig with kernel_preference AUTO needs block_size 32 and float8_e4m3fn or "
            "float4_e2m1fn_x2");
    }
    EffectiveFakeQuant out;
    out.weightGroupSize = config.weight.groupSize;  // MX block along K
    out.weightMapping = MappingType::Symmetric;
    out.weightEps = ScaleEps::None;
    out.weightInFp32 = true;
    out.activationQuantized = true;
    out.activationEps = ScaleEps::None;
    return out;
}

// NVFP4FakeQuantizeConfig for input and weight (prototype/qat/nvfp4.py): blocks of 16, e4m3 block scales.
EffectiveFakeQuant nvfp4FakeQuant() {
    EffectiveFakeQuant out;
    out.weightGroupSize = 16;
    out.weightMapping = MappingType::Symmetric;
    out.weightEps = ScaleEps::None;
    out.weightInFp32 = true;
    out.activationQuantized = true;
    out.activationEps = ScaleEps::None;
    return out;
}

EffectiveConvert int4Convert(const QuantConfig& config, TorchaoVersion version) {
    EffectiveConvert out;
    out.weightGroupSize = config.weight.groupSize;
    const auto packing = config.int4Packing;
    const bool tinygemmLike = packing == Int4PackingFormat::TilePackedTo4d || packing == Int4PackingFormat::Opaque;
    out.usesChooseQParamsAlgorithm = tinygemmLike;
    out.weightEps = packing == Int4PackingFormat::TilePackedTo4d ? dtypeEps(version) : ScaleEps::Fixed1e6;
    if (config.int4Algorithm == Int4ChooseQParamsAlgorithm::Hqq) {
        const bool ok = packing == Int4PackingFormat::TilePackedTo4d ||
                        (packing == Int4PackingFormat::Opaque && version < kTorchaoInt4PackingsRemoved);
        if (!ok) {
            out.supported = false;
            out.rejection = std::string("HQQ is accepted only with TILE_PACKED_TO_4D") +
                            (version < kTorchaoInt4PackingsRemoved ? " or OPAQUE" : "") + ", not " +
                            std::string(int4PackingFormatName(packing));
        }
    }
    if (packing == Int4PackingFormat::MarlinSparse && version >= kTorchaoInt4PackingsRemoved) {
        out.supported = false;
        out.rejection = "MARLIN_SPARSE int4 packing was removed in torchao 0.16";
    }
    return out;
}

}  // namespace

EffectiveFakeQuant effectiveFakeQuant(const QuantConfig& config, TorchaoVersion version) {
    switch (schemeFamily(config.scheme)) {
        case SchemeFamily::None: {
            EffectiveFakeQuant out;
            out.weightEps = ScaleEps::None;
            return out;
        }
        case SchemeFamily::Int4:
            return int4FakeQuant(config, version);
        case SchemeFamily::Intx:
            return intxFakeQuant(config, version);
        case SchemeFamily::Int8Int4:
            return int8Int4FakeQuant(config, version);
        case SchemeFamily::Float8:
            return float8FakeQuant(config);
        case SchemeFamily::Float8Int4:
            return float8Int4FakeQuant();
        case SchemeFamily::Mx:
            return mxFakeQuant(config);
        case SchemeFamily::Nvfp4:
            return nvfp4FakeQuant();
    }
    return {};
}

EffectiveConvert effectiveConvert(const QuantConfig& config, TorchaoVersion version) {
    EffectiveConvert out;
    if (config.scheme == QuantScheme::None || !config.hasBaseConfig) {
        out.quantizesWeights = false;
        out.weightEps = ScaleEps::None;
        return out;
    }
    switch (schemeFamily(config.scheme)) {
        case SchemeFamily::Int4:
            return int4Convert(config, version);
        case SchemeFamily::Float8Int4:
            out.weightGroupSize = 128;
            return out;
        case SchemeFamily::Float8:
            out.weightEps = ScaleEps::None;
            return out;
        case SchemeFamily::Mx:  // MXTensor.to_mx: E8M0 scale per block, no eps
            out.weightGroupSize = config.weight.groupSize;
            out.weightEps = ScaleEps::None;
            return out;
        case SchemeFamily::Nvfp4:  // NVFP4Tensor.to_nvfp4: e4m3 scale per 16
            out.weightGroupSize = 16;
            out.weightEps = ScaleEps::None;
            return out;
        default:
            out.weightGroupSize = declaredGroup(config.weight);
            out.weightEps = dtypeEps(version);
            return out;
    }
}

std::string_view quantSchemeName(QuantScheme scheme) {
    return enumName(quantSchemeTable(), scheme);
}

std::string_view quantSchemeTorchaoClass(QuantScheme scheme) {
    return quantSchemeInfo(scheme).torchaoClass;
}

std::string_view quantDTypeName(QuantDType dtype) {
    return enumName(quantDTypeTable(), dtype);
}

int quantDTypeBits(QuantDType dtype) {
    switch (dtype) {
        case QuantDType::UInt4:
        case QuantDType::Float4E2M1:
            return 4;
        case QuantDType::Float8E4M3:
        case QuantDType::Float8E5M2:
            return 8;
        default:
            return static_cast<int>(dtype) - static_cast<int>(QuantDType::Int1) + 1;
    }
}

std::string_view granularityName(Granularity granularity) {
    return enumName(granularityTable(), granularity);
}
std::string_view mxScaleModeName(MxScaleMode mode) {
    return enumName(mxScaleModeTable(), mode);
}
std::string_view kernelPreferenceName(KernelPreference pref) {
    return enumName(kernelPreferenceTable(), pref);
}
std::string_view mappingTypeName(MappingType mapping) {
    return enumName(mappingTypeTable(), mapping);
}
std::string_view int4PackingFormatName(Int4PackingFormat format) {
    return enumName(int4PackingFormatTable(), format);
}
std::string_view int4ChooseQParamsAlgorithmName(Int4ChooseQParamsAlgorithm algorithm) {
    return enumName(int4AlgorithmTable(), algorithm);
}
std::string_view intxPackingFormatName(IntxPackingFormat format) {
    return enumName(intxPackingFormatTable(), format);
}
std::string_view intxChooseQParamsAlgorithmName(IntxChooseQParamsAlgorithm algorithm) {
    return enumName(intxAlgorithmTable(), algorithm);
}

std::string_view qatStepName(QatStep step) {
    switch (step) {
        case QatStep::None:
            return "none";
        case QatStep::Prepare:
            return "prepare";
        case QatStep::Convert:
            return "convert";
    }
    return "?";
}

std::string_view scaleEpsName(ScaleEps eps) {
    switch (eps) {
        case ScaleEps::None:
            return "none";
        case ScaleEps::Fixed1e6:
            return "1e-6";
        case ScaleEps::DtypeEps:
            return "finfo(dtype).eps";
        case ScaleEps::SmallestNormal:
            return "finfo(dtype).smallest_normal";
    }
    return "?";
}

std::string torchaoVersionName(TorchaoVersion version) {
    return std::to_string(version.major) + "." + std::to_string(version.minor);
}

}  // namespace ql
