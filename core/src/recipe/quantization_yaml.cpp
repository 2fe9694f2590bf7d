#include "recipe/quantization_yaml.h"

#include <quantlens/quant_schemes.h>
#include <quantlens/torchao_config.h>

#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "recipe/granularity_json.h"
#include "recipe/yaml_fields.h"

namespace ql::recipe {

namespace {

// Keys every form of `quantization:` takes.
#define QL_COMMON_QUANT_KEYS "step", "include_embeddings", "min_in_features", "enabled", "fake_quant_after_steps"

constexpr EnumName<QatStep> kSteps[] = {
    {QatStep::Prepare, "prepare"}, {QatStep::Convert, "convert"}, {QatStep::None, "ptq"}};

constexpr EnumName<Granularity> kWeightGranularities[] = {{Granularity::PerGroup, "per_group"},
                                                          {Granularity::PerAxis, "per_axis"},
                                                          {Granularity::PerRow, "per_row"},
                                                          {Granularity::PerTensor, "per_tensor"}};

std::string resolvePath(const std::string& path, const std::string& baseDir) {
    std::filesystem::path p(path);
    return p.is_absolute() || baseDir.empty() ? p.string()
                                              : (std::filesystem::path(baseDir) / p).lexically_normal().string();
}

QuantConfig unwrap(Result<QuantConfig> result) {
    if (!result.ok()) throw ParseFailure{result.error()};
    return std::move(result).value();
}

// YAML map -> nlohmann JSON (for an inline torchao_config). Scalars keep YAML's typing.
nlohmann::json yamlToJson(const YAML::Node& node) {
    if (node.IsMap()) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& kv : node) out[kv.first.as<std::string>()] = yamlToJson(kv.second);
        return out;
    }
    if (node.IsSequence()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : node) out.push_back(yamlToJson(item));
        return out;
    }
    if (!node.IsScalar() || (node.Tag() != "!" && (node.Scalar() == "null" || node.Scalar() == "~"))) {
        return nullptr;
    }
    const auto& s = node.Scalar();
    if (node.Tag() == "!") return s;  // quoted
    if (s == "true" || s == "false") return s == "true";
    try {
        std::size_t used = 0;
        const long long i = std::stoll(s, &used);
        if (used == s.size()) return i;
        const double d = std::stod(s, &used);
        if (used == s.size()) return d;
    } catch (const std::exception&) {
    }
    return s;
}

void setScheme(const YamlMap& m, QuantConfig& c);

// MX (weight_dtype sets activation_dtype too: torchao asserts they match), NVFP4: the keys their configs take.
void setBlockScheme(const YamlMap& m, QuantConfig& c) {
    if (m.has("weight_dtype")) {
        const auto d = m.enumValue("weight_dtype", quantDTypeTable());
        if (d != QuantDType::Float8E4M3 && d != QuantDType::Float8E5M2 && d != QuantDType::Float4E2M1) {
            failInput(m.path("weight_dtype") + ": expected float8_e4m3fn, float8_e5m2 or float4_e2m1fn_x2");
        }
        c.weight.dtype = d;
        if (c.activation) c.activation->dtype = d;
    }
    if (m.has("block_size")) c.weight.groupSize = m.positiveInt("block_size");
    if (m.has("scaling_mode")) c.mxScaling = m.enumValue("scaling_mode", mxScaleModeTable());
    if (m.has("kernel_preference")) c.kernelPreference = m.enumValue("kernel_preference", kernelPreferenceTable());
    if (m.has("use_dynamic_per_tensor_scale")) c.nvfp4PerTensorScale = m.boolean("use_dynamic_per_tensor_scale");
}

QuantConfig fromScheme(const YamlMap& m) {
    m.checkKeys({"scheme", "group_size", "packing_format", "choose_qparams_algorithm", "weight_dtype", "granularity",
                 "mapping_type", "act_mapping_type", "block_size", "scaling_mode", "kernel_preference",
                 "use_dynamic_per_tensor_scale", QL_COMMON_QUANT_KEYS});
    QuantConfig c;
    setScheme(m, c);
    c.origin = "scheme";
    return c;
}

void requireApplies(const YamlMap& m, std::string_view key, bool applies, QuantScheme scheme) {
    if (m.has(key) && !applies) {
        failInput(m.path(key) + ": does not apply to scheme " + std::string(quantSchemeName(scheme)));
    }
}

void declare(QuantConfig& c, const YamlMap& m, std::string_view key) {
    if (m.has(key)) c.declared.emplace_back(std::string(key), m.scalar(key));
}

