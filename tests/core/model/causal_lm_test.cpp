// CausalLm on a tiny generated checkpoint: bad input gives one-line errors naming what is wrong;
// streaming hooks see every layer; forms agree where the math says they must.
#include "model/causal_lm.h"

#include <gtest/gtest.h>

#include "tiny_model.h"

namespace ql::model {
namespace {

using test::TempDir;

std::string openError(const std::filesystem::path& model, const std::optional<std::filesystem::path>& adapter = {}) {
    auto lm = CausalLm::open(model, adapter);
    return lm.ok() ? std::string("<opened>") : lm.error().message;
}

at::Tensor ids(std::int64_t len, std::int64_t hi = 50) {
    return at::arange(len, at::TensorOptions().dtype(at::kLong)).remainder(hi).unsqueeze(0);
}

TEST(CausalLmBadInput, ShapeMismatchNamesTensorAndShapes) {
    TempDir dir;
    test::writeTinyModel(dir.path(), {.reshape = {{"model.layers.1.mlp.up_proj.weight", {60, 32}}}});
    const std::string e = openError(dir.path());
    EXPECT_NE(e.find("model.layers.1.mlp.up_proj.weight"), std::string::npos) << e;
    EXPECT_NE(e.find("64"), std::string::npos) << e;
}

TEST(CausalLmBadInput, MissingTensorIsNamed) {
    TempDir dir;
    test::writeTinyModel(dir.path(), {.dropTensor = "model.layers.0.self_attn.k_norm.weight"});
    const std::string e = openError(dir.path());
    EXPECT_NE(e.find("model.layers.0.self_attn.k_norm.weight"), std::string::npos) << e;
}

TEST(CausalLmBadInput, AdapterForAnotherShapeIsRefused) {
    TempDir dir;
    test::writeTinyModel(dir.path() / "m");
    test::writeTinyAdapter(dir.path() / "a", 4, 4, /*in=*/48, /*out=*/48);  // made for a 48-wide model
    const std::string e = openError(dir.path() / "m", dir.path() / "a");
    EXPECT_NE(e.find("q_proj"), std::string::npos) << e;
    EXPECT_NE(e.find("48"), std::string::npos) << e;
}

TEST(CausalLmBadInput, AdapterRankMismatchIsRefused) {
    TempDir dir;
    test::writeTinyModel(dir.path() / "m");
    test::writeTinyAdapter(dir.path() / "a", 8, 4);  // config r=8, factors rank 4
    const std::string e = openError(dir.path() / "m", dir.path() / "a");
    EXPECT_NE(e.find("lora_A"), std::string::npos) << e;
}

TEST(CausalLmBadInput, PromptLongerThanMaxPositions) {
    TempDir dir;
    test::writeTinyModel(dir.path(), {.maxPositions = 16});
    auto lm = CausalLm::open(dir.path());
    ASSERT_TRUE(lm.ok()) << lm.error().message;
    auto out = lm->forward(ids(17), ForwardOptions{});
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.error().message.find("max_position_embeddings 16"), std::string::npos) << out.error().message;
    EXPECT_TRUE(lm->forward(ids(16), ForwardOptions{}).ok());
}

TEST(CausalLmBadInput, TokenIdOutOfVocabulary) {
    TempDir dir;
    test::writeTinyModel(dir.path());
    auto lm = CausalLm::open(dir.path());
    ASSERT_TRUE(lm.ok());
    at::Tensor bad = ids(5);
    bad[0][3] = 50;
    auto out = lm->forward(bad, ForwardOptions{});
    ASSERT_FALSE(out.ok());
    EXPECT_NE(out.error().message.find("token id 50"), std::string::npos) << out.error().message;
    EXPECT_FALSE(lm->forward(ids(5).to(at::kFloat), ForwardOptions{}).ok());
}

TEST(CausalLmBadInput, QuantizedFormWithoutSpecOrIndivisibleGroup) {
    TempDir dir;
    test::writeTinyModel(dir.path());
    auto lm = CausalLm::open(dir.path());
    ASSERT_TRUE(lm.ok());
    ForwardOptions o;
    o.run.form.form = LinearForm::FQ;
    auto noSpec = lm->forward(ids(4), o);
    ASSERT_FALSE(noSpec.ok());
    EXPECT_NE(noSpec.error().message.find("needs a quantization spec"), std::string::npos);
    o.run.form.quant = quant::LinearFakeQuant{};
    o.run.form.quant->weight.groupSize = 128;  // K = 32 does not divide
    auto bad = lm->forward(ids(4), o);
    ASSERT_FALSE(bad.ok());
    // Linears are prepared in forward order: layer 0's q_proj (K = 32) is the first module named.
    EXPECT_NE(bad.error().message.find("module model.layers.0.self_attn.q_proj"), std::string::npos)
        << bad.error().message;
}

TEST(CausalLm, HooksSeeEveryLayerAndLinear) {
    TempDir dir;
    test::writeTinyModel(dir.path());
    auto lm = CausalLm::open(dir.path());
    ASSERT_TRUE(lm.ok());
    ForwardOptions o;
    o.run.dtype = at::kFloat;
    int layers = 0, linears = 0;
    ForwardHooks hooks;
    hooks.afterLayer = [&](int, std::size_t, const at::Tensor& h) { layers += h.size(2) == 32; };
    hooks.afterLinear = [&](const std::string&, const at::Tensor& x, const at::Tensor&) { linears += x.dim() == 3; };
    auto out = lm->forward(std::vector<at::Tensor>{ids(5), ids(9)}, o, hooks);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_EQ(layers, 2 * 2);
    EXPECT_EQ(linears, 2 * (2 * 7 + 1));
    EXPECT_EQ(out->at(1).sizes(), (std::vector<std::int64_t>{1, 9, 50}));
    // Prompts run together layer by layer give the same logits as one at a time.
    auto single = lm->forward(ids(9), o);
    ASSERT_TRUE(single.ok());
    EXPECT_TRUE(at::equal(*single, out->at(1)));
}

}  // namespace
}  // namespace ql::model
