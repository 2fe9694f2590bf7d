// torchao's printed config repr (a training log's print(config)) -> QuantConfig: the seed notebook's
// torchao 0.15 repr, the 0.14-0.17 field sets, constructor calls as written in code, the recipe's
// `quantization: {repr: ...}` form, and one-line errors for malformed text. (Reprs printed by the
// pinned torchao 0.18.0 are checked against config_to_dict in tests/golden/quant_config_golden_test.cpp.)
#include <gtest/gtest.h>
#include <quantlens/recipe.h>
#include <quantlens/torchao_config.h>

namespace ql {
namespace {

// Printed by the training notebook's log (torchao 0.15 era: v1 fields still present).
constexpr const char* kNotebookRepr =
    "QATConfig(base_config=Int4WeightOnlyConfig(group_size=128, layout=TensorCoreTiledLayout(inner_k_tiles=8), "
    "use_hqq=False, zero_point_domain=<ZeroPointDomain.NONE: 3>, set_inductor_config=True, preserve_zero=None, "
    "int4_packing_format=<Int4PackingFormat.PLAIN: 'plain'>, int4_choose_qparams_algorithm=<Int4ChooseQParamsAlgorithm."
    "TINYGEMM: 'tinygemm'>, version=2), activation_config=None, weight_config=None, step='prepare')";

// The same config as config_to_dict writes it in torchao 0.14/0.15 (key order as __dict__).
constexpr const char* kNotebookJson = R"({"_type": "QATConfig", "_version": 1, "_data": {"base_config": {
  "_type": "Int4WeightOnlyConfig", "_version": 2, "_data": {"group_size": 128,
  "layout": {"_type": "TensorCoreTiledLayout", "_version": 1, "_data": {"inner_k_tiles": 8}}, "use_hqq": false,
  "zero_point_domain": {"_type": "ZeroPointDomain", "_data": "NONE"}, "set_inductor_config": true, "preserve_zero": null,
  "int4_packing_format": {"_type": "Int4PackingFormat", "_data": "PLAIN"},
  "int4_choose_qparams_algorithm": {"_type": "Int4ChooseQParamsAlgorithm", "_data": "TINYGEMM"}}},
  "activation_config": null, "weight_config": null, "step": "prepare"}})";

void expectSameCanonical(const QuantConfig& a, const QuantConfig& b) {
    EXPECT_EQ(a.scheme, b.scheme);
    EXPECT_EQ(a.qatStep, b.qatStep);
    EXPECT_EQ(a.hasBaseConfig, b.hasBaseConfig);
    EXPECT_EQ(a.configVersion, b.configVersion);
    EXPECT_EQ(a.weight.dtype, b.weight.dtype);
    EXPECT_EQ(a.weight.granularity, b.weight.granularity);
    EXPECT_EQ(a.weight.groupSize, b.weight.groupSize);
    EXPECT_EQ(a.weight.mapping, b.weight.mapping);
    EXPECT_EQ(a.weight.scaleDType, b.weight.scaleDType);
    EXPECT_EQ(a.activation.has_value(), b.activation.has_value());
    EXPECT_EQ(a.int4Packing, b.int4Packing);
    EXPECT_EQ(a.int4Algorithm, b.int4Algorithm);
    EXPECT_EQ(a.int4TilePackedNtile, b.int4TilePackedNtile);
    EXPECT_EQ(a.intxPacking, b.intxPacking);
    EXPECT_EQ(a.intxAlgorithm, b.intxAlgorithm);
    EXPECT_EQ(a.declared, b.declared);
}

TEST(TorchaoRepr, NotebookReprEqualsItsConfigToDictJson) {
    auto repr = parseTorchaoConfigRepr(kNotebookRepr, "log");
    ASSERT_TRUE(repr.ok()) << repr.error().message;
    auto json = parseTorchaoConfigJson(kNotebookJson, "json");
    ASSERT_TRUE(json.ok()) << json.error().message;
    expectSameCanonical(*repr, *json);
    EXPECT_EQ(repr->scheme, QuantScheme::Int4WeightOnly);
    EXPECT_EQ(repr->qatStep, QatStep::Prepare);
    EXPECT_EQ(repr->weight.groupSize, 128);
    EXPECT_EQ(repr->origin, "repr log");
}

TEST(TorchaoRepr, LogPrefixAndLineBreaksAreSkipped) {
    const std::string logged = std::string("2025-10-01 12:00:01 INFO qat config: ") + kNotebookRepr;
    auto r = parseTorchaoConfigRepr(logged, "log");
    ASSERT_TRUE(r.ok()) << r.error().message;
    std::string wrapped = kNotebookRepr;
    wrapped.replace(wrapped.find(" use_hqq"), 1, "\n    ");
    auto w = parseTorchaoConfigRepr(wrapped, "log");
    ASSERT_TRUE(w.ok()) << w.error().message;
    EXPECT_EQ(w->weight.groupSize, 128);
}

