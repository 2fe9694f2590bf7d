// config_to_dict JSON -> QuantConfig (torchao/core/config.py config_to_dict), one function per torchao config class.
// Field names, defaults and versions follow torchao 0.18.0 (quant_api.py, qat/api.py); keys that only
// older releases (0.14-0.17) write are tolerated and recorded as declared.
#include <quantlens/quant_schemes.h>
#include <quantlens/torchao_config.h>

#include "recipe/granularity_json.h"
#include "recipe/torchao_json_reader.h"

namespace ql {

using namespace recipe;
using nlohmann::json;

namespace {

// Records every present field of `_data` as declared text, in document order.
void recordDeclared(const json& object, QuantConfig& config) {
    const auto data = object.find("_data");
    if (data == object.end() || !data->is_object()) return;
    for (const auto& [key, value] : data->items()) {
        config.declared.emplace_back(key, declaredText(value));
    }
}

void parseInt4WeightOnly(TorchaoJsonReader& r, QuantConfig& c) {
    c.scheme = QuantScheme::Int4WeightOnly;
    c.weight = WeightQuant{QuantDType::Int4, Granularity::PerGroup, 128, 0, MappingType::Asymmetric, std::nullopt};
    if (auto g = r.integer("group_size")) {
        if (*g <= 0) failInput(r.fieldPath("group_size") + ": expected a positive integer, got " + std::to_string(*g));
        c.weight.groupSize = static_cast<int>(*g);
    }
    if (auto p = r.enumValue("int4_packing_format", "Int4PackingFormat", int4PackingFormatTable())) c.int4Packing = *p;
    if (auto a = r.enumValue("int4_choose_qparams_algorithm", "Int4ChooseQParamsAlgorithm", int4AlgorithmTable())) {
        c.int4Algorithm = *a;
    }
    if (auto n = r.integer("int4_tile_packed_ntile")) {
        if (*n != 8 && *n != 16) failInput(r.fieldPath("int4_tile_packed_ntile") + ": expected 8 or 16");
        c.int4TilePackedNtile = static_cast<int>(*n);
    }
    r.boolean("set_inductor_config");
    r.tolerate({"layout", "use_hqq", "zero_point_domain", "preserve_zero"});  // 0.14/0.15 v1 leftovers
}

WeightQuant intxWeight(TorchaoJsonReader& r, std::string_view dtypeKey, std::string_view granKey,
                       std::string_view mappingKey, std::string_view scaleKey, Granularity defaultGran) {
    WeightQuant w{QuantDType::Int8, defaultGran, 0, 0, MappingType::Symmetric, std::nullopt};
    if (auto d = r.quantDType(dtypeKey)) w.dtype = *d;
    if (w.dtype == QuantDType::UInt4 || w.dtype == QuantDType::Float8E4M3 || w.dtype == QuantDType::Float8E5M2) {
        failInput(r.fieldPath(dtypeKey) + ": expected torch.int1..torch.int8, got " +
                  std::string(quantDTypeName(w.dtype)));
    }
    if (const auto* g = r.raw(granKey)) {
        applyGranularity(*g, r.fieldPath(granKey), {Granularity::PerGroup, Granularity::PerAxis}, w);
    }
    if (auto m = r.enumValue(mappingKey, "MappingType", mappingTypeTable())) w.mapping = *m;
    w.scaleDType = r.scaleDType(scaleKey);
    return w;
}

void parseIntxCommon(TorchaoJsonReader& r, QuantConfig& c) {
    if (auto p = r.enumValue("intx_packing_format", "IntxPackingFormat", intxPackingFormatTable())) c.intxPacking = *p;
    if (auto a = r.enumValue("intx_choose_qparams_algorithm", "IntxChooseQParamsAlgorithm", intxAlgorithmTable())) {
        c.intxAlgorithm = *a;
    }
    r.tolerate({"layout"});
}

void parseIntxWeightOnly(TorchaoJsonReader& r, QuantConfig& c) {
    c.scheme = QuantScheme::IntxWeightOnly;
    c.weight = intxWeight(r, "weight_dtype", "granularity", "mapping_type", "scale_dtype", Granularity::PerAxis);
    parseIntxCommon(r, c);
}

void parseInt8DynActIntx(TorchaoJsonReader& r, QuantConfig& c) {
    c.scheme = QuantScheme::Int8DynamicActivationIntxWeight;
    c.weight = intxWeight(r, "weight_dtype", "weight_granularity", "weight_mapping_type", "weight_scale_dtype",
                          Granularity::PerGroup);
    if (!r.has("weight_granularity")) c.weight.groupSize = 32;  // default PerGroup(32)
    ActivationQuant act{QuantDType::Int8, Granularity::PerToken, MappingType::Asymmetric, {}, {}};
    if (auto m = r.enumValue("act_mapping_type", "MappingType", mappingTypeTable())) act.mapping = *m;
    c.activation = act;
    parseIntxCommon(r, c);
}

void parseInt8DynActInt4(TorchaoJsonReader& r, QuantConfig& c) {
    c.scheme = QuantScheme::Int8DynamicActivationInt4Weight;
    c.weight = WeightQuant{QuantDType::Int4, Granularity::PerGroup, 32, 0, MappingType::Symmetric, std::nullopt};
    if (auto g = r.integer("group_size")) {
        if (*g <= 0) failInput(r.fieldPath("group_size") + ": expected a positive integer");
        c.weight.groupSize = static_cast<int>(*g);
    }
    if (auto m = r.enumValue("mapping_type", "MappingType", mappingTypeTable())) c.weight.mapping = *m;  // <= 0.16
    ActivationQuant act{QuantDType::Int8, Granularity::PerToken, MappingType::Asymmetric, {}, {}};
    if (auto m = r.enumValue("act_mapping_type", "MappingType", mappingTypeTable())) act.mapping = *m;
    c.activation = act;
    r.boolean("set_inductor_config");
    r.tolerate({"layout"});
}

QuantDType float8DType(TorchaoJsonReader& r, std::string_view key) {
    const auto d = r.quantDType(key).value_or(QuantDType::Float8E4M3);
    if (d != QuantDType::Float8E4M3 && d != QuantDType::Float8E5M2) {
        failInput(r.fieldPath(key) + ": expected float8_e4m3fn or float8_e5m2, got " + std::string(quantDTypeName(d)));
    }
    return d;
}

void parseFloat8Float8(TorchaoJsonReader& r, QuantConfig& c) {
    c.scheme = QuantScheme::Float8DynamicActivationFloat8Weight;
    ActivationQuant act{float8DType(r, "activation_dtype"), Granularity::PerTensor, MappingType::Symmetric, {}, {}};
    c.weight =
        WeightQuant{float8DType(r, "weight_dtype"), Granularity::PerTensor, 0, 0, MappingType::Symmetric, std::nullopt};
    if (const auto* g = r.raw("granularity"); g != nullptr && !g->is_null()) {
        const auto gran = float8Granularity(*g, r.fieldPath("granularity"));
        act.granularity = gran;
        c.weight.granularity = gran;
    }
    act.valueLb = r.number("activation_value_lb");
    act.valueUb = r.number("activation_value_ub");
    c.activation = act;
    r.boolean("set_inductor_config");
    r.integer("alg_id");
    r.tolerate({"packing_format", "mm_config", "kernel_preference"});
}

void parseFloat8Int4(TorchaoJsonReader& r, QuantConfig& c) {
    c.scheme = QuantScheme::Float8DynamicActivationInt4Weight;
    c.weight = WeightQuant{QuantDType::Int4, Granularity::PerGroup, 128, 0, MappingType::Symmetric, std::nullopt};
    c.activation = ActivationQuant{QuantDType::Float8E4M3, Granularity::PerRow, MappingType::Symmetric, {}, {}};
    c.int4Packing = Int4PackingFormat::Preshuffled;
    if (auto p = r.enumValue("int4_packing_format", "Int4PackingFormat", int4PackingFormatTable())) {
        if (*p != Int4PackingFormat::Preshuffled && *p != Int4PackingFormat::Plain) {
            failInput(r.fieldPath("int4_packing_format") + ": expected PRESHUFFLED or PLAIN");
        }
        c.int4Packing = *p;
    }
}

// prototype/mx_formats/inference_workflow.py MXDynamicActivationMXWeightConfig (version 1): block_size 32,
// activation_dtype == weight_dtype (asserted in __post_init__), kernel_preference AUTO, scaling_mode RCEIL.
void parseMx(TorchaoJsonReader& r, QuantConfig& c) {
    c.scheme = QuantScheme::MxDynamicActivationMxWeight;
    c.weight = WeightQuant{QuantDType::Float8E4M3, Granularity::PerGroup, 32, 0, MappingType::Symmetric, std::nullopt};
    if (auto b = r.integer("block_size")) {
        if (*b <= 0) failInput(r.fieldPath("block_size") + ": expected a positive integer");
        c.weight.groupSize = static_cast<int>(*b);
    }
    const auto act = r.quantDType("activation_dtype").value_or(QuantDType::Float8E4M3);
    if (auto d = r.quantDType("weight_dtype")) c.weight.dtype = *d;
    for (auto [key, d] : {std::pair{"activation_dtype", act}, std::pair{"weight_dtype", c.weight.dtype}}) {
        if (d != QuantDType::Float8E4M3 && d != QuantDType::Float8E5M2 && d != QuantDType::Float4E2M1) {
            failInput(r.fieldPath(key) + ": expected float8_e4m3fn, float8_e5m2 or float4_e2m1fn_x2, got " +
                      std::string(quantDTypeName(d)));
        }
    }
    if (act != c.weight.dtype)
        failInput(r.fieldPath("activation_dtype") + ": must equal weight_dtype (torchao asserts)");
    c.activation = ActivationQuant{act, Granularity::PerGroup, MappingType::Symmetric, {}, {}};
    if (auto k = r.enumValue("kernel_preference", "KernelPreference", kernelPreferenceTable())) c.kernelPreference = *k;
    if (auto m = r.enumValue("scaling_mode", "ScaleCalculationMode", mxScaleModeTable())) c.mxScaling = *m;
}

// NVFP4DynamicActivationNVFP4WeightConfig (version 1): blocks of 16, e4m3 block scales, fp4 e2m1 elements.
void parseNvfp4(TorchaoJsonReader& r, QuantConfig& c) {
    c.scheme = QuantScheme::Nvfp4DynamicActivationNvfp4Weight;
    c.weight = WeightQuant{QuantDType::Float4E2M1, Granularity::PerGroup, 16, 0, MappingType::Symmetric, std::nullopt};
    c.activation = ActivationQuant{QuantDType::Float4E2M1, Granularity::PerGroup, MappingType::Symmetric, {}, {}};
    if (auto p = r.boolean("use_dynamic_per_tensor_scale")) c.nvfp4PerTensorScale = *p;
    r.boolean("use_triton_kernel");
    if (const auto* step = r.raw("step"); step != nullptr && !step->is_null()) {
        fail(ErrorCode::Unsupported, r.fieldPath("step") + ": the static (observer) NVFP4 flow is not supported");
    }
}

}  // namespace

namespace recipe {

// Parses one base config object (not QATConfig); `where` names it in errors.
QuantConfig parseBaseConfig(const json& object, const std::string& where) {
    if (!object.is_object() || !object.contains("_type") || !object.at("_type").is_string()) {
        failInput(where + ": expected a config_to_dict object with a \"_type\"");
    }
    const auto type = object.at("_type").get<std::string>();
    QuantConfig config;
    const auto path = where + "(" + type + ")";
    auto run = [&](std::initializer_list<int> versions, auto parser) {
        TorchaoJsonReader reader(object, path, type, versions);
        config.configVersion = reader.version();
        parser(reader, config);
        reader.finish();
    };
    const std::optional<QuantScheme> scheme = quantSchemeForTorchaoClass(type);
    if (!scheme) {
        std::string valid;
        for (const QuantSchemeInfo& info : quantSchemes()) {
            if (!info.torchaoClass.empty()) valid += std::string(info.torchaoClass) + ", ";
        }
        fail(ErrorCode::Unsupported,
             where + "._type: unsupported torchao config '" + type + "' (valid: " + valid + "QATConfig)");
    }
    const std::initializer_list<int> versions{quantSchemeInfo(*scheme).configVersion};
    switch (*scheme) {
        case QuantScheme::Int4WeightOnly:
            run(versions, parseInt4WeightOnly);
            break;
        case QuantScheme::IntxWeightOnly:
            run(versions, parseIntxWeightOnly);
            break;
        case QuantScheme::Int8DynamicActivationIntxWeight:
            run(versions, parseInt8DynActIntx);
            break;
        case QuantScheme::Int8DynamicActivationInt4Weight:
            run(versions, parseInt8DynActInt4);
            break;
        case QuantScheme::Float8DynamicActivationFloat8Weight:
            run(versions, parseFloat8Float8);
            break;
        case QuantScheme::Float8DynamicActivationInt4Weight:
            run(versions, parseFloat8Int4);
            break;
        case QuantScheme::MxDynamicActivationMxWeight:
            run(versions, parseMx);
            break;
        case QuantScheme::Nvfp4DynamicActivationNvfp4Weight:
            run(versions, parseNvfp4);
            break;
        case QuantScheme::None:
            break;
    }
    recordDeclared(object, config);
    return config;
}

QuantConfig parseQatConfig(const json& object, const std::string& where) {
    TorchaoJsonReader reader(object, where + "(QATConfig)", "QATConfig", {1});
    const auto step = reader.string("step").value_or("prepare");
    QatStep qatStep = QatStep::Prepare;
    if (equalsIgnoreCase(step, "prepare"))
        qatStep = QatStep::Prepare;
    else if (equalsIgnoreCase(step, "convert"))
        qatStep = QatStep::Convert;
    else
        failInput(reader.fieldPath("step") + ": unknown step '" + step + "' (valid: prepare, convert)");
    for (const char* key : {"activation_config", "weight_config"}) {
        const auto* v = reader.raw(key);
        if (v != nullptr && !v->is_null()) {
            fail(ErrorCode::Unsupported,
                 reader.fieldPath(key) +
                     ": directly specified fake-quantize configs are not supported; give base_config");
        }
    }
    const auto* base = reader.raw("base_config");
    reader.finish();
    QuantConfig config;
    if (base == nullptr || base->is_null()) {
        if (qatStep == QatStep::Prepare) {
            failInput(reader.fieldPath("base_config") + ": QATConfig prepare needs a base_config");
        }
        config.scheme = QuantScheme::None;
        config.hasBaseConfig = false;
    } else {
        config = parseBaseConfig(*base, reader.fieldPath("base_config"));
    }
    config.qatStep = qatStep;
    config.declared.insert(config.declared.begin(), {"qat_step", std::string(qatStepName(qatStep))});
    return config;
}

QuantConfig parseConfigJson(const json& object, const std::string& where) {
    if (object.is_object() && object.value("_type", json()).is_string() && object.at("_type") == "QATConfig") {
        return parseQatConfig(object, where);
    }
    return parseBaseConfig(object, where);
}

}  // namespace recipe
}  // namespace ql
