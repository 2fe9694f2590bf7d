// fixedEvalRecipe: eval's model and adapter folder with train's numerics, paths made absolute (a
// torchao_config file relative to train's recipe still resolves from anywhere), the changed fields as
// comments; writeFixedEvalRecipe never replaces a file QuantLens did not write.
#include <gtest/gtest.h>
#include <quantlens/fixed_eval_recipe.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "support/safetensors_writer.h"

namespace ql {
namespace {

namespace fs = std::filesystem;

constexpr const char* kConfigJson =
    R"({"_type": "QATConfig", "_version": 1, "_data": {"base_config": {"_type": "Int4WeightOnlyConfig", "_version": 2,)"
    R"( "_data": {"group_size": 64, "int4_packing_format": {"_type": "Int4PackingFormat", "_data": "PLAIN"}}},)"
    R"( "activation_config": null, "weight_config": null, "step": "prepare"}})";

std::string read(const fs::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(FixedEvalRecipe, EvalModelAndAdapterWithTrainNumerics) {
    test::TempDir dir;
    fs::create_directories(dir.path() / "train");
    fs::create_directories(dir.path() / "eval");
    std::ofstream(dir.path() / "train" / "qat.json") << kConfigJson;
    const std::string trainYaml =
        "model: ../m\nadapter: {path: ../run/checkpoint-20, form: unmerged}\ndtype: bfloat16\n"
        "device_numerics: cuda\ntorchao_version: \"0.18\"\nquantization: {torchao_config: qat.json}\n";
    const std::string evalYaml =
        "model: ../m2\nadapter: {path: ../run/checkpoint-10, form: merged}\ndtype: bfloat16\n"
        "device_numerics: cpu\ntorchao_version: \"0.15\"\n"
        "quantization: {scheme: int4_weight_only, group_size: 128}\n";
    auto train = parseRecipe(trainYaml, (dir.path() / "train" / "train.yaml").string());
    auto eval = parseRecipe(evalYaml, (dir.path() / "eval" / "eval.yaml").string());
    ASSERT_TRUE(train.ok() && eval.ok()) << (train.ok() ? eval.error().message : train.error().message);
    auto fixed = fixedEvalRecipe(*train, *eval, {"device_numerics: cpu -> cuda"});
    ASSERT_TRUE(fixed.ok()) << fixed.error().message;
    EXPECT_EQ(fixed->yaml.rfind(kFixedEvalHeader, 0), 0u);
    EXPECT_NE(fixed->yaml.find("#   device_numerics: cpu -> cuda"), std::string::npos) << fixed->yaml;
    // Parsed from another folder: every path is absolute, so it resolves the same.
    auto back = parseRecipe(fixed->yaml, "/elsewhere/fixed.yaml");
    ASSERT_TRUE(back.ok()) << back.error().message << "\n" << fixed->yaml;
    EXPECT_EQ(fs::path(back->modelDir), fs::path(eval->modelDir));
    EXPECT_EQ(fs::path(back->adapter->path), fs::path(eval->adapter->path));
    EXPECT_EQ(back->adapter->form, AdapterForm::Unmerged);
    EXPECT_EQ(back->deviceNumerics, DeviceNumerics::Cuda);
    EXPECT_EQ(back->torchaoVersion, train->torchaoVersion);
    EXPECT_EQ(back->quantization.weight.groupSize, 64);
    EXPECT_EQ(back->quantization.scheme, QuantScheme::Int4WeightOnly);

    const fs::path out = dir.path() / "eval" / "eval_fixed.yaml";
    ASSERT_TRUE(writeFixedEvalRecipe(*fixed, out.string()).ok());
    EXPECT_EQ(read(out), fixed->yaml);
    EXPECT_TRUE(writeFixedEvalRecipe(*fixed, out.string()).ok());  // its own file may be replaced
    const fs::path mine = dir.path() / "eval" / "eval.yaml";
    std::ofstream(mine) << evalYaml;
    const Status refused = writeFixedEvalRecipe(*fixed, mine.string());
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("not written by QuantLens"), std::string::npos);
    EXPECT_EQ(read(mine), evalYaml);
}

}  // namespace
}  // namespace ql
