// The scheme table (quant_schemes.h). Classes, versions and convert tensors as in torchao 0.18
// torchao/quantization/quant_api.py, quantize_/workflows/ and prototype/mx_formats/; 8da4w as in 0.16 (removed
// from QAT in 0.17).
#include <quantlens/quant_schemes.h>

#include <cstdlib>

namespace ql {

namespace {

constexpr unsigned kIntxKeys = kKeyGroupSize | kKeyPackingFormat | kKeyChooseQParamsAlgorithm | kKeyWeightDtype |
                               kKeyGranularity | kKeyMappingType;

constexpr QuantSchemeInfo kSchemes[] = {
    {QuantScheme::Int4WeightOnly, "int4_weight_only", "Int4WeightOnlyConfig", 2, SchemeFamily::Int4, false,
     kKeyGroupSize | kKeyPackingFormat | kKeyChooseQParamsAlgorithm, true, "Int4Tensor", true,
     "int4 weights in groups along K, bf16 scale and zero per group; activations stay float"},
    {QuantScheme::IntxWeightOnly, "intx_weight_only", "IntxWeightOnlyConfig", 2, SchemeFamily::Intx, false, kIntxKeys,
     true, "IntxUnpackedToInt8Tensor", true,
     "int1..int8 weights per group or per axis, symmetric; activations stay float"},
    {QuantScheme::Int8DynamicActivationIntxWeight, "int8_dynamic_activation_intx_weight",
     "Int8DynamicActivationIntxWeightConfig", 2, SchemeFamily::Intx, true, kIntxKeys | kKeyActMappingType, false,
     "IntxUnpackedToInt8Tensor", true, "int1..int8 weights as intx, and int8 activations per token (asymmetric)"},
    {QuantScheme::Int8DynamicActivationInt4Weight, "int8_dynamic_activation_int4_weight",
     "Int8DynamicActivationInt4WeightConfig", 1, SchemeFamily::Int8Int4, true,
     kKeyGroupSize | kKeyMappingType | kKeyActMappingType, false, "AffineQuantizedTensor", false,
     "legacy 8da4w: int4 weights per group and int8 activations per token (QAT removed in torchao 0.17)"},
    {QuantScheme::Float8DynamicActivationFloat8Weight, "float8_dynamic_activation_float8_weight",
     "Float8DynamicActivationFloat8WeightConfig", 2, SchemeFamily::Float8, true, kKeyGranularity, false, "Float8Tensor",
     false, "float8 e4m3 weights and activations, per row or per tensor"},
    {QuantScheme::Float8DynamicActivationInt4Weight, "float8_dynamic_activation_int4_weight",
     "Float8DynamicActivationInt4WeightConfig", 1, SchemeFamily::Float8Int4, true, kKeyPackingFormat, false,
     "Int4PreshuffledTensor", false, "int4 weights in groups of 128 (fixed) and float8 activations per row"},
    {QuantScheme::MxDynamicActivationMxWeight, "mx_dynamic_activation_mx_weight", "MXDynamicActivationMXWeightConfig",
     1, SchemeFamily::Mx, true, kKeyWeightDtype | kKeyBlockSize | kKeyScalingMode | kKeyKernelPreference, false,
     "MXTensor", true,
     "MXFP8 / MXFP4: e4m3, e5m2 or fp4 elements in blocks of 32 with E8M0 scales, weights and activations "
     "(torchao prototype/qat/mx.py)"},
    {QuantScheme::Nvfp4DynamicActivationNvfp4Weight, "nvfp4_dynamic_activation_nvfp4_weight",
     "NVFP4DynamicActivationNVFP4WeightConfig", 1, SchemeFamily::Nvfp4, true, kKeyUseDynamicPerTensorScale, false,
     "NVFP4Tensor", true,
     "NVFP4: fp4 elements in blocks of 16 with e4m3 scales and an fp32 per-tensor scale, weights and activations "
     "(forward emulated: torchao's needs a Blackwell GPU)"},
    {QuantScheme::None, "none", "", 0, SchemeFamily::None, false, 0, false, "", false,
     "no quantization: the float model"},
};

}  // namespace

std::span<const QuantSchemeInfo> quantSchemes() {
    return kSchemes;
}

const QuantSchemeInfo& quantSchemeInfo(QuantScheme scheme) {
    for (const QuantSchemeInfo& info : kSchemes) {
        if (info.scheme == scheme) return info;
    }
    std::abort();  // every QuantScheme value has a row (quant_schemes_test checks it)
}

std::optional<QuantScheme> quantSchemeForTorchaoClass(std::string_view torchaoClass) {
    for (const QuantSchemeInfo& info : kSchemes) {
        if (!info.torchaoClass.empty() && info.torchaoClass == torchaoClass) return info.scheme;
    }
    return std::nullopt;
}

}  // namespace ql