void setScheme(const YamlMap& m, QuantConfig& c) {
    c.scheme = m.enumValue("scheme", quantSchemeTable());
    const auto s = c.scheme;
    const QuantSchemeInfo& info = quantSchemeInfo(s);
    requireApplies(m, "group_size", schemeTakes(s, kKeyGroupSize), s);
    requireApplies(m, "packing_format", schemeTakes(s, kKeyPackingFormat), s);
    requireApplies(m, "choose_qparams_algorithm", schemeTakes(s, kKeyChooseQParamsAlgorithm), s);
    requireApplies(m, "weight_dtype", schemeTakes(s, kKeyWeightDtype), s);
    requireApplies(m, "granularity", schemeTakes(s, kKeyGranularity), s);
    requireApplies(m, "mapping_type", schemeTakes(s, kKeyMappingType), s);
    requireApplies(m, "act_mapping_type", schemeTakes(s, kKeyActMappingType), s);
    requireApplies(m, "block_size", schemeTakes(s, kKeyBlockSize), s);
    requireApplies(m, "scaling_mode", schemeTakes(s, kKeyScalingMode), s);
    requireApplies(m, "kernel_preference", schemeTakes(s, kKeyKernelPreference), s);
    requireApplies(m, "use_dynamic_per_tensor_scale", schemeTakes(s, kKeyUseDynamicPerTensorScale), s);
    const bool mx = info.family == SchemeFamily::Mx;
    // Start from torchao 0.18 defaults of the class, via its config_to_dict form with empty _data.
    if (s != QuantScheme::None) {
        nlohmann::json object{{"_type", std::string(info.torchaoClass)},
                              {"_version", info.configVersion},
                              {"_data", nlohmann::json::object()}};
        c = parseBaseConfig(object, m.where());
    }
    c.declared.clear();
    c.declared.emplace_back("scheme", std::string(quantSchemeName(s)));
    for (auto key :
         {"group_size", "packing_format", "choose_qparams_algorithm", "weight_dtype", "granularity", "mapping_type",
          "act_mapping_type", "block_size", "scaling_mode", "kernel_preference", "use_dynamic_per_tensor_scale"}) {
        declare(c, m, key);
    }
    if (mx || info.family == SchemeFamily::Nvfp4) {
        setBlockScheme(m, c);
        return;
    }
    if (m.has("weight_dtype")) {
        c.weight.dtype = m.enumValue("weight_dtype", quantDTypeTable());
        if (quantDTypeBits(c.weight.dtype) > 8 || c.weight.dtype == QuantDType::UInt4 ||
            c.weight.dtype == QuantDType::Float8E4M3 || c.weight.dtype == QuantDType::Float8E5M2) {
            failInput(m.path("weight_dtype") + ": expected int1..int8");
        }
    }
    if (m.has("granularity")) {
        const auto g = m.enumValue("granularity", std::span<const EnumName<Granularity>>(kWeightGranularities));
        const bool fp8 = info.family == SchemeFamily::Float8;
        const bool ok = fp8 ? (g == Granularity::PerRow || g == Granularity::PerTensor)
                            : (g == Granularity::PerGroup || g == Granularity::PerAxis);
        if (!ok)
            failInput(m.path("granularity") + ": expected " +
                      (fp8 ? "per_row or per_tensor" : "per_group or per_axis"));
        c.weight.granularity = g;
        if (fp8 && c.activation) c.activation->granularity = g;
        if (g != Granularity::PerGroup) c.weight.groupSize = 0;
        if (g == Granularity::PerGroup && c.weight.groupSize == 0) c.weight.groupSize = 32;
    }
    if (m.has("group_size")) {
        // group_size alone means per-group weights where the granularity is a choice (intx: PerAxis by default).
        if (!m.has("granularity") && schemeTakes(s, kKeyGranularity)) c.weight.granularity = Granularity::PerGroup;
        if (c.weight.granularity != Granularity::PerGroup)
            failInput(m.path("group_size") + ": needs granularity per_group");
        c.weight.groupSize = m.positiveInt("group_size");
    }
    if (m.has("packing_format")) {
        if (info.family != SchemeFamily::Intx)
            c.int4Packing = m.enumValue("packing_format", int4PackingFormatTable());
        else
            c.intxPacking = m.enumValue("packing_format", intxPackingFormatTable());
    }
    if (m.has("choose_qparams_algorithm")) {
        if (info.family == SchemeFamily::Intx)
            c.intxAlgorithm = m.enumValue("choose_qparams_algorithm", intxAlgorithmTable());
        else
            c.int4Algorithm = m.enumValue("choose_qparams_algorithm", int4AlgorithmTable());
    }
    if (m.has("mapping_type")) c.weight.mapping = m.enumValue("mapping_type", mappingTypeTable());
    if (m.has("act_mapping_type") && c.activation)
        c.activation->mapping = m.enumValue("act_mapping_type", mappingTypeTable());
}

