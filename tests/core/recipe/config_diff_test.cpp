// Effective numerics per torchao release and every pitfall of the config diff, on the committed
// recipe pairs of tests/data/recipes/.
#include <gtest/gtest.h>
#include <quantlens/config_diff.h>

#include <algorithm>

namespace ql {
namespace {

const std::string kPairs = std::string(QL_SOURCE_DIR) + "/tests/data/recipes/";

ConfigDiff diffPair(const std::string& name, const std::vector<LayerShape>& layers = {}) {
    auto train = loadRecipe(kPairs + name + "/train.yaml");
    auto eval = loadRecipe(kPairs + name + "/eval.yaml");
    EXPECT_TRUE(train.ok()) << (train.ok() ? "" : train.error().message);
    EXPECT_TRUE(eval.ok()) << (eval.ok() ? "" : eval.error().message);
    if (!train.ok() || !eval.ok()) return {};
    return diffConfigs(*train, *eval, layers).value();
}

bool hasFinding(const ConfigDiff& d, const std::string& id, const std::string& side) {
    return std::any_of(d.findings.begin(), d.findings.end(),
                       [&](const ConfigFinding& f) { return f.id == id && f.side == side; });
}

DiffClass rowVerdict(const ConfigDiff& d, const std::string& field) {
    for (const auto& row : d.fields) {
        if (row.field == field) return row.verdict;
    }
    ADD_FAILURE() << "no row " << field;
    return DiffClass::Same;
}

TEST(EffectiveFakeQuant, Int4GroupSizeDependsOnRelease) {
    QuantConfig c;
    c.scheme = QuantScheme::Int4WeightOnly;
    c.weight.groupSize = 32;
    EXPECT_EQ(effectiveFakeQuant(c, {0, 17}).weightGroupSize, 128);
    EXPECT_EQ(effectiveFakeQuant(c, {0, 18}).weightGroupSize, 32);
    EXPECT_EQ(effectiveConvert(c, {0, 15}).weightGroupSize, 32);
    c.int4Packing = Int4PackingFormat::Opaque;
    EXPECT_FALSE(effectiveFakeQuant(c, {0, 18}).prepareSupported);
}

TEST(EffectiveFakeQuant, EpsFollowsRelease) {
    QuantConfig c;
    c.scheme = QuantScheme::IntxWeightOnly;
    c.weight = WeightQuant{QuantDType::Int4, Granularity::PerGroup, 32, 0, MappingType::Symmetric, std::nullopt};
    EXPECT_EQ(effectiveFakeQuant(c, {0, 17}).weightEps, ScaleEps::DtypeEps);
    EXPECT_EQ(effectiveFakeQuant(c, {0, 18}).weightEps, ScaleEps::SmallestNormal);
}

TEST(ConfigDiff, IdenticalPairIsSame) {
    const auto d = diffPair("same_int4");
    EXPECT_TRUE(d.sameNumerics);
    EXPECT_TRUE(
        std::all_of(d.fields.begin(), d.fields.end(), [](const auto& r) { return r.verdict == DiffClass::Same; }));
}

TEST(ConfigDiff, EveryPitfallProducesItsFinding) {
    auto d = diffPair("fake_group_128");
    EXPECT_TRUE(hasFinding(d, "fake_group_size_128", "train"));
    EXPECT_EQ(rowVerdict(d, "effective.weight_group_size"), DiffClass::ChangesNumerics);
    EXPECT_FALSE(d.sameNumerics);

    d = diffPair("group_size_ignored");
    EXPECT_EQ(rowVerdict(d, "quantization.group_size"), DiffClass::NoEffect);
    EXPECT_TRUE(d.sameNumerics);

    d = diffPair("choose_qparams_ignored");
    EXPECT_EQ(rowVerdict(d, "quantization.int4_choose_qparams_algorithm"), DiffClass::NoEffect);
    EXPECT_TRUE(hasFinding(d, "choose_qparams_ignored", "eval"));
    EXPECT_TRUE(hasFinding(d, "hqq_unsupported_in_qat", "eval"));
    EXPECT_TRUE(d.sameNumerics);

    d = diffPair("hqq_convert");
    EXPECT_TRUE(hasFinding(d, "hqq_unsupported_in_qat", "eval"));
    EXPECT_FALSE(d.sameNumerics);

    d = diffPair("convert_without_base");
    EXPECT_TRUE(hasFinding(d, "convert_without_base_config", "eval"));
    EXPECT_EQ(rowVerdict(d, "quantization.base_config"), DiffClass::ChangesNumerics);

    d = diffPair("device_division");
    EXPECT_TRUE(hasFinding(d, "device_division", "both"));
    EXPECT_EQ(rowVerdict(d, "device_numerics"), DiffClass::ChangesNumerics);

    d = diffPair("packing_rejected");
    EXPECT_TRUE(hasFinding(d, "packing_rejected_by_prepare", "train"));
    EXPECT_FALSE(d.sameNumerics);

    d = diffPair("qat_8da4w_removed");
    EXPECT_TRUE(hasFinding(d, "qat_8da4w_removed", "eval"));
    EXPECT_FALSE(hasFinding(d, "qat_8da4w_removed", "train"));

    d = diffPair("eps_change");
    EXPECT_TRUE(hasFinding(d, "eps_change_0_18", "both"));
    EXPECT_EQ(rowVerdict(d, "effective.weight_scale_eps"), DiffClass::ChangesNumerics);

    d = diffPair("lora_form");
    EXPECT_TRUE(hasFinding(d, "lora_form", "both"));
    EXPECT_EQ(rowVerdict(d, "adapter.form"), DiffClass::ChangesNumerics);

    d = diffPair("k_not_divisible", {{"q_proj", 256}, {"down_proj", 352}});
    EXPECT_TRUE(hasFinding(d, "k_not_divisible", "train"));
    EXPECT_TRUE(d.sameNumerics);
    EXPECT_FALSE(hasFinding(diffPair("k_not_divisible", {{"q_proj", 256}}), "k_not_divisible", "train"));

    d = diffPair("hf_config");
    EXPECT_TRUE(d.sameNumerics);

    d = diffPair("mx_scaling_mode");
    EXPECT_TRUE(hasFinding(d, "mx_scaling_mode", "both"));
    EXPECT_TRUE(hasFinding(d, "mx_kernel_preference", "both"));
    EXPECT_TRUE(hasFinding(d, "mx_auto_kernel_emulated", "train"));
    EXPECT_FALSE(hasFinding(d, "mx_auto_kernel_emulated", "eval"));
    EXPECT_EQ(rowVerdict(d, "quantization.scaling_mode"), DiffClass::ChangesNumerics);
    EXPECT_EQ(rowVerdict(d, "quantization.kernel_preference"), DiffClass::ChangesNumerics);
    EXPECT_FALSE(d.sameNumerics);
    for (const auto& f : d.findings) {
        if (f.id == "mx_scaling_mode") {
            EXPECT_NE(f.message.find("train scaling_mode RCEIL, eval FLOOR"), std::string::npos) << f.message;
        }
    }
}

TEST(ConfigDiff, LayerShapeParser) {
    auto ok = parseLayerShapes("# c\nq 256\n\nk 352 # x\n", "l.txt");
    ASSERT_TRUE(ok.ok());
    ASSERT_EQ(ok->size(), 2u);
    EXPECT_EQ((*ok)[1].inFeatures, 352);
    auto bad = parseLayerShapes("q abc\n", "l.txt");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("l.txt:1"), std::string::npos);
}

}  // namespace
}  // namespace ql
