// verify() on the demo workspace (written by C++ alone): the workspace is deterministic and readable
// by the io layer, every check runs, a known mismatch is found, cancellation stops at once, and
// progress is reported per module of the walk.
#include "quantlens/verify.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "quantlens/demo_workspace.h"
#include "quantlens/recipe.h"
#include "quantlens/report_io.h"
#include "quantlens/tokenizer.h"
#include "support/safetensors_writer.h"

namespace ql {
namespace {

using ScratchDir = test::TempDir;

std::string readAll(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class DemoVerify : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new ScratchDir();
        auto w = writeDemoWorkspace(s_dir->path().string());
        ASSERT_TRUE(w.ok()) << w.error().message;
        s_ws = new DemoWorkspace(*w);
    }
    static void TearDownTestSuite() {
        delete s_ws;
        delete s_dir;
    }
    static VerifyRequest request(const std::string& train, const std::string& eval) {
        VerifyRequest r;
        auto t = loadRecipe(train);
        auto e = loadRecipe(eval);
        EXPECT_TRUE(t.ok() && e.ok());
        r.train = *t;
        r.eval = *e;
        r.prompts = {{"The quick brown fox jumps over the lazy dog.", {}}};
        return r;
    }
    static ScratchDir* s_dir;
    static DemoWorkspace* s_ws;
};
ScratchDir* DemoVerify::s_dir = nullptr;
DemoWorkspace* DemoVerify::s_ws = nullptr;

TEST_F(DemoVerify, WorkspaceIsDeterministic) {
    ScratchDir other;
    auto w = writeDemoWorkspace(other.path().string());
    ASSERT_TRUE(w.ok());
    for (const char* rel : {"models/tiny-qwen3/model.safetensors", "models/tiny-qwen3/tokenizer.json",
                            "runs/qat-lora/checkpoint-100/adapter_model.safetensors", "train.yaml", "eval.yaml"}) {
        EXPECT_EQ(readAll(s_dir->path() / rel), readAll(other.path() / rel)) << rel;
    }
}

TEST_F(DemoVerify, TokenizerLoadsAndRoundTrips) {
    auto tok = Tokenizer::load(std::filesystem::path(s_ws->modelDir) / "tokenizer.json");
    ASSERT_TRUE(tok.ok()) << tok.error().message;
    auto ids = tok->encode("The quick brown fox", false);
    ASSERT_TRUE(ids.ok());
    EXPECT_LT(ids->size(), std::string("The quick brown fox").size());  // merges apply
    for (auto id : *ids) EXPECT_LT(id, 512);
}

TEST_F(DemoVerify, IdenticalRecipesPassBitExact) {
    auto report = verify(request(s_ws->trainRecipe, s_ws->trainRecipe));
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->allPassed());
    ASSERT_TRUE(report->weights.has_value());
    EXPECT_EQ(report->weights->modules.size(), 4u * 7u + 1u);
    EXPECT_EQ(report->weights->modulesDiffering, 0);
    ASSERT_TRUE(report->logits.has_value());
    EXPECT_EQ(report->logits->diff.differing, 0u);
    EXPECT_EQ(report->logits->top1Agreement, 1.0);
    EXPECT_EQ(report->activations->firstDivergingLayer, -1);
}

TEST_F(DemoVerify, DemoMismatchIsFound) {
    auto report = verify(request(s_ws->trainRecipe, s_ws->evalRecipe));
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_FALSE(report->allPassed());
    EXPECT_FALSE(report->config.sameNumerics);
    EXPECT_GT(report->weights->modulesDiffering, 0);
    ASSERT_TRUE(report->adapterMerge.has_value());
    EXPECT_FALSE(report->adapterMerge->modules.empty());
    ASSERT_TRUE(report->convert.has_value());
    EXPECT_GT(report->convert->deployments.at(0).bytesBefore, report->convert->deployments.at(0).bytesAfter);
    ASSERT_TRUE(report->trainerState.has_value());
    EXPECT_EQ(report->trainerState->globalStep, 100);
    // The JSON round trip is lossless.
    auto back = reportFromJson(reportToJson(*report), "memory");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(reportToJson(*back), reportToJson(*report));
}

