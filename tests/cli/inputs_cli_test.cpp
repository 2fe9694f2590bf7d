// Inputs as users have them, end to end: hub ids in the Hugging Face cache (reference:
// ql_ref/hub_cache.py), Trainer output folders (ql_ref/checkpoints.py's trainer run), verify from a
// checkpoint without YAML, and the exit-2 one-liners for a missing hub model, a bad repr and a folder
// without checkpoints.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "quantlens/inspect.h"
#include "support/cli_runner.h"
#include "support/safetensors_writer.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kRef = QL_REFERENCE_DIR;
const std::string kHashA = "aaaaaaaa0123456789abcdef0123456789abcdef";
const std::string kHashB = "bbbbbbbbfedcba9876543210fedcba9876543210";

test::CliRun quantlens(const std::string& args, const std::string& hubCache = kRef + "/hub_cache/cache") {
    return test::runMerged("HF_HUB_CACHE='" + hubCache + "' " + std::string(QL_EXE) + " " + args);
}

long lines(const std::string& text) {
    return std::count(text.begin(), text.end(), '\n');
}

void expectOneLineExitTwo(const test::CliRun& r, const std::string& expected) {
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_EQ(lines(r.output), 1) << r.output;
    EXPECT_NE(r.output.find(expected), std::string::npos) << r.output;
}

TEST(InputsCli, InspectResolvesHubIdsInTheCache) {
    auto r = quantlens("inspect ql-test/tiny-qwen3 --json");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    auto j = json::parse(r.output);
    EXPECT_EQ(j["hub"]["repo_id"], "ql-test/tiny-qwen3");
    EXPECT_EQ(j["hub"]["revision"], "main");
    EXPECT_EQ(j["hub"]["commit"], kHashA);
    EXPECT_EQ(j["kind"], "model_checkpoint");
    r = quantlens("inspect ql-test/tiny-qwen3 --revision dev --json");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_EQ(json::parse(r.output)["hub"]["commit"], kHashB);
    // Sharded: the index and shards are links into blobs/ of the same repo.
    r = quantlens("inspect ql-test/sharded-mistral");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("hub: ql-test/sharded-mistral @ main -> snapshot"), std::string::npos) << r.output;
}

TEST(InputsCli, MissingHubModelExitsTwoWithTheDownloadCommand) {
    ql::test::TempDir empty;
    expectOneLineExitTwo(quantlens("inspect Qwen/Qwen3-4B", empty.path().string()), "hf download Qwen/Qwen3-4B");
    expectOneLineExitTwo(quantlens("inspect ql-test/tiny-qwen3 --revision no-such-branch"),
                         "revision 'no-such-branch' is not in the cache");
    ql::test::TempDir dir;
    std::ofstream(dir.path() / "train.yaml") << "model: Qwen/Qwen3-4B\nquantization: {scheme: int4_weight_only}\n";
    std::ofstream(dir.path() / "eval.yaml") << "model: Qwen/Qwen3-4B\nquantization: {scheme: int4_weight_only}\n";
    const auto r =
        quantlens("diff-config " + (dir.path() / "train.yaml").string() + " " + (dir.path() / "eval.yaml").string(),
                  empty.path().string());
    expectOneLineExitTwo(r, "train.yaml.model: 'Qwen/Qwen3-4B' is not a folder");
    EXPECT_NE(r.output.find(empty.path().string()), std::string::npos) << r.output;
}

TEST(InputsCli, BadReprExitsTwoNamingTheField) {
    ql::test::TempDir dir;
    std::ofstream(dir.path() / "train.yaml")
        << "model: m\nquantization: {repr: \"QATConfig(base_config=Int4WeightOnlyConfig(group_size=12x), "
           "step='prepare')\"}\n";
    std::ofstream(dir.path() / "eval.yaml") << "model: m\nquantization: {scheme: int4_weight_only}\n";
    const auto r =
        quantlens("diff-config " + (dir.path() / "train.yaml").string() + " " + (dir.path() / "eval.yaml").string());
    expectOneLineExitTwo(r, "train.yaml.quantization.repr: at character");
}

// trainer_run_llama3/ holds checkpoint-10/ and checkpoint-20/ (no adapter at its top level).
const std::string kRun = kRef + "/checkpoints/trainer_run_llama3";

// The last value of `key` at or before the checkpoint's global step, from the reference's own reading
// (transformers TrainerState.load_from_json) of that checkpoint's trainer_state.json.
double referenceLast(int step, const std::string& key) {
    std::ifstream in(kRef + "/checkpoints/expected/trainer_run_llama3_checkpoint_" + std::to_string(step) + ".json");
    const auto expected = json::parse(in);
    double value = -1;
    for (const auto& entry : expected["trainer_state"]["log_history"]) {
        if (entry.contains(key) && entry["step"].get<int>() <= step) value = entry[key].get<double>();
    }
    return value;
}

