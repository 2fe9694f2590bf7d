#include "recipe/enum_names.h"

#include <quantlens/quant_schemes.h>

#include <cctype>
#include <vector>

namespace ql::recipe {

namespace {

constexpr EnumName<QuantDType> kDTypes[] = {
    {QuantDType::Int1, "int1"},
    {QuantDType::Int2, "int2"},
    {QuantDType::Int3, "int3"},
    {QuantDType::Int4, "int4"},
    {QuantDType::Int5, "int5"},
    {QuantDType::Int6, "int6"},
    {QuantDType::Int7, "int7"},
    {QuantDType::Int8, "int8"},
    {QuantDType::UInt4, "uint4"},
    {QuantDType::Float8E4M3, "float8_e4m3fn"},
    {QuantDType::Float8E5M2, "float8_e5m2"},
    {QuantDType::Float4E2M1, "float4_e2m1fn_x2"},
};

constexpr EnumName<MxScaleMode> kMxScaleModes[] = {
    {MxScaleMode::Floor, "FLOOR"},
    {MxScaleMode::Rceil, "RCEIL"},
    {MxScaleMode::Ceil, "CEIL"},
    {MxScaleMode::Even, "EVEN"},
};

constexpr EnumName<KernelPreference> kKernelPreferences[] = {
    {KernelPreference::Auto, "AUTO"},
    {KernelPreference::Emulated, "EMULATED"},
};

constexpr EnumName<Granularity> kGranularities[] = {
    {Granularity::PerGroup, "PerGroup"},   {Granularity::PerAxis, "PerAxis"},   {Granularity::PerRow, "PerRow"},
    {Granularity::PerTensor, "PerTensor"}, {Granularity::PerToken, "PerToken"},
};

constexpr EnumName<MappingType> kMappings[] = {
    {MappingType::Symmetric, "SYMMETRIC"},
    {MappingType::SymmetricNoClippingErr, "SYMMETRIC_NO_CLIPPING_ERR"},
    {MappingType::Asymmetric, "ASYMMETRIC"},
};

constexpr EnumName<Int4PackingFormat> kInt4Packings[] = {
    {Int4PackingFormat::Plain, "PLAIN"},
    {Int4PackingFormat::Preshuffled, "PRESHUFFLED"},
    {Int4PackingFormat::TilePackedTo4d, "TILE_PACKED_TO_4D"},
    {Int4PackingFormat::PlainInt32, "PLAIN_INT32"},
    {Int4PackingFormat::MarlinSparse, "MARLIN_SPARSE"},
    {Int4PackingFormat::Opaque, "OPAQUE"},
};

constexpr EnumName<Int4ChooseQParamsAlgorithm> kInt4Algorithms[] = {
    {Int4ChooseQParamsAlgorithm::Tinygemm, "TINYGEMM"},
    {Int4ChooseQParamsAlgorithm::Hqq, "HQQ"},
};

constexpr EnumName<IntxPackingFormat> kIntxPackings[] = {
    {IntxPackingFormat::UnpackedToInt8, "UNPACKED_TO_INT8"},
    {IntxPackingFormat::OpaqueAtenKleidiai, "OPAQUE_ATEN_KLEIDIAI"},
    {IntxPackingFormat::OpaqueTorchaoAuto, "OPAQUE_TORCHAO_AUTO"},
    {IntxPackingFormat::OpaqueTorchaoKleidiai, "OPAQUE_TORCHAO_KLEIDIAI"},
    {IntxPackingFormat::OpaqueTorchaoLowbit, "OPAQUE_TORCHAO_LOWBIT"},
};

constexpr EnumName<IntxChooseQParamsAlgorithm> kIntxAlgorithms[] = {
    {IntxChooseQParamsAlgorithm::Affine, "AFFINE"},
    {IntxChooseQParamsAlgorithm::HqqScaleOnly, "HQQ_SCALE_ONLY"},
};

}  // namespace

std::span<const EnumName<QuantScheme>> quantSchemeTable() {
    static const std::vector<EnumName<QuantScheme>> names = [] {
        std::vector<EnumName<QuantScheme>> out;
        for (const QuantSchemeInfo& info : quantSchemes()) out.push_back({info.scheme, info.name});
        return out;
    }();
    return names;
}
std::span<const EnumName<QuantDType>> quantDTypeTable() {
    return kDTypes;
}
std::span<const EnumName<MxScaleMode>> mxScaleModeTable() {
    return kMxScaleModes;
}
std::span<const EnumName<KernelPreference>> kernelPreferenceTable() {
    return kKernelPreferences;
}
std::span<const EnumName<Granularity>> granularityTable() {
    return kGranularities;
}
std::span<const EnumName<MappingType>> mappingTypeTable() {
    return kMappings;
}
std::span<const EnumName<Int4PackingFormat>> int4PackingFormatTable() {
    return kInt4Packings;
}
std::span<const EnumName<Int4ChooseQParamsAlgorithm>> int4AlgorithmTable() {
    return kInt4Algorithms;
}
std::span<const EnumName<IntxPackingFormat>> intxPackingFormatTable() {
    return kIntxPackings;
}
std::span<const EnumName<IntxChooseQParamsAlgorithm>> intxAlgorithmTable() {
    return kIntxAlgorithms;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

}  // namespace ql::recipe