// Per position, each side's five largest logits in descending order, their ids decoded by the model's
// tokenizer (so a reader can show tokens the prompts do not contain); top-1 agreement is the share of
// positions whose first ids are equal.
TEST_F(DemoVerify, TopTokensAreEachSidesLargestLogitsDecoded) {
    auto report = verify(request(s_ws->trainRecipe, s_ws->evalRecipe));
    ASSERT_TRUE(report.ok()) << report.error().message;
    auto tok = Tokenizer::load(std::filesystem::path(s_ws->modelDir) / "tokenizer.json");
    ASSERT_TRUE(tok.ok());
    const LogitsCheck& logits = *report->logits;
    ASSERT_EQ(logits.topTokens.size(), static_cast<std::size_t>(logits.tokens));
    std::int64_t sameTop1 = 0;
    for (const PositionTopTokens& at : logits.topTokens) {
        for (const auto* side : {&at.trainIds, &at.evalIds}) ASSERT_EQ(side->size(), 5u);
        for (std::size_t k = 1; k < 5; ++k) {
            EXPECT_GE(at.trainLogits[k - 1], at.trainLogits[k]);
            EXPECT_GE(at.evalLogits[k - 1], at.evalLogits[k]);
        }
        ASSERT_EQ(at.trainTexts.size(), 5u);
        ASSERT_EQ(at.evalTexts.size(), 5u);
        for (std::size_t k = 0; k < 5; ++k) {
            EXPECT_EQ(at.trainTexts[k], tok->decode({at.trainIds[k]}, false));
            EXPECT_EQ(at.evalTexts[k], tok->decode({at.evalIds[k]}, false));
        }
        sameTop1 += at.trainIds[0] == at.evalIds[0];
    }
    EXPECT_DOUBLE_EQ(logits.top1Agreement, static_cast<double>(sameTop1) / static_cast<double>(logits.tokens));
}

TEST_F(DemoVerify, CancelImmediatelyReturnsCancelled) {
    int calls = 0;
    auto report = verify(request(s_ws->trainRecipe, s_ws->evalRecipe), [&](const Progress&) {
        ++calls;
        return false;
    });
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code, ErrorCode::Cancelled);
    EXPECT_EQ(calls, 1);
}

TEST_F(DemoVerify, CancelDuringTheWalkStopsAtThatModule) {
    std::vector<std::string> items;
    auto report = verify(request(s_ws->trainRecipe, s_ws->evalRecipe), [&](const Progress& p) {
        if (p.stage != "verify") return true;
        items.push_back(p.item);
        return p.item != "model.layers.1.self_attn.k_proj";
    });
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code, ErrorCode::Cancelled);
    // Refused before layer 1's k_proj: no module after it is asked for.
    ASSERT_EQ(items.size(), 7u + 2u);
    EXPECT_EQ(items.back(), "model.layers.1.self_attn.k_proj");
}

TEST_F(DemoVerify, ProgressCoversEveryModule) {
    std::int64_t weightTicks = 0;
    auto report = verify(request(s_ws->trainRecipe, s_ws->trainRecipe), [&](const Progress& p) {
        if (p.stage == "verify") {
            EXPECT_EQ(p.done, weightTicks);
            EXPECT_EQ(p.total, 29);
            ++weightTicks;
        }
        return true;
    });
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(weightTicks, 29);
}

TEST_F(DemoVerify, MissingModelIsOneLineError) {
    auto r = request(s_ws->trainRecipe, s_ws->evalRecipe);
    r.eval.modelDir = (s_dir->path() / "nope").string();
    auto report = verify(r);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("eval"), std::string::npos);
    EXPECT_EQ(report.error().message.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace ql