TEST(InputsCli, InspectListsTheCheckpointsOfATrainerOutputFolder) {
    auto r = quantlens("inspect " + kRun + " --json");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto j = json::parse(r.output);
    EXPECT_EQ(j["schema_version"], ql::kInspectSchemaVersion);
    EXPECT_EQ(j["kind"], "trainer_output");
    ASSERT_EQ(j["checkpoints"].size(), 2u);
    for (const auto& c : j["checkpoints"]) {
        const int step = c["step"].get<int>();
        EXPECT_EQ(c["global_step"].get<int>(), step);
        EXPECT_EQ(c["loss"].get<double>(), referenceLast(step, "loss"));
        EXPECT_EQ(c["eval_metrics"]["eval_loss"].get<double>(), referenceLast(step, "eval_loss"));
        EXPECT_TRUE(c["has_adapter"].get<bool>());
    }
    EXPECT_EQ(fs::path(j["inspected_checkpoint"].get<std::string>()).filename(), "checkpoint-20");
    r = quantlens("inspect " + kRun);
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_NE(r.output.find("checkpoints (2, latest by global step first)"), std::string::npos) << r.output;
}

// An interrupted save leaves an empty checkpoint-N: inspect lists it as incomplete and inspects the
// latest complete one; verify's "latest" takes that one too and says why.
TEST(InputsCli, AnEmptyCheckpointIsListedAsIncompleteAndSkipped) {
    ql::test::TempDir dir;
    const auto run = dir.path() / "outputs";
    fs::copy(kRun, run, fs::copy_options::recursive);
    fs::create_directories(run / "checkpoint-30");
    auto r = quantlens("inspect " + run.string() + " --json");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto j = json::parse(r.output);
    EXPECT_EQ(fs::path(j["inspected_checkpoint"].get<std::string>()).filename(), "checkpoint-20");
    bool incomplete = false;
    for (const auto& c : j["checkpoints"]) {
        if (c["name"] == "checkpoint-30") {
            incomplete = c["problem"].get<std::string>().starts_with("incomplete: no adapter_config.json");
        }
    }
    EXPECT_TRUE(incomplete) << j["checkpoints"].dump();
    const auto report = dir.path() / "r.json";
    r = quantlens(
        "verify -q --adapter " + run.string() + " --model " + kRef +
        "/checkpoints/llama3_tied_bf16 "
        "--scheme int4_weight_only --group-size 32 --device-numerics cpu --eval-form unmerged --checks weights "
        "--report " +
        report.string());
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("checkpoint: 20"), std::string::npos) << r.output;
    std::ifstream in(report);
    const auto k = json::parse(in);
    EXPECT_EQ(k["train"]["resolution"]["checkpoint_step"], 20);
}

TEST(InputsCli, FolderWithoutCheckpointsExitsTwo) {
    ql::test::TempDir dir;
    fs::create_directories(dir.path() / "outputs" / "runs");
    expectOneLineExitTwo(quantlens("verify --adapter " + (dir.path() / "outputs").string()),
                         "expected a PEFT adapter folder (adapter_config.json) or a Trainer output folder");
}

TEST(InputsCli, VerifyNeedsEitherRecipesOrAnAdapter) {
    expectOneLineExitTwo(quantlens("verify"), "expected either --train and --eval, or --adapter");
    expectOneLineExitTwo(quantlens("verify --train a.yaml --eval b.yaml --adapter " + kRun),
                         "expected either --train and --eval, or --adapter");
}