TEST(TorchaoRepr, FieldSetsOfTorchao016And017) {
    // 0.16 (v1 fields removed) and 0.17+ (int4_tile_packed_ntile added), printed as dataclass reprs.
    auto v016 = parseTorchaoConfigRepr(
        "QATConfig(base_config=Int4WeightOnlyConfig(group_size=32, set_inductor_config=True, "
        "int4_packing_format=<Int4PackingFormat.PRESHUFFLED: 'preshuffled'>, int4_choose_qparams_algorithm="
        "<Int4ChooseQParamsAlgorithm.TINYGEMM: 'tinygemm'>, version=2), activation_config=None, weight_config=None, "
        "step='convert')",
        "log");
    ASSERT_TRUE(v016.ok()) << v016.error().message;
    EXPECT_EQ(v016->weight.groupSize, 32);
    EXPECT_EQ(v016->int4Packing, Int4PackingFormat::Preshuffled);
    EXPECT_EQ(v016->qatStep, QatStep::Convert);
    auto v017 = parseTorchaoConfigRepr(
        "Int4WeightOnlyConfig(group_size=64, set_inductor_config=True, int4_packing_format=<Int4PackingFormat."
        "TILE_PACKED_TO_4D: 'tile_packed_to_4d'>, int4_choose_qparams_algorithm=<Int4ChooseQParamsAlgorithm.HQQ: "
        "'hqq'>, int4_tile_packed_ntile=16, version=2)",
        "log");
    ASSERT_TRUE(v017.ok()) << v017.error().message;
    EXPECT_EQ(v017->int4TilePackedNtile, 16);
    EXPECT_EQ(v017->int4Algorithm, Int4ChooseQParamsAlgorithm::Hqq);
    EXPECT_EQ(v017->qatStep, QatStep::None);  // a bare base config: the recipe's step (default prepare) decides
}

TEST(TorchaoRepr, ConstructorCallsAsWrittenInCode) {
    auto r = parseTorchaoConfigRepr("QATConfig(Int4WeightOnlyConfig(group_size=128), step=\"prepare\")", "code");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->scheme, QuantScheme::Int4WeightOnly);
    EXPECT_EQ(r->configVersion, 2);  // the class default, as config_to_dict would write it
    auto intx = parseTorchaoConfigRepr(
        "IntxWeightOnlyConfig(torch.int4, PerGroup(32), mapping_type=MappingType.ASYMMETRIC)", "code");
    ASSERT_TRUE(intx.ok()) << intx.error().message;
    EXPECT_EQ(intx->weight.dtype, QuantDType::Int4);
    EXPECT_EQ(intx->weight.groupSize, 32);
    EXPECT_EQ(intx->weight.mapping, MappingType::Asymmetric);
}

TEST(TorchaoRepr, RecipeTakesTheReprForm) {
    const std::string yaml =
        std::string("model: m\nquantization:\n  repr: \"") +
        "QATConfig(base_config=IntxWeightOnlyConfig(weight_dtype=torch.int4, granularity=PerGroup(group_size=32), "
        "mapping_type=<MappingType.SYMMETRIC: 1>, scale_dtype=None, intx_packing_format=<IntxPackingFormat."
        "UNPACKED_TO_INT8: 'unpacked_to_int8'>, intx_choose_qparams_algorithm=<IntxChooseQParamsAlgorithm.AFFINE: "
        "'affine'>, version=2), activation_config=None, weight_config=None, step='prepare')\"\n"
        "  min_in_features: 128\n  fake_quant_after_steps: 1000\n";
    auto r = parseRecipe(yaml, "/r/t.yaml");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->quantization.scheme, QuantScheme::IntxWeightOnly);
    EXPECT_EQ(r->quantization.qatStep, QatStep::Prepare);
    EXPECT_EQ(r->quantization.minInFeatures, 128);
    EXPECT_EQ(r->quantization.fakeQuantAfterSteps, 1000);
    EXPECT_TRUE(r->quantization.fakeQuantEnabled);
    auto contradict = parseRecipe(
        "model: m\nquantization: {repr: \"QATConfig(Int4WeightOnlyConfig(), step='convert')\", "
        "step: prepare}\n",
        "/r/t.yaml");
    ASSERT_FALSE(contradict.ok());
    EXPECT_NE(contradict.error().message.find("contradicts the QATConfig step"), std::string::npos);
}

struct BadRepr {
    const char* text;
    const char* expected;
};

