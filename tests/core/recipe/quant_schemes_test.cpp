// The scheme table and the torchao release table are what the readers use: every row's name, torchao
// class and version parse back to its scheme; a `quantization:` key is accepted exactly by the schemes
// whose row lists it; every modelled release is a valid torchao_version and no other is.
#include <gtest/gtest.h>
#include <quantlens/quant_schemes.h>
#include <quantlens/recipe.h>
#include <quantlens/torchao_config.h>
#include <quantlens/torchao_releases.h>

#include <set>
#include <string>

namespace ql {
namespace {

Result<Recipe> parseQuantization(const std::string& quantization) {
    return parseRecipe("model: m\nquantization: " + quantization + "\n", "/r/x.yaml");
}

TEST(QuantSchemes, RowsAreUniqueAndParseBackToTheirScheme) {
    std::set<std::string_view> names, classes;
    for (const QuantSchemeInfo& info : quantSchemes()) {
        EXPECT_TRUE(names.insert(info.name).second) << info.name;
        EXPECT_EQ(&quantSchemeInfo(info.scheme), &info) << info.name;
        EXPECT_EQ(quantSchemeName(info.scheme), info.name);
        auto recipe = parseQuantization("{scheme: " + std::string(info.name) + "}");
        ASSERT_TRUE(recipe.ok()) << info.name << ": " << recipe.error().message;
        EXPECT_EQ(recipe->quantization.scheme, info.scheme);
        if (info.torchaoClass.empty()) {
            EXPECT_EQ(info.family, SchemeFamily::None);
            continue;
        }
        EXPECT_TRUE(classes.insert(info.torchaoClass).second) << info.torchaoClass;
        EXPECT_EQ(quantSchemeForTorchaoClass(info.torchaoClass), info.scheme);
        EXPECT_EQ(recipe->quantization.configVersion, info.configVersion) << info.name;
        const std::string json = "{\"_type\": \"" + std::string(info.torchaoClass) +
                                 "\", \"_version\": " + std::to_string(info.configVersion) + ", \"_data\": {}}";
        auto config = parseTorchaoConfigJson(json, "c.json");
        ASSERT_TRUE(config.ok()) << info.torchaoClass << ": " << config.error().message;
        EXPECT_EQ(config->scheme, info.scheme);
    }
    EXPECT_FALSE(quantSchemeForTorchaoClass("NoSuchConfig"));
    auto unknown = parseTorchaoConfigJson(R"({"_type": "NoSuchConfig", "_version": 1, "_data": {}})", "c.json");
    ASSERT_FALSE(unknown.ok());
    for (std::string_view torchaoClass : classes) {
        EXPECT_NE(unknown.error().message.find(torchaoClass), std::string::npos) << unknown.error().message;
    }
}

TEST(QuantSchemes, AKeyAppliesExactlyToTheSchemesWhoseRowListsIt) {
    const std::pair<SchemeKey, const char*> keys[] = {
        {kKeyGroupSize, "group_size: 64"},
        {kKeyPackingFormat, "packing_format: plain"},
        {kKeyChooseQParamsAlgorithm, "choose_qparams_algorithm: affine"},
        {kKeyWeightDtype, "weight_dtype: int4"},
        {kKeyGranularity, "granularity: per_group"},
        {kKeyMappingType, "mapping_type: symmetric"},
        {kKeyActMappingType, "act_mapping_type: asymmetric"},
    };
    int accepted = 0, refused = 0;
    for (const QuantSchemeInfo& info : quantSchemes()) {
        for (const auto& [key, entry] : keys) {
            auto r = parseQuantization("{scheme: " + std::string(info.name) + ", " + entry + "}");
            const bool saysNotApplies = !r.ok() && r.error().message.find("does not apply to scheme " +
                                                                          std::string(info.name)) != std::string::npos;
            EXPECT_EQ(saysNotApplies, (info.recipeKeys & key) == 0) << info.name << " / " << entry;
            ((info.recipeKeys & key) ? accepted : refused)++;
        }
    }
    EXPECT_GT(accepted, 10);
    EXPECT_GT(refused, 10);
}

TEST(QuantSchemes, EmbeddingQuantizationTakesTheSchemesMarkedForIt) {
    for (const QuantSchemeInfo& info : quantSchemes()) {
        if (info.scheme == QuantScheme::None) continue;
        auto r = parseRecipe("model: m\nquantization: {scheme: int4_weight_only}\nembedding_quantization: {scheme: " +
                                 std::string(info.name) + "}\n",
                             "/r/x.yaml");
        EXPECT_EQ(r.ok(), info.embeddingQat) << info.name << (r.ok() ? "" : ": " + r.error().message);
    }
}

TEST(TorchaoReleases, EveryModelledReleaseParsesAndNoOther) {
    ASSERT_FALSE(torchaoReleases().empty());
    for (const TorchaoRelease& release : torchaoReleases()) {
        EXPECT_FALSE(release.changes.empty());
        auto r = parseRecipe("model: m\ntorchao_version: \"" + torchaoVersionName(release.version) + "\"\n", "x.yaml");
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->torchaoVersion, release.version);
    }
    EXPECT_EQ(torchaoReleases().back().version, Recipe{}.torchaoVersion);  // the default is the newest
    for (const char* other : {"0.13", "0.19", "1.0"}) {
        auto r = parseRecipe(std::string("model: m\ntorchao_version: \"") + other + "\"\n", "x.yaml");
        ASSERT_FALSE(r.ok()) << other;
        EXPECT_NE(r.error().message.find(modelledTorchaoList()), std::string::npos) << r.error().message;
    }
}

}  // namespace
}  // namespace ql
