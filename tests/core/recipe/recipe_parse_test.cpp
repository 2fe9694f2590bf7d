// Recipe YAML and torchao config JSON parsing: every scheme/enum, and every bad-input case names the
// field and lists the valid values.
#include <gtest/gtest.h>
#include <quantlens/recipe.h>
#include <quantlens/torchao_config.h>

namespace ql {
namespace {

Result<Recipe> parse(const std::string& quantization, const std::string& extra = "") {
    return parseRecipe("model: m\n" + extra + "quantization: " + quantization + "\n", "/r/x.yaml");
}

void expectError(const Result<Recipe>& r, const std::string& field, const std::string& listed) {
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(listed), std::string::npos) << r.error().message;
}

TEST(RecipeParse, TopLevelFieldsAndRelativePaths) {
    auto r = parseRecipe(
        "model: ../m\nadapter: {path: a, form: qat_after_peft}\ndtype: float32\n"
        "device_numerics: cpu\ntorchao_version: 0.14.1\n",
        "/w/recipes/t.yaml");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->modelDir, "/w/m");
    EXPECT_EQ(r->adapter->path, "/w/recipes/a");
    EXPECT_EQ(r->adapter->form, AdapterForm::QatAfterPeft);
    EXPECT_EQ(r->dtype, DType::F32);
    EXPECT_EQ(r->deviceNumerics, DeviceNumerics::Cpu);
    EXPECT_EQ(r->torchaoVersion, (TorchaoVersion{0, 14}));
    EXPECT_EQ(r->quantization.scheme, QuantScheme::None);
}

TEST(RecipeParse, EverySchemeParses) {
    for (const char* s : {"int4_weight_only", "intx_weight_only", "int8_dynamic_activation_intx_weight",
                          "int8_dynamic_activation_int4_weight", "float8_dynamic_activation_float8_weight",
                          "float8_dynamic_activation_int4_weight", "none"}) {
        auto r = parse(std::string("{scheme: ") + s + "}");
        ASSERT_TRUE(r.ok()) << s << ": " << r.error().message;
        EXPECT_EQ(quantSchemeName(r->quantization.scheme), s);
    }
}

TEST(RecipeParse, IntxGroupSizeAloneMeansPerGroup) {
    auto r = parse("{scheme: intx_weight_only, group_size: 64}");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->quantization.weight.granularity, Granularity::PerGroup);
    EXPECT_EQ(r->quantization.weight.groupSize, 64);
    expectError(parse("{scheme: intx_weight_only, granularity: per_axis, group_size: 64}"), "quantization.group_size",
                "needs granularity per_group");
}

TEST(RecipeParse, Int4EnumsAndSteps) {
    for (const char* p : {"plain", "preshuffled", "tile_packed_to_4d", "plain_int32", "marlin_sparse", "opaque"}) {
        auto r =
            parse(std::string("{scheme: int4_weight_only, group_size: 64, packing_format: ") + p + ", step: convert}");
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_TRUE(r->quantization.int4Packing == Int4PackingFormat::Plain || std::string(p) != "plain");
        EXPECT_EQ(r->quantization.weight.groupSize, 64);
        EXPECT_EQ(r->quantization.qatStep, QatStep::Convert);
    }
    auto r = parse("{scheme: int4_weight_only, choose_qparams_algorithm: hqq, step: ptq}");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->quantization.int4Algorithm, Int4ChooseQParamsAlgorithm::Hqq);
    EXPECT_EQ(r->quantization.qatStep, QatStep::None);
}

TEST(RecipeParse, IntxFields) {
    auto r = parse(
        "{scheme: int8_dynamic_activation_intx_weight, weight_dtype: int2, granularity: per_axis, "
        "act_mapping_type: symmetric, packing_format: opaque_torchao_auto, choose_qparams_algorithm: hqq_scale_only}");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto& q = r->quantization;
    EXPECT_EQ(q.weight.dtype, QuantDType::Int2);
    EXPECT_EQ(q.weight.granularity, Granularity::PerAxis);
    EXPECT_EQ(q.weight.groupSize, 0);
    EXPECT_EQ(q.activation->mapping, MappingType::Symmetric);
    EXPECT_EQ(q.intxPacking, IntxPackingFormat::OpaqueTorchaoAuto);
    EXPECT_EQ(q.intxAlgorithm, IntxChooseQParamsAlgorithm::HqqScaleOnly);
}

