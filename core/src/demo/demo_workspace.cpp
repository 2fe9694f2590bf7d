#include "quantlens/demo_workspace.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "demo/demo_model.h"
#include "demo/demo_tokenizer.h"
#include "quantlens/report_io.h"

namespace ql {
namespace {

constexpr const char* kTrainYaml =
    "# Training side: QAT prepare (torchao 0.18) on CUDA, LoRA kept unmerged (FQ(W)x + s·B(Ax)).\n"
    "model: models/tiny-qwen3\n"
    "adapter: {path: runs/qat-lora/checkpoint-100, form: unmerged}\n"
    "dtype: bfloat16\n"
    "device_numerics: cuda\n"
    "torchao_version: \"0.18\"\n"
    "quantization: {scheme: int4_weight_only, group_size: 32, packing_format: plain}\n";

constexpr const char* kEvalYaml =
    "# Evaluation side: an older torchao (0.15: fake quant uses group 128 whatever group_size says),\n"
    "# LoRA merged into the base before fake quant, run on the CPU.\n"
    "model: models/tiny-qwen3\n"
    "adapter: {path: runs/qat-lora/checkpoint-100, form: merged}\n"
    "dtype: bfloat16\n"
    "device_numerics: cpu\n"
    "torchao_version: \"0.15\"\n"
    "quantization: {scheme: int4_weight_only, group_size: 32, packing_format: plain}\n";

constexpr const char* kPrompts =
    "The quick brown fox jumps over the lazy dog.\n"
    "Quantization aware training keeps the model close to the weights it will be deployed with.\n"
    "Once upon a time there was a small language model\n";

// A plausible distillation loss curve: exponential decay + seeded wiggle, eval every 50 steps.
std::string trainerStateJson() {
    nlohmann::ordered_json history = nlohmann::ordered_json::array();
    for (int step = 10; step <= 100; step += 10) {
        const double loss = 0.9 + 1.6 * std::exp(-step / 35.0) + 0.03 * std::sin(step * 0.7);
        const double lr = 2e-4 * (1.0 - (step - 10) / 100.0);
        history.push_back({{"epoch", step / 100.0},
                           {"grad_norm", 0.8 + 0.2 * std::cos(step * 0.3)},
                           {"learning_rate", lr},
                           {"loss", std::round(loss * 1e4) / 1e4},
                           {"step", step}});
        if (step % 50 == 0) {
            history.push_back({{"epoch", step / 100.0},
                               {"eval_loss", 1.0 + 1.4 * std::exp(-step / 40.0)},
                               {"eval_runtime", 1.25},
                               {"step", step}});
        }
    }
    nlohmann::ordered_json j;
    j["best_global_step"] = nullptr;
    j["best_metric"] = nullptr;
    j["best_model_checkpoint"] = nullptr;
    j["epoch"] = 1.0;
    j["eval_steps"] = 50;
    j["global_step"] = 100;
    j["is_hyper_param_search"] = false;
    j["is_local_process_zero"] = true;
    j["is_world_process_zero"] = true;
    j["log_history"] = history;
    j["logging_steps"] = 10;
    j["max_steps"] = 100;
    j["num_train_epochs"] = 1;
    j["save_steps"] = 100;
    j["total_flos"] = 1.2e12;
    j["train_batch_size"] = 8;
    return j.dump(2);
}

}  // namespace

Result<DemoWorkspace> writeDemoWorkspace(const std::string& directory) {
    namespace fs = std::filesystem;
    DemoWorkspace w;
    w.directory = directory;
    w.modelDir = (fs::path(directory) / "models" / "tiny-qwen3").string();
    w.adapterDir = (fs::path(directory) / "runs" / "qat-lora" / "checkpoint-100").string();
    w.trainRecipe = (fs::path(directory) / "train.yaml").string();
    w.evalRecipe = (fs::path(directory) / "eval.yaml").string();
    w.prompts = (fs::path(directory) / "prompts.txt").string();
    std::error_code ec;
    fs::create_directories(w.modelDir, ec);
    if (!ec) fs::create_directories(w.adapterDir, ec);
    if (ec) return makeError(ErrorCode::Io, directory + ": cannot create the demo folders: " + ec.message());
    if (auto s = demo::writeDemoModel(w.modelDir); !s) return s.error();
    if (auto s = demo::writeDemoAdapter(w.adapterDir); !s) return s.error();
    if (auto s = writeFileAtomically(w.adapterDir + "/trainer_state.json", trainerStateJson() + "\n"); !s)
        return s.error();
    if (auto s = writeFileAtomically(w.trainRecipe, kTrainYaml); !s) return s.error();
    if (auto s = writeFileAtomically(w.evalRecipe, kEvalYaml); !s) return s.error();
    if (auto s = writeFileAtomically(w.prompts, kPrompts); !s) return s.error();
    return w;
}

}  // namespace ql
