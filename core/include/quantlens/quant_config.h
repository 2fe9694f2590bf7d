// The canonical, torchao-independent description of how one side (train or eval) quantizes its
// linear layers, plus the *effective* numerics that a given torchao release actually runs.
// Mirrors torchao's configs (torchao/quantization/). Produced by the recipe parser (recipe.h, torchao_config.h),
// consumed by the fake quantizers and the config diff.
#pragma once

#include <quantlens/dtype.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ql {

// Which torchao base config (or none: the float model, form F).
enum class QuantScheme {
    None,
    Int4WeightOnly,                       // Int4WeightOnlyConfig (version 2)
    IntxWeightOnly,                       // IntxWeightOnlyConfig (version 2)
    Int8DynamicActivationIntxWeight,      // Int8DynamicActivationIntxWeightConfig (version 2)
    Int8DynamicActivationInt4Weight,      // 8da4w (Int8DynamicActivationInt4WeightConfig)
    Float8DynamicActivationFloat8Weight,  // Float8DynamicActivationFloat8WeightConfig (version 2)
    Float8DynamicActivationInt4Weight,    // Float8DynamicActivationInt4WeightConfig
    MxDynamicActivationMxWeight,          // prototype MXDynamicActivationMXWeightConfig (MXFP8 / MXFP4)
    Nvfp4DynamicActivationNvfp4Weight,    // prototype NVFP4DynamicActivationNVFP4WeightConfig
};

// Low-precision element type of quantized values (torch.int1..int8, torch.uint4, float8).
enum class QuantDType {
    Int1,
    Int2,
    Int3,
    Int4,
    Int5,
    Int6,
    Int7,
    Int8,
    UInt4,
    Float8E4M3,
    Float8E5M2,
    Float4E2M1,  // torch.float4_e2m1fn_x2 (MXFP4 / NVFP4 elements, two per byte)
};

// How MX block scales (E8M0, a power of two) are derived from a block's amax
// (torchao prototype/mx_formats/config.py ScaleCalculationMode).
enum class MxScaleMode { Floor, Rceil, Ceil, Even };

// torchao KernelPreference of the MX configs: AUTO (real MX matmul, needs a Blackwell GPU) or
// EMULATED (dequantize, then a high-precision matmul; runs everywhere).
enum class KernelPreference { Auto, Emulated };

enum class Granularity {
    PerGroup,   // groups of `groupSize` consecutive elements along K
    PerAxis,    // one scale per slice along `axis` (torchao PerAxis(axis); axis 0 = per output row)
    PerRow,     // Float8 PerRow (one scale per row / token)
    PerTensor,  // one scale for the whole tensor
    PerToken,   // activation: one scale per token (last dimension reduced)
};

enum class MappingType { Symmetric, SymmetricNoClippingErr, Asymmetric };

enum class Int4PackingFormat { Plain, Preshuffled, TilePackedTo4d, PlainInt32, MarlinSparse, Opaque };

enum class Int4ChooseQParamsAlgorithm { Tinygemm, Hqq };

enum class IntxPackingFormat {
    UnpackedToInt8,
    OpaqueAtenKleidiai,
    OpaqueTorchaoAuto,
    OpaqueTorchaoKleidiai,
    OpaqueTorchaoLowbit,
};

enum class IntxChooseQParamsAlgorithm { Affine, HqqScaleOnly };

// Whether the config came wrapped in QATConfig, and at which step.
enum class QatStep { None, Prepare, Convert };

// A torchao release, major.minor (e.g. 0.15). Ordered.
struct TorchaoVersion {
    int major = 0;
    int minor = 18;
    auto operator<=>(const TorchaoVersion&) const = default;
};

// How the weights of a layer are quantized, as declared.
struct WeightQuant {
    QuantDType dtype = QuantDType::Int4;
    Granularity granularity = Granularity::PerGroup;
    int groupSize = 128;  // PerGroup only; 0 otherwise
    int axis = 0;         // PerAxis only
    MappingType mapping = MappingType::Asymmetric;
    std::optional<DType> scaleDType;  // nullopt: the weight's own dtype
};

// Dynamic activation quantization (absent for weight-only schemes).
struct ActivationQuant {
    QuantDType dtype = QuantDType::Int8;
    Granularity granularity = Granularity::PerToken;
    MappingType mapping = MappingType::Asymmetric;
    std::optional<double> valueLb;  // Float8 activation_value_lb / hp_value_lb
    std::optional<double> valueUb;
};

// The clamp applied to a computed scale (pytorch/ao#4534).
enum class ScaleEps {
    None,            // no clamp (float8 paths)
    Fixed1e6,        // explicit 1e-6 (int4 PLAIN fake and convert, OPAQUE)
    DtypeEps,        // finfo(dtype).eps (Intx / 8da4w / tinygemm, torchao < 0.18)
    SmallestNormal,  // finfo(dtype).smallest_normal (same paths, torchao >= 0.18)
};