TEST(RecipeParse, BadInputsNameTheFieldAndListValidValues) {
    expectError(parse("{scheme: int5_weight_only}"), "quantization.scheme", "int4_weight_only");
    expectError(parse("{scheme: int4_weight_only, packing_format: tiled}"), "quantization.packing_format",
                "preshuffled");
    expectError(parse("{scheme: int4_weight_only, choose_qparams_algorithm: x}"), "choose_qparams_algorithm", "hqq");
    expectError(parse("{scheme: int4_weight_only, group_size: abc}"), "quantization.group_size", "positive integer");
    expectError(parse("{scheme: int4_weight_only, group_size: [1]}"), "quantization.group_size", "scalar");
    expectError(parse("{scheme: int4_weight_only, bogus: 1}"), "bogus", "group_size");
    expectError(parse("{scheme: int4_weight_only, weight_dtype: int4}"), "weight_dtype", "does not apply");
    expectError(parse("{scheme: int4_weight_only, step: train}"), "quantization.step", "prepare, convert, ptq");
    expectError(parse("{scheme: int4_weight_only, hf_config: c.json}"), "quantization", "exactly one of");
    expectError(parse("{scheme: intx_weight_only, weight_dtype: int9}"), "weight_dtype", "int8");
    expectError(parse("{scheme: intx_weight_only, mapping_type: sym}"), "mapping_type", "asymmetric");
    expectError(parseRecipe("model: m\nflavour: x\n", "x.yaml"), "flavour", "device_numerics");
    expectError(parseRecipe("device_numerics: tpu\n", "x.yaml"), "device_numerics", "cpu, cuda");
    expectError(parseRecipe("dtype: int8\n", "x.yaml"), "dtype", "bfloat16");
    expectError(parseRecipe("adapter: {path: a, form: fused}\n", "x.yaml"), "adapter.form", "qat_after_peft");
    expectError(parseRecipe("torchao_version: \"0.9\"\n", "x.yaml"), "torchao_version", "0.18");
    expectError(parseRecipe("model: [\n", "x.yaml"), "x.yaml", "YAML");
    expectError(parse("{torchao_config: missing.json}"), "missing.json", "not found");
}

Result<QuantConfig> json(const std::string& text) {
    return parseTorchaoConfigJson(text, "c.json");
}

TEST(TorchaoJson, BadInputs) {
    auto noVersion = json(R"({"_type":"Int4WeightOnlyConfig","_data":{}})");
    ASSERT_FALSE(noVersion.ok());
    EXPECT_NE(noVersion.error().message.find("_version"), std::string::npos);
    auto v3 = json(R"({"_type":"Int4WeightOnlyConfig","_version":3,"_data":{}})");
    ASSERT_FALSE(v3.ok());
    EXPECT_NE(v3.error().message.find("known: 2"), std::string::npos) << v3.error().message;
    auto field = json(R"({"_type":"Int4WeightOnlyConfig","_version":2,"_data":{"group_sise":3}})");
    ASSERT_FALSE(field.ok());
    EXPECT_NE(field.error().message.find("group_sise"), std::string::npos);
    EXPECT_NE(field.error().message.find("int4_packing_format"), std::string::npos);
    auto member = json(
        R"({"_type":"Int4WeightOnlyConfig","_version":2,"_data":{"int4_packing_format":{"_type":"Int4PackingFormat","_data":"TILED"}}})");
    ASSERT_FALSE(member.ok());
    EXPECT_NE(member.error().message.find("PRESHUFFLED"), std::string::npos);
    auto type = json(R"({"_type":"Int4WeightOnlyConfig","_version":2,"_data":{"group_size":"32"}})");
    ASSERT_FALSE(type.ok());
    EXPECT_NE(type.error().message.find("group_size: expected an integer"), std::string::npos);
    auto cls = json(R"({"_type":"NVFP4InferenceConfig","_version":1,"_data":{}})");
    ASSERT_FALSE(cls.ok());
    EXPECT_NE(cls.error().message.find("QATConfig"), std::string::npos);
    auto gran = json(
        R"({"_type":"IntxWeightOnlyConfig","_version":2,"_data":{"granularity":{"_type":"PerRow","_version":1,"_data":{"dim":-1}}}})");
    ASSERT_FALSE(gran.ok());
    EXPECT_NE(gran.error().message.find("PerGroup, PerAxis"), std::string::npos);
    EXPECT_FALSE(json("{not json").ok());
    auto hf = parseHfQuantizationConfig(R"({"quantization_config":{"quant_method":"bitsandbytes"}})", "config.json");
    ASSERT_FALSE(hf.ok());
    EXPECT_NE(hf.error().message.find("quant_method"), std::string::npos);
}