QuantConfig fromTorchaoConfig(const YamlMap& m, const std::string& baseDir) {
    m.checkKeys({"torchao_config", QL_COMMON_QUANT_KEYS});
    const auto node = m.node("torchao_config");
    if (node.IsScalar()) {
        return unwrap(loadTorchaoConfigJson(resolvePath(node.Scalar(), baseDir)));
    }
    if (!node.IsMap())
        failInput(m.path("torchao_config") + ": expected a config_to_dict map or a path to a .json file");
    auto c = parseConfigJson(yamlToJson(node), m.path("torchao_config"));
    c.origin = "torchao_config (inline)";
    return c;
}

QuantConfig fromHfConfig(const YamlMap& m, const std::string& baseDir) {
    m.checkKeys({"hf_config", QL_COMMON_QUANT_KEYS});
    return unwrap(loadHfQuantizationConfig(resolvePath(m.scalar("hf_config"), baseDir)));
}

QuantConfig fromRepr(const YamlMap& m) {
    m.checkKeys({"repr", QL_COMMON_QUANT_KEYS});
    return unwrap(parseTorchaoConfigRepr(m.scalar("repr"), m.path("repr")));
}

// min_in_features, enabled, fake_quant_after_steps: which modules QAT reaches and whether it runs.
void applySelection(const YamlMap& m, QuantConfig& c) {
    if (m.has("min_in_features")) {
        c.minInFeatures = m.positiveInt("min_in_features");
        c.declared.emplace_back("min_in_features", std::to_string(*c.minInFeatures));
    }
    if (m.has("enabled")) {
        c.fakeQuantEnabled = m.boolean("enabled");
        c.declared.emplace_back("enabled", c.fakeQuantEnabled ? "true" : "false");
    }
    if (m.has("fake_quant_after_steps")) {
        const auto text = m.scalar("fake_quant_after_steps");
        std::int64_t steps = -1;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), steps);
        if (ec != std::errc() || end != text.data() + text.size() || steps < 0) {
            failInput(m.path("fake_quant_after_steps") + ": expected a non-negative step count, got '" + text + "'");
        }
        c.fakeQuantAfterSteps = steps;
        c.declared.emplace_back("fake_quant_after_steps", text);
    }
    const bool selects = m.has("min_in_features") || m.has("enabled") || m.has("fake_quant_after_steps");
    if (selects && c.scheme == QuantScheme::None) {
        failInput(m.where() + ": min_in_features, enabled and fake_quant_after_steps need a quantization scheme");
    }
}

void applyStep(const YamlMap& m, QuantConfig& c) {
    const bool fromQatConfig = !c.declared.empty() && c.declared.front().first == "qat_step";
    if (!m.has("step")) {
        if (!fromQatConfig) c.qatStep = c.scheme == QuantScheme::None ? QatStep::None : QatStep::Prepare;
        return;
    }
    const auto step = m.enumValue("step", std::span<const EnumName<QatStep>>(kSteps));
    if (fromQatConfig && step != c.qatStep) {
        failInput(m.path("step") + ": '" + std::string(m.scalar("step")) + "' contradicts the QATConfig step '" +
                  std::string(qatStepName(c.qatStep)) + "'");
    }
    c.qatStep = step;
    if (!fromQatConfig) c.declared.emplace_back("step", m.scalar("step"));
}

}  // namespace

QuantConfig parseQuantizationYaml(const YAML::Node& node, const std::string& where, const std::string& baseDir) {
    YamlMap m(node, where);
    const int forms =
        int(m.has("scheme")) + int(m.has("torchao_config")) + int(m.has("hf_config")) + int(m.has("repr"));
    if (forms != 1) {
        failInput(where + ": expected exactly one of scheme, torchao_config, hf_config, repr");
    }
    QuantConfig c = m.has("scheme")           ? fromScheme(m)
                    : m.has("torchao_config") ? fromTorchaoConfig(m, baseDir)
                    : m.has("repr")           ? fromRepr(m)
                                              : fromHfConfig(m, baseDir);
    applyStep(m, c);
    applySelection(m, c);
    if (m.has("include_embeddings")) {
        c.includeEmbeddings = m.boolean("include_embeddings");
        c.declared.emplace_back("include_embeddings", c.includeEmbeddings ? "true" : "false");
    }
    return c;
}

}  // namespace ql::recipe