TEST(InputsCli, VerifyFromATrainerOutputFolderBuildsBothRecipes) {
    ql::test::TempDir dir;
    const auto saved = dir.path() / "recipes";
    const auto report = dir.path() / "report.json";
    const auto r = quantlens("verify --adapter " + kRun +
                             " --scheme int4_weight_only --group-size 32 --device-numerics cpu "
                             "--save-recipes " +
                             saved.string() + " --report " + report.string());
    ASSERT_TRUE(r.exitCode == 0 || r.exitCode == 1) << r.output;  // merged vs unmerged: the merge check may fail
    EXPECT_NE(r.output.find("# --- train recipe"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("form: unmerged"), std::string::npos);
    EXPECT_NE(r.output.find("form: merged"), std::string::npos);
    for (const char* file : {"train.yaml", "eval.yaml"}) {
        std::ifstream in(saved / file);
        std::string first;
        std::getline(in, first);
        EXPECT_EQ(first.rfind("# Built by QuantLens from a training checkpoint", 0), 0u) << file;
    }
    std::ifstream in(report);
    const auto j = json::parse(in);
    for (const char* side : {"train", "eval"}) {
        const auto& res = j[side]["resolution"];
        EXPECT_EQ(res["checkpoint_step"], 20) << side;
        EXPECT_EQ(res["checkpoints_available"], json::array({10, 20})) << side;
        EXPECT_NE(res["model_origin"].get<std::string>().find("adapter_config.json base_model_name_or_path"),
                  std::string::npos);
        EXPECT_EQ(fs::path(j[side]["model_dir"].get<std::string>()).filename(), "llama3_tied_bf16");
        EXPECT_EQ(j[side]["coverage"].size(), 1u + 2u * 7u + 1u) << side;
    }
    EXPECT_EQ(j["train"]["adapter_form"], "unmerged");
    EXPECT_EQ(j["eval"]["adapter_form"], "merged");
    // The saved recipes run the same way from YAML.
    const auto again =
        quantlens("diff-config " + (saved / "train.yaml").string() + " " + (saved / "eval.yaml").string());
    EXPECT_EQ(again.exitCode, 1) << again.output;  // merged vs unmerged changes numerics
}

// --train-form / --eval-form pick the adapter forms; the saved recipes pin the checkpoint "latest"
// resolved to, so a checkpoint written later does not change what they mean.
TEST(InputsCli, VerifyFromACheckpointTakesFormsAndPinsTheCheckpoint) {
    ql::test::TempDir dir;
    const auto run = dir.path() / "outputs";
    fs::copy(kRun, run, fs::copy_options::recursive);
    const auto saved = dir.path() / "recipes";
    const auto report = dir.path() / "report.json";
    const auto r = quantlens("verify --adapter " + run.string() + " --model " + kRef +
                             "/checkpoints/llama3_tied_bf16 --scheme int4_weight_only --group-size 32 "
                             "--device-numerics cpu --eval-form unmerged -q --save-recipes " +
                             saved.string() + " --report " + report.string());
    EXPECT_EQ(r.exitCode, 0) << r.output;  // the same form on both sides: every check passes
    std::ifstream in(report);
    const auto j = json::parse(in);
    EXPECT_EQ(j["train"]["adapter_form"], "unmerged");
    EXPECT_EQ(j["eval"]["adapter_form"], "unmerged");
    std::ifstream savedTrain(saved / "train.yaml");
    const std::string text((std::istreambuf_iterator<char>(savedTrain)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("checkpoint: 20, form: unmerged"), std::string::npos) << text;
    EXPECT_NE(text.find("# checkpoint 20 pinned: latest by global step"), std::string::npos) << text;

    fs::copy(run / "checkpoint-20", run / "checkpoint-30", fs::copy_options::recursive);
    const auto later = dir.path() / "later.json";
    const auto again = quantlens("verify -q --train " + (saved / "train.yaml").string() + " --eval " +
                                 (saved / "eval.yaml").string() + " --report " + later.string());
    EXPECT_EQ(again.exitCode, 0) << again.output;
    std::ifstream laterIn(later);
    const auto k = json::parse(laterIn);
    EXPECT_EQ(k["train"]["resolution"]["checkpoint_step"], 20);
    EXPECT_EQ(k["train"]["resolution"]["checkpoints_available"], json::array({10, 20, 30}));

    const auto bad = quantlens("verify --adapter " + run.string() + " --eval-form folded");
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.output.find("--eval-form: folded not in {unmerged,merged,qat_after_peft}"), std::string::npos)
        << bad.output;
}

TEST(InputsCli, ReprConflictsWithSchemeAndGroupSize) {
    const std::string repr = " --repr 'Int4WeightOnlyConfig(group_size=32)'";
    expectOneLineExitTwo(quantlens("verify --adapter " + kRun + repr + " --group-size 64"),
                         "--repr is torchao's whole config (scheme and group size included); drop --group-size");
    expectOneLineExitTwo(quantlens("verify --adapter " + kRun + repr + " --scheme intx_weight_only"),
                         "drop --scheme or --repr");
    expectOneLineExitTwo(quantlens("verify --adapter " + kRun + " --scheme none --group-size 64"),
                         "--group-size with --scheme none");
}

// The selection keys are run by verify, not only diffed: with min_in_features: 128 on a hidden-64 model
// the train side fake-quantizes only o_proj (in 128) and down_proj (in 160); the weight check sees that.
TEST(InputsCli, VerifyRunsTheSelectionKeys) {
    ql::test::TempDir dir;
    const std::string model = kRef + "/checkpoints/qwen3_tied_bf16";
    std::ofstream(dir.path() / "train.yaml")
        << "model: " << model
        << "\ndevice_numerics: cpu\n"
           "quantization: {scheme: int4_weight_only, group_size: 32, min_in_features: 128}\n";
    std::ofstream(dir.path() / "eval.yaml") << "model: " << model
                                            << "\ndevice_numerics: cpu\n"
                                               "quantization: {scheme: int4_weight_only, group_size: 32}\n";
    const std::string pair = (dir.path() / "train.yaml").string() + " " + (dir.path() / "eval.yaml").string();
    auto diff = quantlens("diff-config " + pair + " --json");
    EXPECT_EQ(diff.exitCode, 1) << diff.output;
    EXPECT_NE(diff.output.find("coverage_differs"), std::string::npos) << diff.output;
    const auto report = dir.path() / "report.json";
    const auto r = quantlens("verify --train " + (dir.path() / "train.yaml").string() + " --eval " +
                             (dir.path() / "eval.yaml").string() + " --report " + report.string());
    EXPECT_EQ(r.exitCode, 1) << r.output;  // the filtered-out Linears differ
    std::ifstream in(report);
    const auto j = json::parse(in);
    int quantizedOnTrain = 0;
    for (const auto& m : j["weights"]["modules"]) {
        const std::string type = m["layer_type"];
        const bool wide = type == "o_proj" || type == "down_proj";
        EXPECT_EQ(m["train_group_size"], wide ? 32 : 0) << m["module"];
        EXPECT_EQ(m["group_size"], 32) << m["module"];
        quantizedOnTrain += wide ? 1 : 0;
    }
    EXPECT_EQ(quantizedOnTrain, 4);
}

// A quantized embedding the forward does not model (converted, not QAT-prepared) is refused by name.
TEST(InputsCli, VerifyRefusesAConvertedEmbedding) {
    ql::test::TempDir dir;
    const std::string model = kRef + "/checkpoints/qwen3_tied_bf16";
    std::ofstream(dir.path() / "train.yaml")
        << "model: " << model
        << "\nembedding_quantization: {scheme: intx_weight_only, "
           "weight_dtype: int8, granularity: per_group, group_size: 32, step: convert}\n";
    std::ofstream(dir.path() / "eval.yaml") << "model: " << model << "\n";
    expectOneLineExitTwo(quantlens("verify --train " + (dir.path() / "train.yaml").string() + " --eval " +
                                   (dir.path() / "eval.yaml").string()),
                         "embedding_quantization with step: convert");
}

TEST(InputsCli, SaveRecipesNeverReplacesAForeignFile) {
    ql::test::TempDir dir;
    std::ofstream(dir.path() / "train.yaml") << "model: mine\n";
    const auto r = quantlens("verify --adapter " + kRun + " --save-recipes " + dir.path().string());
    expectOneLineExitTwo(r, "exists and was not written by QuantLens");
    std::ifstream in(dir.path() / "train.yaml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "model: mine\n");
    EXPECT_FALSE(fs::exists(dir.path() / "eval.yaml"));
}

// Prompts files as users get them wrong: each error names the file (and the line), exit 2, one line.
TEST(InputsCli, PromptsFileErrorsNameTheFileAndLine) {
    ql::test::TempDir dir;
    const std::string pair = "--train " + kRef + "/scenarios/a_identical/train.yaml --eval " + kRef +
                             "/scenarios/a_identical/eval.yaml --prompts ";
    const auto binary = dir.path() / "prompts.bin";
    std::ofstream(binary, std::ios::binary) << "Hello there\nok\n\x89PNG\r\n\x1a\n";
    expectOneLineExitTwo(quantlens("verify " + pair + binary.string()),
                         binary.string() + ":3:1: not valid UTF-8 (byte 0x89)");
    const auto nul = dir.path() / "nul.txt";
    std::ofstream(nul, std::ios::binary) << std::string("abc\0def\n", 8);
    expectOneLineExitTwo(quantlens("verify " + pair + nul.string()), nul.string() + ":1:4: a NUL byte");
    expectOneLineExitTwo(quantlens("verify " + pair + dir.path().string()), dir.path().string() + ": is a directory");
    const auto blank = dir.path() / "blank.txt";
    std::ofstream(blank) << "  \n\t\n\n";
    expectOneLineExitTwo(quantlens("verify " + pair + blank.string()), blank.string() + ": no prompts");
}

#if QL_EXE_HAS_UI
// Without a display Qt would abort (exit 134); quantlens says so and shows the subcommands instead.
TEST(InputsCli, NoDisplayIsAMessageNotAnAbort) {
    const auto r = test::runMerged("env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM " + std::string(QL_EXE));
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_EQ(r.output.rfind("quantlens: no display; use a subcommand or set QT_QPA_PLATFORM=offscreen\n", 0), 0u)
        << r.output;
    EXPECT_NE(r.output.find("verify"), std::string::npos) << "the help lists the subcommands";
    const auto xcb = test::runMerged("env -u DISPLAY QT_QPA_PLATFORM=xcb " + std::string(QL_EXE));
    EXPECT_EQ(xcb.exitCode, 2) << xcb.output;
}
#endif

}  // namespace