TEST(TorchaoJson, QatWrapperAndLegacyFields) {
    auto r =
        json(R"({"_type":"QATConfig","_version":1,"_data":{"base_config":{"_type":"Int4WeightOnlyConfig","_version":2,
      "_data":{"group_size":32,"layout":{"_type":"TensorCoreTiledLayout","_version":1,"_data":{"inner_k_tiles":8}},"use_hqq":false,
      "zero_point_domain":{"_type":"ZeroPointDomain","_data":"NONE"},"preserve_zero":null,
      "int4_packing_format":{"_type":"Int4PackingFormat","_data":"PRESHUFFLED"}}},"activation_config":null,"weight_config":null,"step":"convert"}})");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->qatStep, QatStep::Convert);
    EXPECT_EQ(r->weight.groupSize, 32);
    EXPECT_EQ(r->int4Packing, Int4PackingFormat::Preshuffled);
    auto noBase = json(R"({"_type":"QATConfig","_version":1,"_data":{"base_config":null,"step":"convert"}})");
    ASSERT_TRUE(noBase.ok());
    EXPECT_FALSE(noBase->hasBaseConfig);
    EXPECT_FALSE(json(R"({"_type":"QATConfig","_version":1,"_data":{"base_config":null,"step":"prepare"}})").ok());
}

}  // namespace
// A key given twice is refused with both lines (yaml-cpp would read the first, PyYAML the last).
TEST(RecipeParse, DuplicateKeysAreAnError) {
    auto top =
        parseRecipe("model: m\nquantization: {scheme: int4_weight_only}\nquantization: {scheme: none}\n", "r.yaml");
    ASSERT_FALSE(top.ok());
    EXPECT_EQ(top.error().message, "r.yaml: quantization: key given twice (lines 2 and 3); keep one");
    auto nested = parseRecipe(
        "model: m\nquantization:\n  scheme: int4_weight_only\n  group_size: 32\n  group_size: 64\n", "r.yaml");
    ASSERT_FALSE(nested.ok());
    EXPECT_EQ(nested.error().message, "r.yaml: quantization.group_size: key given twice (lines 4 and 5); keep one");
}

}  // namespace ql

