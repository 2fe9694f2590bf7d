// trainer_state.json: fields, log_history, non-finite literals, errors, checkpoint-N detection.
#include "quantlens/trainer_state.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/safetensors_writer.h"

namespace {

const char* kState = R"({
  "best_global_step": null, "best_metric": null, "best_model_checkpoint": null, "epoch": 0.5,
  "eval_steps": 500, "global_step": 4, "is_hyper_param_search": false, "logging_steps": 2,
  "log_history": [
    {"epoch": 0.25, "grad_norm": 1.5, "learning_rate": 0.0002, "loss": 2.75, "step": 2},
    {"epoch": 0.5, "grad_norm": NaN, "learning_rate": 0.0001, "loss": Infinity, "step": 4},
    {"epoch": 0.5, "eval_loss": 2.5, "eval_runtime": 0.1, "step": 4},
    {"epoch": 0.5, "step": 4, "total_flos": 12.0, "train_loss": 2.6, "train_runtime": 1.0}
  ],
  "max_steps": 8, "num_train_epochs": 1, "save_steps": 4, "total_flos": 12.0, "train_batch_size": 2,
  "trial_name": null, "trial_params": null})";

TEST(TrainerState, Parses) {
    auto r = ql::parseTrainerState(kState, "trainer_state.json");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->globalStep, 4);
    EXPECT_EQ(r->maxSteps, 8);
    EXPECT_EQ(r->epoch, 0.5);
    EXPECT_EQ(r->loggingSteps, 2);
    EXPECT_FALSE(r->bestMetric.has_value());
    ASSERT_EQ(r->logHistory.size(), 4u);
    EXPECT_TRUE(std::isnan(*r->logHistory[1].get("grad_norm")));
    EXPECT_TRUE(std::isinf(*r->logHistory[1].get("loss")));
    EXPECT_TRUE(r->logHistory[2].isEval());
    EXPECT_TRUE(r->logHistory[3].isTrainSummary());
    const auto loss = r->series("loss");
    ASSERT_EQ(loss.size(), 2u);
    EXPECT_EQ(loss[0], (std::pair<std::int64_t, double>{2, 2.75}));
    EXPECT_EQ(r->lastValue("eval_loss"), 2.5);
}

TEST(TrainerState, NonFiniteLiteralsInsideStringsAreText) {
    auto r = ql::parseTrainerState(R"({"global_step": 1, "trial_name": "NaN Infinity", "log_history": []})", "t");
    ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST(TrainerState, Errors) {
    const auto error = [](const char* text) {
        auto r = ql::parseTrainerState(text, "trainer_state.json");
        return r.ok() ? std::string() : r.error().message;
    };
    EXPECT_NE(error("{").find("trainer_state.json: invalid JSON"), std::string::npos);
    EXPECT_NE(error("{}").find("missing required field 'global_step'"), std::string::npos);
    EXPECT_NE(error(R"({"global_step": 1, "log_history": [3]})").find("log_history[0]: expected an object"),
              std::string::npos);
    EXPECT_NE(error(R"({"global_step": 1, "log_history": [{"step": "x"}]})").find("field 'log_history[0].step'"),
              std::string::npos);
}

TEST(TrainerState, DetectsCheckpointDir) {
    ql::test::TempDir tmp;
    const auto dir = tmp.path() / "checkpoint-40";
    ql::test::writeBytes(dir / "trainer_state.json", kState);
    ql::test::writeBytes(dir / "adapter_config.json", "{}");
    ql::test::writeBytes(dir / "optimizer.pt", "x");
    auto d = ql::detectTrainerCheckpoint(dir);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->stepFromName, 40);
    EXPECT_TRUE(d->hasAdapter);
    EXPECT_TRUE(d->hasOptimizer);
    EXPECT_FALSE(d->hasModelWeights);
    EXPECT_FALSE(ql::detectTrainerCheckpoint(tmp.path()).ok());
    auto loaded = ql::loadTrainerState(dir);
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->globalStep, 4);
}

}  // namespace
