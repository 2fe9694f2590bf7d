// Parses torchao 0.18.0's own config_to_dict JSON (and transformers' TorchAoConfig JSON) with
// QuantLens and compares the canonical fields with what the live torchao config objects held, and
// the effective fake-quant group size with torchao's _infer_fake_quantize_configs; the repr() torchao
// prints for each of those configs, and constructor calls as written in code, must resolve to the
// same canonical config as their config_to_dict JSON (reference: tests/reference/ql_ref/quant_configs.py).
#include <gtest/gtest.h>
#include <quantlens/quant_config.h>
#include <quantlens/torchao_config.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "support/reference_data.h"

namespace ql {
namespace {

using nlohmann::json;

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string torchDTypeName(DType d) {
    switch (d) {
        case DType::BF16:
            return "bfloat16";
        case DType::F16:
            return "float16";
        case DType::F32:
            return "float32";
        default:
            return std::string(dtypeName(d));
    }
}

bool isInt4Class(const QuantConfig& c) {
    return c.scheme == QuantScheme::Int4WeightOnly || c.scheme == QuantScheme::Float8DynamicActivationInt4Weight;
}

void compareFields(test::FieldTally& t, const QuantConfig& c, const json& f) {
    t.equal("class", std::string(quantSchemeTorchaoClass(c.scheme)), f.at("class").get<std::string>());
    t.equal("version", c.configVersion, f.at("version").get<int>());
    if (!f.at("group_size").is_null()) t.equal("group_size", c.weight.groupSize, f.at("group_size").get<int>());
    if (!f.at("int4_packing_format").is_null() && isInt4Class(c)) {
        t.equal("int4_packing_format", std::string(int4PackingFormatName(c.int4Packing)),
                f.at("int4_packing_format").get<std::string>());
    }
    if (!f.at("int4_choose_qparams_algorithm").is_null()) {
        t.equal("int4_choose_qparams_algorithm", std::string(int4ChooseQParamsAlgorithmName(c.int4Algorithm)),
                f.at("int4_choose_qparams_algorithm").get<std::string>());
    }
    if (!f.at("int4_tile_packed_ntile").is_null())
        t.equal("int4_tile_packed_ntile", c.int4TilePackedNtile, f.at("int4_tile_packed_ntile").get<int>());
    if (!f.at("intx_packing_format").is_null()) {
        t.equal("intx_packing_format", std::string(intxPackingFormatName(c.intxPacking)),
                f.at("intx_packing_format").get<std::string>());
        t.equal("intx_choose_qparams_algorithm", std::string(intxChooseQParamsAlgorithmName(c.intxAlgorithm)),
                f.at("intx_choose_qparams_algorithm").get<std::string>());
    }
    if (!f.at("weight_dtype").is_null())
        t.equal("weight_dtype", std::string(quantDTypeName(c.weight.dtype)), f.at("weight_dtype").get<std::string>());
    if (!f.at("activation_dtype").is_null()) {
        ASSERT_TRUE(c.activation.has_value());
        t.equal("activation_dtype", std::string(quantDTypeName(c.activation->dtype)),
                f.at("activation_dtype").get<std::string>());
    }
    if (const auto& g = f.at("granularity"); !g.is_null()) {
        t.equal("granularity", std::string(granularityName(c.weight.granularity)), g.at("type").get<std::string>());
        if (g.at("type") == "PerGroup") t.equal("granularity.group_size", c.weight.groupSize, g.at("arg").get<int>());
        if (g.at("type") == "PerAxis") t.equal("granularity.axis", c.weight.axis, g.at("arg").get<int>());
    }
    if (!f.at("mapping_type").is_null())
        t.equal("mapping_type", std::string(mappingTypeName(c.weight.mapping)),
                f.at("mapping_type").get<std::string>());
    if (!f.at("act_mapping_type").is_null()) {
        ASSERT_TRUE(c.activation.has_value());
        t.equal("act_mapping_type", std::string(mappingTypeName(c.activation->mapping)),
                f.at("act_mapping_type").get<std::string>());
    }
    const std::string scale = c.weight.scaleDType ? torchDTypeName(*c.weight.scaleDType) : "null";
    t.equal("scale_dtype", scale,
            f.at("scale_dtype").is_null() ? std::string("null") : f.at("scale_dtype").get<std::string>());
    if (f.contains("block_size") && !f.at("block_size").is_null())
        t.equal("block_size", c.weight.groupSize, f.at("block_size").get<int>());
    if (f.contains("scaling_mode") && !f.at("scaling_mode").is_null())
        t.equal("scaling_mode", std::string(mxScaleModeName(c.mxScaling)), f.at("scaling_mode").get<std::string>());
    if (f.contains("kernel_preference") && !f.at("kernel_preference").is_null()) {
        t.equal("kernel_preference", std::string(kernelPreferenceName(c.kernelPreference)),
                f.at("kernel_preference").get<std::string>());
    }
    if (f.contains("use_dynamic_per_tensor_scale") && !f.at("use_dynamic_per_tensor_scale").is_null()) {
        t.equal("use_dynamic_per_tensor_scale", c.nvfp4PerTensorScale,
                f.at("use_dynamic_per_tensor_scale").get<bool>());
    }
    if (!f.at("activation_value_ub").is_null()) {
        ASSERT_TRUE(c.activation && c.activation->valueUb);
        t.exactDouble("activation_value_ub", *c.activation->valueUb, f.at("activation_value_ub").get<double>());
    }
}

void compareCase(const json& kase, const std::filesystem::path& dir) {
    const auto name = kase.at("name").get<std::string>();
    test::FieldTally t(name);
    auto parsed = loadTorchaoConfigJson((dir / (name + ".json")).string());
    ASSERT_TRUE(parsed.ok()) << name << ": " << parsed.error().message;
    const QuantConfig& c = *parsed;
    const std::string step = kase.at("qat_step").is_null() ? "none" : kase.at("qat_step").get<std::string>();
    t.equal("qat_step", std::string(qatStepName(c.qatStep)), step);
    t.equal("has_base", c.hasBaseConfig, kase.at("has_base").get<bool>());
    if (kase.contains("fields")) {
        compareFields(t, c, kase.at("fields"));
        const auto fq = effectiveFakeQuant(c, {0, 18});
        t.equal("fake_prepare_supported", fq.prepareSupported, kase.at("fake_prepare_supported").get<bool>());
        if (fq.prepareSupported && !kase.at("fake_group_size").is_null()) {
            t.equal("fake_group_size", fq.weightGroupSize, kase.at("fake_group_size").get<int>());
        }
    }
    if (kase.value("hf", false)) {
        auto hf = loadHfQuantizationConfig((dir / (name + ".hf.json")).string());
        ASSERT_TRUE(hf.ok()) << name << ".hf.json: " << hf.error().message;
        compareFields(t, *hf, kase.at("fields"));
        t.equal("hf.include_embeddings", hf->includeEmbeddings, false);
    }
    EXPECT_GT(t.compared(), 0) << name;
}

// Every canonical field of a QuantConfig, one line each (origin excluded: it names the source).
std::string canonical(const QuantConfig& c, bool withDeclared) {
    std::string out =
        std::string(quantSchemeName(c.scheme)) + "|" + std::string(qatStepName(c.qatStep)) + "|" +
        std::to_string(c.hasBaseConfig) + "|v" + std::to_string(c.configVersion) + "|" +
        std::string(quantDTypeName(c.weight.dtype)) + "|" + std::string(granularityName(c.weight.granularity)) + "|g" +
        std::to_string(c.weight.groupSize) + "|a" + std::to_string(c.weight.axis) + "|" +
        std::string(mappingTypeName(c.weight.mapping)) + "|" +
        (c.weight.scaleDType ? std::string(dtypeName(*c.weight.scaleDType)) : "-") + "|" +
        std::string(int4PackingFormatName(c.int4Packing)) + "|" +
        std::string(int4ChooseQParamsAlgorithmName(c.int4Algorithm)) + "|n" + std::to_string(c.int4TilePackedNtile) +
        "|" + std::string(intxPackingFormatName(c.intxPacking)) + "|" +
        std::string(intxChooseQParamsAlgorithmName(c.intxAlgorithm)) + "|" + std::string(mxScaleModeName(c.mxScaling)) +
        "|" + std::string(kernelPreferenceName(c.kernelPreference)) + "|pts" + std::to_string(c.nvfp4PerTensorScale);
    if (c.activation) {
        out += "|act " + std::string(quantDTypeName(c.activation->dtype)) + " " +
               std::string(granularityName(c.activation->granularity)) + " " +
               std::string(mappingTypeName(c.activation->mapping)) + " lb" +
               (c.activation->valueLb ? std::to_string(*c.activation->valueLb) : "-") + " ub" +
               (c.activation->valueUb ? std::to_string(*c.activation->valueUb) : "-");
    }
    if (withDeclared) {
        for (const auto& [k, v] : c.declared) out += "\n" + k + "=" + v;
    }
    return out;
}

TEST(QuantConfigGolden, PrintedReprResolvesLikeConfigToDict) {
    const auto dir = test::referenceModuleDir("quant_configs", false);
    ASSERT_TRUE(dir.has_value());
    const auto cases = test::loadJsonFile(*dir / "cases.json");
    ASSERT_TRUE(cases.has_value());
    int compared = 0;
    for (const auto& kase : *cases) {
        const auto name = kase.at("name").get<std::string>();
        std::ifstream in(*dir / (name + ".repr.txt"));
        std::stringstream text;
        text << in.rdbuf();
        ASSERT_FALSE(text.str().empty()) << name << ".repr.txt";
        auto repr = parseTorchaoConfigRepr(text.str(), name + ".repr.txt");
        ASSERT_TRUE(repr.ok()) << name << ": " << repr.error().message;
        auto json = loadTorchaoConfigJson((*dir / (name + ".json")).string());
        ASSERT_TRUE(json.ok()) << name << ": " << json.error().message;
        EXPECT_EQ(canonical(*repr, true), canonical(*json, true)) << name << "\n" << text.str();
        if (kase.contains("fields")) {
            test::FieldTally t(name + " (repr)");
            compareFields(t, *repr, kase.at("fields"));
        }
        ++compared;
    }
    EXPECT_GE(compared, 20);
}

TEST(QuantConfigGolden, ConstructorCallsResolveLikeConfigToDict) {
    const auto dir = test::referenceModuleDir("quant_configs", false);
    ASSERT_TRUE(dir.has_value());
    const auto cases = test::loadJsonFile(*dir / "code_cases.json");
    ASSERT_TRUE(cases.has_value());
    ASSERT_GE(cases->size(), 5u);
    for (const auto& kase : *cases) {
        const auto code = kase.at("code").get<std::string>();
        auto repr = parseTorchaoConfigRepr(code, "code");
        ASSERT_TRUE(repr.ok()) << code << ": " << repr.error().message;
        auto json = parseTorchaoConfigJson(kase.at("config").dump(), "config_to_dict");
        ASSERT_TRUE(json.ok()) << code << ": " << json.error().message;
        // A call names only some fields; config_to_dict writes them all, so `declared` differs by design.
        EXPECT_EQ(canonical(*repr, false), canonical(*json, false)) << code;
    }
}

TEST(QuantConfigGolden, TorchaoConfigToDictMatchesLiveConfigs) {
    const auto dir = test::referenceModuleDir("quant_configs", false);
    ASSERT_TRUE(dir.has_value());
    const auto cases = test::loadJsonFile(*dir / "cases.json");
    ASSERT_TRUE(cases.has_value());
    ASSERT_GE(cases->size(), 15u);
    for (const auto& kase : *cases) {
        compareCase(kase, *dir);
    }
}

}  // namespace
}  // namespace ql