namespace ql {
namespace {

TEST(RecipeParse, MxAndNvfp4SchemeKeys) {
    auto r = parse(
        "{scheme: mx_dynamic_activation_mx_weight, weight_dtype: float4_e2m1fn_x2, block_size: 64, "
        "scaling_mode: even, kernel_preference: emulated}");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const QuantConfig& q = r->quantization;
    EXPECT_EQ(q.scheme, QuantScheme::MxDynamicActivationMxWeight);
    EXPECT_EQ(q.weight.dtype, QuantDType::Float4E2M1);
    ASSERT_TRUE(q.activation.has_value());
    EXPECT_EQ(q.activation->dtype, QuantDType::Float4E2M1);  // torchao asserts activation_dtype == weight_dtype
    EXPECT_EQ(q.weight.groupSize, 64);
    EXPECT_EQ(q.mxScaling, MxScaleMode::Even);
    EXPECT_EQ(q.kernelPreference, KernelPreference::Emulated);
    EXPECT_EQ(q.qatStep, QatStep::Prepare);
    // The defaults of MXDynamicActivationMXWeightConfig: e4m3, block 32, RCEIL, AUTO.
    auto d = parse("{scheme: mx_dynamic_activation_mx_weight}");
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->quantization.weight.dtype, QuantDType::Float8E4M3);
    EXPECT_EQ(d->quantization.weight.groupSize, 32);
    EXPECT_EQ(d->quantization.mxScaling, MxScaleMode::Rceil);
    EXPECT_EQ(d->quantization.kernelPreference, KernelPreference::Auto);
    auto n = parse("{scheme: nvfp4_dynamic_activation_nvfp4_weight, use_dynamic_per_tensor_scale: false}");
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_FALSE(n->quantization.nvfp4PerTensorScale);
    EXPECT_EQ(n->quantization.weight.groupSize, 16);
    expectError(parse("{scheme: mx_dynamic_activation_mx_weight, scaling_mode: round}"), "scaling_mode", "rceil");
    expectError(parse("{scheme: mx_dynamic_activation_mx_weight, weight_dtype: int4}"), "weight_dtype",
                "float4_e2m1fn_x2");
    expectError(parse("{scheme: int4_weight_only, scaling_mode: floor}"), "scaling_mode", "does not apply");
    expectError(parse("{scheme: mx_dynamic_activation_mx_weight, use_dynamic_per_tensor_scale: true}"),
                "use_dynamic_per_tensor_scale", "does not apply");
}

TEST(RecipeParse, MxTorchaoJsonAndRepr) {
    const std::string json =
        R"({"_type": "QATConfig", "_version": 1, "_data": {"base_config": {"_type": "MXDynamicActivationMXWeightConfig",
        "_version": 1, "_data": {"block_size": 32, "activation_dtype": {"_type": "torch.dtype", "_data": "float8_e5m2"},
        "weight_dtype": {"_type": "torch.dtype", "_data": "float8_e5m2"}, "kernel_preference": {"_type":
        "KernelPreference", "_data": "EMULATED"}, "scaling_mode": {"_type": "ScaleCalculationMode", "_data": "CEIL"}}},
        "activation_config": null, "weight_config": null, "step": "prepare"}})";
    auto c = parseTorchaoConfigJson(json, "cfg.json");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->scheme, QuantScheme::MxDynamicActivationMxWeight);
    EXPECT_EQ(c->weight.dtype, QuantDType::Float8E5M2);
    EXPECT_EQ(c->mxScaling, MxScaleMode::Ceil);
    EXPECT_EQ(c->kernelPreference, KernelPreference::Emulated);
    auto repr = parseTorchaoConfigRepr(
        "MXDynamicActivationMXWeightConfig(block_size=32, activation_dtype=torch.float4_e2m1fn_x2, "
        "weight_dtype=torch.float4_e2m1fn_x2, kernel_preference=<KernelPreference.AUTO: 'auto'>, "
        "scaling_mode=<ScaleCalculationMode.FLOOR: 'floor'>)",
        "log");
    ASSERT_TRUE(repr.ok()) << repr.error().message;
    EXPECT_EQ(repr->weight.dtype, QuantDType::Float4E2M1);
    EXPECT_EQ(repr->mxScaling, MxScaleMode::Floor);
    auto mismatch = parseTorchaoConfigRepr(
        "MXDynamicActivationMXWeightConfig(activation_dtype=torch.float8_e4m3fn, weight_dtype=torch.float8_e5m2)",
        "log");
    ASSERT_FALSE(mismatch.ok());
    EXPECT_NE(mismatch.error().message.find("activation_dtype"), std::string::npos) << mismatch.error().message;
    // AUTO with e5m2: MXFakeQuantizeConfig's validation rejects it at prepare.
    auto autoE5m2 = parseTorchaoConfigRepr(
        "MXDynamicActivationMXWeightConfig(activation_dtype=torch.float8_e5m2, weight_dtype=torch.float8_e5m2)", "log");
    ASSERT_TRUE(autoE5m2.ok()) << autoE5m2.error().message;
    EXPECT_FALSE(effectiveFakeQuant(*autoE5m2, {0, 18}).prepareSupported);
}

}  // namespace
}  // namespace ql