// What the fake quantizer of QAT prepare computes under a given torchao release.
struct EffectiveFakeQuant {
    bool prepareSupported = true;  // false: QATConfig prepare raises for this config/release
    std::string prepareRejection;  // why, when !prepareSupported
    int weightGroupSize = 0;       // group size the weight fake quantizer really uses (0: not grouped)
    MappingType weightMapping = MappingType::Asymmetric;
    ScaleEps weightEps = ScaleEps::Fixed1e6;
    bool weightInFp32 = true;  // qparams/quant computed in fp32 (int4 bf16 path) or in W's dtype
    bool activationQuantized = false;
    ScaleEps activationEps = ScaleEps::None;
};

// What convert (QATConfig(base, step="convert") or plain quantize_) produces.
struct EffectiveConvert {
    bool supported = true;  // false: convert raises for this config/release
    std::string rejection;
    bool quantizesWeights = true;  // false: convert without a base config leaves bf16 weights
    int weightGroupSize = 0;
    ScaleEps weightEps = ScaleEps::Fixed1e6;
    bool usesChooseQParamsAlgorithm = false;  // whether int4_choose_qparams_algorithm is read
};

// One side's quantization, as declared (raw fields) and as resolved.
struct QuantConfig {
    QuantScheme scheme = QuantScheme::None;
    QatStep qatStep = QatStep::None;
    bool hasBaseConfig = true;  // QATConfig(step="convert") without base_config -> false
    int configVersion = 2;      // torchao `version` / `_version` of the base config
    WeightQuant weight;
    std::optional<ActivationQuant> activation;
    Int4PackingFormat int4Packing = Int4PackingFormat::Plain;
    Int4ChooseQParamsAlgorithm int4Algorithm = Int4ChooseQParamsAlgorithm::Tinygemm;
    int int4TilePackedNtile = 8;
    IntxPackingFormat intxPacking = IntxPackingFormat::UnpackedToInt8;
    IntxChooseQParamsAlgorithm intxAlgorithm = IntxChooseQParamsAlgorithm::Affine;
    MxScaleMode mxScaling = MxScaleMode::Rceil;                  // MX: scaling_mode (block size: weight.groupSize)
    KernelPreference kernelPreference = KernelPreference::Auto;  // MX: kernel_preference
    bool nvfp4PerTensorScale = true;                             // NVFP4: use_dynamic_per_tensor_scale
    bool includeEmbeddings = false;  // embeddings quantized too (filter_fn / HF include_input_output_embeddings)
    std::vector<std::string> modulesToNotConvert;  // HF TorchAoConfig.modules_to_not_convert
    bool modulesToNotConvertGiven = false;         // false: null in the HF config (transformers then skips lm_head)
    // Module selection and switches beyond the base config (recipe keys of `quantization:`):
    std::optional<std::int64_t> minInFeatures;        // min_in_features: quantize_ filter_fn
                                                      // `in_features >= N` (Unsloth's QAT filter)
    bool fakeQuantEnabled = true;                     // enabled: torchao FakeQuantizer.enabled
                                                      // (disable_linear_fake_quant sets it false)
    std::optional<std::int64_t> fakeQuantAfterSteps;  // fake_quant_after_steps: the trainer switched fake
                                                      // quant on only after N steps (off before)
    std::string origin;                               // "scheme", "torchao_config <file>", "hf_config <file>"
    // Fields exactly as the source declared them, "name" -> canonical text, in declaration order
    // (e.g. {"group_size","32"}, {"int4_packing_format","PLAIN"}); used by the config diff.
    std::vector<std::pair<std::string, std::string>> declared;
};

// Resolves what QAT prepare / convert compute for `config` under torchao release `version`.
// Never fails: unsupported combinations are reported in the returned structs.
EffectiveFakeQuant effectiveFakeQuant(const QuantConfig& config, TorchaoVersion version);
EffectiveConvert effectiveConvert(const QuantConfig& config, TorchaoVersion version);

// Names as torchao/config_to_dict writes them (member names) and back. *FromName returns nullopt for an
// unknown name; *Names lists the valid spellings for error messages ("PLAIN, PRESHUFFLED, ...").
std::string_view quantSchemeName(QuantScheme scheme);          // snake_case recipe spelling
std::string_view quantSchemeTorchaoClass(QuantScheme scheme);  // "Int4WeightOnlyConfig", "" for None
std::string_view quantDTypeName(QuantDType dtype);             // torch spelling: "int4", "float8_e4m3fn"
int quantDTypeBits(QuantDType dtype);
std::string_view granularityName(Granularity granularity);         // "PerGroup", ...
std::string_view mappingTypeName(MappingType mapping);             // "SYMMETRIC", ...
std::string_view int4PackingFormatName(Int4PackingFormat format);  // "PLAIN", ...
std::string_view int4ChooseQParamsAlgorithmName(Int4ChooseQParamsAlgorithm algorithm);
std::string_view intxPackingFormatName(IntxPackingFormat format);
std::string_view intxChooseQParamsAlgorithmName(IntxChooseQParamsAlgorithm algorithm);
std::string_view mxScaleModeName(MxScaleMode mode);            // "RCEIL", ...
std::string_view kernelPreferenceName(KernelPreference pref);  // "AUTO", "EMULATED"
std::string_view qatStepName(QatStep step);                    // "none", "prepare", "convert"
std::string_view scaleEpsName(ScaleEps eps);
std::string torchaoVersionName(TorchaoVersion version);  // "0.18"

}  // namespace ql