TEST(TorchaoRepr, MalformedTextIsOneLineNamingWhere) {
    const BadRepr cases[] = {
        {"step='prepare'", "expected the printed repr of a torchao config"},
        {"QATConfig(base_config=Int4WeightOnlyConfig(group_size=128", "expected ','"},
        {"Int4WeightOnlyConfig(group_size=12x)", "expected ','"},
        {"Int4WeightOnlyConfig(group_size='128')", "group_size: expected an integer, got a string"},
        {"Int4WeightOnlyConfig(group_sise=128)", "unknown field of Int4WeightOnlyConfig"},
        {"Int4WeightOnlyConfig(group_size=128, group_size=64)", "expected each field once"},
        {"Int4WeightOnlyConfig(int4_packing_format=<Int4PackingFormat.ZIGZAG: 'zigzag'>)",
         "unknown Int4PackingFormat 'ZIGZAG'"},
        {"Int4WeightOnlyConfig(version=1)", "version 1 is not supported"},
        {"QATConfig(base_config=None, step='prepare')", "QATConfig prepare needs a base_config"},
        {"QATConfig(base_config=Int4WeightOnlyConfig(), weight_config=IntxFakeQuantizeConfig(dtype=torch.int4), "
         "step='prepare')",
         "directly specified fake-quantize configs are not supported"},
        {"Int4WeightOnlyConfig(group_size=128) trailing", "expected the end of the config"},
        {"Int4WeightOnlyConfig(layout='unterminated)", "expected the closing '"},
        {"IntxWeightOnlyConfig(torch.int4, PerGroup(32), MappingType.SYMMETRIC, None, 1, 2, 3)",
         "positional arguments"},
        {"Int4WeightOnlyConfig(group_size=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]])",
         "nested"},
    };
    for (const auto& c : cases) {
        auto r = parseTorchaoConfigRepr(c.text, "train.yaml.quantization.repr");
        ASSERT_FALSE(r.ok()) << c.text;
        const auto& m = r.error().message;
        EXPECT_EQ(m.find('\n'), std::string::npos) << m;
        EXPECT_EQ(m.rfind("train.yaml.quantization.repr", 0), 0u) << m;
        EXPECT_NE(m.find(c.expected), std::string::npos) << c.text << " -> " << m;
    }
}

TEST(ModuleForms, ParsedAndMatchedInOrder) {
    auto r = parseRecipe(
        "model: m\nmodule_forms:\n  - {match: lm_head, form: float}\n"
        "  - {match: '.*\\.layers\\.0\\..*', form: merged}\n  - {match: '.*', form: unmerged}\n",
        "/r/t.yaml");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->moduleForms.size(), 3u);
    EXPECT_EQ(moduleFormFor(r->moduleForms, "lm_head"), ModuleFormOverride::Float);
    EXPECT_EQ(moduleFormFor(r->moduleForms, "model.layers.0.mlp.up_proj"), ModuleFormOverride::Merged);
    EXPECT_EQ(moduleFormFor(r->moduleForms, "model.layers.10.mlp.up_proj"), ModuleFormOverride::Unmerged);
    EXPECT_EQ(moduleFormFor({}, "lm_head"), std::nullopt);
    // Catastrophic backtracking is cut off by the match limit: no match, no hang.
    EXPECT_EQ(moduleFormFor({{"(a|aa)*c", ModuleFormOverride::Float}}, std::string(64, 'a')), std::nullopt);
    auto bad = parseRecipe("model: m\nmodule_forms: [{match: '(unclosed', form: float}]\n", "/r/t.yaml");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("t.yaml.module_forms[0].match: '(unclosed' is not a regular expression"),
              std::string::npos)
        << bad.error().message;
    auto form = parseRecipe("model: m\nmodule_forms: [{match: x, form: quantized}]\n", "/r/t.yaml");
    ASSERT_FALSE(form.ok());
    EXPECT_NE(form.error().message.find("valid: float, unmerged, merged, qat_after_peft"), std::string::npos)
        << form.error().message;
}

TEST(SelectionKeys, ValidatedWithTheirField) {
    auto r = parseRecipe(
        "model: m\nquantization: {scheme: int4_weight_only, enabled: false}\n"
        "embedding_quantization: {scheme: intx_weight_only, weight_dtype: int4, granularity: per_group, "
        "group_size: 32}\n",
        "/r/t.yaml");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_FALSE(r->quantization.fakeQuantEnabled);
    ASSERT_TRUE(r->embeddingQuantization.has_value());
    EXPECT_EQ(r->embeddingQuantization->weight.dtype, QuantDType::Int4);
    EXPECT_EQ(r->embeddingQuantization->weight.groupSize, 32);
    const std::pair<const char*, const char*> bad[] = {
        {"quantization: {scheme: int4_weight_only, min_in_features: 0}", "t.yaml.quantization.min_in_features"},
        {"quantization: {scheme: int4_weight_only, enabled: maybe}", "t.yaml.quantization.enabled"},
        {"quantization: {scheme: int4_weight_only, fake_quant_after_steps: -3}",
         "t.yaml.quantization.fake_quant_after_steps"},
        {"quantization: {scheme: none, enabled: false}", "need a quantization scheme"},
        {"embedding_quantization: {scheme: float8_dynamic_activation_float8_weight}",
         "on nn.Embedding is not supported"},
    };
    for (const auto& [yaml, expected] : bad) {
        auto e = parseRecipe(std::string("model: m\n") + yaml + "\n", "/r/t.yaml");
        ASSERT_FALSE(e.ok()) << yaml;
        EXPECT_NE(e.error().message.find(expected), std::string::npos) << yaml << " -> " << e.error().message;
    }
}

}  // namespace
}  // namespace ql
