// The scheme table: one row per quantization scheme QuantLens reads, the only place that says what a
// scheme is (its names, torchao class, family, which recipe keys it takes, what its forward quantizes and
// what convert leaves in the weight). The recipe parser, the torchao JSON reader, the config check, the
// fake-quant spec, the walk's convert step and the recipe dialogs read it; none keeps its own list.
// Adding a scheme = a QuantScheme value, a row here, its kernels and its goldens.
#pragma once

#include <quantlens/quant_config.h>

#include <optional>
#include <span>
#include <string_view>

namespace ql {

// Schemes that share parsing, fake-quant arithmetic and convert (torchao/quantization/quantize_/workflows/).
enum class SchemeFamily {
    None,        // the float model (form F)
    Int4,        // int4 weights per group along K, torchao Int4Tensor and its packings
    Intx,        // int1..int8 weights per group or axis, IntxUnpackedToInt8Tensor
    Int8Int4,    // legacy 8da4w: int8 per-token activations, int4 weights per group
    Float8,      // float8 weights per row or tensor and float8 activations, Float8Tensor
    Float8Int4,  // float8 per-row activations and int4 weights in groups of 128
    Mx,          // MX block formats (e4m3 / e5m2 / fp4 elements, E8M0 scale per block of 32), MXTensor
    Nvfp4,       // NVFP4 (fp4 elements, e4m3 scale per block of 16, fp32 per-tensor scale), NVFP4Tensor
};

// The keys of a recipe's `quantization:` map that only some schemes take (scheme, step, repr, ... apply
// to all). A key outside a scheme's set is a recipe error naming the key and the scheme.
enum SchemeKey : unsigned {
    kKeyGroupSize = 1u << 0,
    kKeyPackingFormat = 1u << 1,
    kKeyChooseQParamsAlgorithm = 1u << 2,
    kKeyWeightDtype = 1u << 3,
    kKeyGranularity = 1u << 4,
    kKeyMappingType = 1u << 5,
    kKeyActMappingType = 1u << 6,
    kKeyBlockSize = 1u << 7,
    kKeyScalingMode = 1u << 8,
    kKeyKernelPreference = 1u << 9,
    kKeyUseDynamicPerTensorScale = 1u << 10,
};

struct QuantSchemeInfo {
    QuantScheme scheme;
    std::string_view name;          // recipe, CLI and JSON spelling
    std::string_view torchaoClass;  // the torchao base config class ("" for none)
    int configVersion;              // the class version torchao 0.18 writes by default (and QuantLens reads)
    SchemeFamily family;
    bool activationQuantized;        // the forward quantizes activations dynamically
    unsigned recipeKeys;             // SchemeKey bits
    bool embeddingQat;               // torchao's FakeQuantizedEmbedding takes it (embedding_quantization:)
    std::string_view convertTensor;  // the tensor subclass convert leaves in a Linear's weight
    bool convertChecked;             // the convert check runs the deployed forward (see walk_plan.cpp)
    std::string_view summary;        // one line for dialogs and help texts
};

// Every scheme, in the order dialogs list them (none last).
std::span<const QuantSchemeInfo> quantSchemes();

// The row of `scheme` (every QuantScheme has one).
const QuantSchemeInfo& quantSchemeInfo(QuantScheme scheme);

// The scheme whose torchao base config class is `torchaoClass`; nullopt when QuantLens has none.
std::optional<QuantScheme> quantSchemeForTorchaoClass(std::string_view torchaoClass);

inline SchemeFamily schemeFamily(QuantScheme scheme) {
    return quantSchemeInfo(scheme).family;
}
inline bool schemeTakes(QuantScheme scheme, SchemeKey key) {
    return (quantSchemeInfo(scheme).recipeKeys & key) != 0;
}

}  // namespace ql
