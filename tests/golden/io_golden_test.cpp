// Golden tests of the io readers: for every case the reference module `checkpoints` built
// (tests/reference/ql_ref/checkpoints.py), QuantLens must read exactly what safetensors.safe_open,
// transformers (AutoConfig + the live model), peft (PeftModel.from_pretrained) and
// transformers.TrainerState read. Every comparison is exact (doubles bit-exact).
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "quantlens/adapter.h"
#include "quantlens/checkpoint.h"
#include "quantlens/model_config.h"
#include "quantlens/trainer_state.h"
#include "support/reference_data.h"

namespace ql {
namespace {

using nlohmann::json;
using test::FieldTally;
using test::ReferenceCase;

constexpr const char* kModule = "checkpoints";

void printSummary(const FieldTally& t, const std::string& what) {
    std::cout << "[io golden] " << t.caseName() << ": " << what << ": " << t.compared() << " fields compared, "
              << t.mismatched() << " mismatched\n";
}

std::vector<std::int64_t> shapeOf(const json& j) {
    return j.get<std::vector<std::int64_t>>();
}

// Compares every tensor of `checkpoint` with the reference's safe_open listing.
void compareTensors(FieldTally& t, const Checkpoint& checkpoint, const json& expected) {
    const auto& want = expected.at("tensors");
    t.equal("tensor count", checkpoint.tensors().size(), want.size());
    std::uint64_t total = 0;
    for (const auto& w : want) {
        const std::string name = w.at("name");
        const auto view = checkpoint.find(name);
        if (!view) {
            t.fail("tensor " + name, "absent", "present");
            continue;
        }
        t.equal(name + " dtype", std::string(dtypeName(view->info->dtype)), w.at("dtype").get<std::string>());
        t.equal(name + " shape", view->info->shape, shapeOf(w.at("shape")));
        t.equal(name + " bytes", view->info->byteSize(), w.at("bytes").get<std::uint64_t>());
        t.equal(name + " span size", static_cast<std::uint64_t>(view->bytes.size()),
                w.at("bytes").get<std::uint64_t>());
        t.equal(name + " file", checkpoint.fileNameOf(*view), w.at("file").get<std::string>());
        total += w.at("bytes").get<std::uint64_t>();
    }
    t.equal("total bytes", checkpoint.totalBytes(), total);
}

std::optional<json> expectedOf(const ReferenceCase& c) {
    return test::loadJsonFile(c.expected);
}

TEST(IoGolden, CheckpointTensorsMatchSafeOpen) {
    const auto cases = test::referenceCases(kModule);
    ASSERT_TRUE(cases.has_value());
    for (const auto& c : *cases) {
        SCOPED_TRACE(c.name);
        const auto expected = expectedOf(c);
        ASSERT_TRUE(expected.has_value());
        const bool isModel = c.kind == "model";
        const auto target = isModel ? c.path : c.path / "adapter_model.safetensors";
        auto checkpoint = Checkpoint::open(target);
        ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().message;
        FieldTally t(c.name);
        if (isModel) {
            t.equal("sharded", checkpoint->isSharded(), expected->at("sharded").get<bool>());
            t.equal("file count", checkpoint->files().size(), expected->at("files").size());
        }
        compareTensors(t, *checkpoint, *expected);
        printSummary(t, std::to_string(checkpoint->tensors().size()) + " tensors");
    }
}

void compareRope(FieldTally& t, const ModelConfig& m, const json& w) {
    const auto& rope = w.at("rope_parameters");
    t.equal("rope_type", std::string(ropeTypeName(m.ropeScaling.type)), w.at("rope_type").get<std::string>());
    t.exactDouble("rope_theta", m.ropeTheta, w.at("rope_theta").get<double>());
    if (rope.contains("factor")) {
        t.exactDouble("rope factor", m.ropeScaling.factor, rope.at("factor").get<double>());
    }
    if (w.at("rope_type") == "llama3") {
        t.exactDouble("rope low_freq_factor", m.ropeScaling.lowFreqFactor, rope.at("low_freq_factor").get<double>());
        t.exactDouble("rope high_freq_factor", m.ropeScaling.highFreqFactor, rope.at("high_freq_factor").get<double>());
        t.equal("rope original_max_position_embeddings", m.ropeScaling.originalMaxPositionEmbeddings,
                rope.at("original_max_position_embeddings").get<std::int64_t>());
    }
}

void compareSizes(FieldTally& t, const ModelConfig& m, const json& w) {
    t.equal("architecture", m.architecture, w.at("architectures").at(0).get<std::string>());
    t.equal("model_type", m.modelType, w.at("model_type").get<std::string>());
    t.equal("family", std::string(modelFamilyName(m.family)), w.at("model_type").get<std::string>());
    t.equal("hidden_size", m.hiddenSize, w.at("hidden_size").get<std::int64_t>());
    t.equal("intermediate_size", m.intermediateSize, w.at("intermediate_size").get<std::int64_t>());
    t.equal("num_hidden_layers", m.numHiddenLayers, w.at("num_hidden_layers").get<std::int64_t>());
    t.equal("num_attention_heads", m.numAttentionHeads, w.at("num_attention_heads").get<std::int64_t>());
    t.equal("num_key_value_heads", m.numKeyValueHeads, w.at("num_key_value_heads").get<std::int64_t>());
    t.equal("head_dim (live model)", m.headDim, w.at("head_dim").get<std::int64_t>());
    t.equal("vocab_size", m.vocabSize, w.at("vocab_size").get<std::int64_t>());
    t.equal("max_position_embeddings", m.maxPositionEmbeddings, w.at("max_position_embeddings").get<std::int64_t>());
    t.exactDouble("rms_norm_eps", m.rmsNormEps, w.at("rms_norm_eps").get<double>());
    t.equal("hidden_act", m.hiddenAct, w.at("hidden_act").get<std::string>());
    t.equal("dtype", m.torchDtype, w.at("dtype").get<std::string>());
}

std::string optionalText(const std::optional<std::int64_t>& v) {
    return v ? std::to_string(*v) : "null";
}
std::string optionalText(const json& v) {
    return v.is_null() ? "null" : std::to_string(v.get<std::int64_t>());
}

void compareFlags(FieldTally& t, const ModelConfig& m, const json& w) {
    t.equal("tie_word_embeddings", m.tieWordEmbeddings, w.at("tie_word_embeddings").get<bool>());
    t.equal("tie == lm_head shares embed (live model)", m.tieWordEmbeddings, w.at("lm_head_is_embed").get<bool>());
    t.equal("attention_bias", m.attentionBias, w.at("attention_bias").get<bool>());
    t.equal("qkvBias() (live model q_proj.bias)", m.qkvBias(), w.at("qkv_bias").get<bool>());
    t.equal("oProjBias() (live model o_proj.bias)", m.oProjBias(), w.at("o_bias").get<bool>());
    t.equal("mlpHasBias() (live model gate_proj.bias)", m.mlpHasBias(), w.at("gate_bias").get<bool>());
    t.equal("sliding_window", optionalText(m.slidingWindow), optionalText(w.at("sliding_window")));
    if (!w.at("use_sliding_window").is_null()) {
        t.equal("use_sliding_window", m.useSlidingWindow, w.at("use_sliding_window").get<bool>());
        t.equal("max_window_layers", m.maxWindowLayers, w.at("max_window_layers").get<std::int64_t>());
    }
    if (!w.at("layer_types").empty()) {
        t.equal("layer_types", m.layerTypes, w.at("layer_types").get<std::vector<std::string>>());
    }
    if (!w.at("pretraining_tp").is_null()) {
        t.equal("pretraining_tp", m.pretrainingTp, w.at("pretraining_tp").get<std::int64_t>());
    }
    t.equal("bos_token_id", optionalText(m.bosTokenId), optionalText(w.at("bos_token_id")));
    t.equal("eos_token_ids", m.eosTokenIds, w.at("eos_token_ids").get<std::vector<std::int64_t>>());
    t.equal("pad_token_id", optionalText(m.padTokenId), optionalText(w.at("pad_token_id")));
}

// expectedParameters(config) against the live model's state_dict (names and shapes).
void compareParameters(FieldTally& t, const ModelConfig& m, const json& params) {
    std::map<std::string, std::vector<std::int64_t>> ours;
    for (const auto& p : expectedParameters(m)) {
        ours[p.name] = p.shape;
        if (!p.optional && !params.contains(p.name)) {
            t.fail("parameter " + p.name, "expected by QuantLens", "absent from the model's state_dict");
        }
    }
    for (const auto& [name, shape] : params.items()) {
        const auto it = ours.find(name);
        t.equal("parameter " + name + " shape", it == ours.end() ? std::vector<std::int64_t>{} : it->second,
                shapeOf(shape));
    }
}

TEST(IoGolden, ModelConfigMatchesTransformers) {
    const auto cases = test::referenceCases(kModule, "model");
    ASSERT_TRUE(cases.has_value());
    for (const auto& c : *cases) {
        SCOPED_TRACE(c.name);
        const auto expected = expectedOf(c);
        ASSERT_TRUE(expected.has_value());
        const auto config = loadModelConfig(c.path);
        ASSERT_TRUE(config.ok()) << config.error().message;
        const auto& w = expected->at("config");
        FieldTally t(c.name);
        compareSizes(t, *config, w);
        compareRope(t, *config, w);
        compareFlags(t, *config, w);
        compareParameters(t, *config, w.at("parameters"));
        auto checkpoint = Checkpoint::open(c.path);
        ASSERT_TRUE(checkpoint.ok()) << checkpoint.error().message;
        const auto valid = validateCheckpointAgainstConfig(*checkpoint, *config);
        EXPECT_TRUE(valid.ok()) << (valid.ok() ? "" : valid.error().message);
        printSummary(t, "config");
    }
}

const json* findTensor(const json& expected, const std::string& key) {
    for (const auto& w : expected.at("tensors")) {
        if (w.at("name") == key) {
            return &w;
        }
    }
    return nullptr;
}

void compareLoraModule(FieldTally& t, const LoraAdapter& a, const LoraModule& m, const json& w, const json& all) {
    const std::string& n = m.name;
    t.equal(n + " rank", m.rank, w.at("r").get<std::int64_t>());
    t.exactDouble(n + " alpha", m.alpha, w.at("lora_alpha").get<double>());
    t.exactDouble(n + " scaling", m.scaling, w.at("scaling").get<double>());
    t.equal(n + " config.rankFor", a.config.rankFor(n), w.at("r").get<std::int64_t>());
    t.exactDouble(n + " config.alphaFor", a.config.alphaFor(n), w.at("lora_alpha").get<double>());
    t.exactDouble(n + " config.scalingFor", a.config.scalingFor(n), w.at("scaling").get<double>());
    t.equal(n + " lora_A shape", std::vector<std::int64_t>{m.rank, m.inFeatures}, shapeOf(w.at("lora_A_shape")));
    t.equal(n + " lora_B shape", std::vector<std::int64_t>{m.outFeatures, m.rank}, shapeOf(w.at("lora_B_shape")));
    const json* aTensor = findTensor(all, m.loraAKey);
    const json* bTensor = findTensor(all, m.loraBKey);
    t.equal(n + " lora_A key in file", aTensor != nullptr, true);
    t.equal(n + " lora_B key in file", bTensor != nullptr, true);
    if (aTensor != nullptr) {
        t.equal(n + " dtype", std::string(dtypeName(m.dtype)), aTensor->at("dtype").get<std::string>());
    }
    const bool dora = w.at("use_dora").get<bool>();
    t.equal(n + " DoRA (magnitude key present)", !m.magnitudeKey.empty(), dora);
    if (dora && !m.magnitudeKey.empty()) {
        const json* mag = findTensor(all, m.magnitudeKey);
        t.equal(n + " magnitude shape", mag ? shapeOf(mag->at("shape")) : std::vector<std::int64_t>{},
                shapeOf(w.at("magnitude_shape")));
    }
}

std::string moduleOfParameter(const std::string& name) {
    const auto dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

// LoraConfig::targets against PEFT's choice over every 2-D parameter of the base model.
void compareTargets(FieldTally& t, const LoraAdapter& a, const json& expected, const json& baseParams) {
    std::set<std::string> peft;
    for (const auto& w : expected.at("modules")) {
        peft.insert(w.at("name").get<std::string>());
    }
    for (const auto& [param, shape] : baseParams.items()) {
        const std::string module = moduleOfParameter(param);
        if (shape.size() != 2 || param.substr(module.size()) != ".weight") {
            continue;
        }
        t.equal("targets(" + module + ")", a.config.targets(module), peft.count(module) == 1);
    }
}

void compareAdapter(FieldTally& t, const LoraAdapter& a, const json& expected, const json& baseParams) {
    const auto& want = expected.at("modules");
    t.equal("module count", a.modules.size(), want.size());
    std::map<std::string, const json*> byName;
    for (const auto& w : want) {
        byName[w.at("name").get<std::string>()] = &w;
    }
    for (const auto& m : a.modules) {
        const auto it = byName.find(m.name);
        t.equal("module " + m.name + " known to PEFT", it != byName.end(), true);
        if (it != byName.end()) {
            compareLoraModule(t, a, m, *it->second, expected);
        }
    }
    std::set<std::string> extras;
    for (const auto& e : a.extras) {
        extras.insert(moduleOfParameter(e.baseName));
    }
    t.equal("modules_to_save", std::vector<std::string>(extras.begin(), extras.end()),
            expected.at("modules_to_save").get<std::vector<std::string>>());
    t.equal("r", a.config.r, expected.at("config").at("r").get<std::int64_t>());
    t.exactDouble("lora_alpha", a.config.loraAlpha, expected.at("config").at("lora_alpha").get<double>());
    t.equal("use_rslora", a.config.useRslora, expected.at("config").at("use_rslora").get<bool>());
    t.equal("use_dora", a.config.useDora, expected.at("config").at("use_dora").get<bool>());
    t.equal("peft_type", a.config.peftType, expected.at("config").at("peft_type").get<std::string>());
    t.equal("base_model_name_or_path", a.config.baseModelNameOrPath,
            expected.at("config").at("base_model_name_or_path").get<std::string>());
    compareTargets(t, a, expected, baseParams);
}

void checkAdapterCase(const ReferenceCase& c, const std::filesystem::path& adapterDir) {
    const auto expected = test::loadJsonFile(c.expected);
    const auto baseExpected = test::loadJsonFile(c.expected.parent_path() / (c.base + ".json"));
    ASSERT_TRUE(expected && baseExpected);
    const auto adapter = openLoraAdapter(adapterDir);
    ASSERT_TRUE(adapter.ok()) << adapter.error().message;
    FieldTally t(c.name);
    compareAdapter(t, *adapter, *expected, baseExpected->at("config").at("parameters"));
    auto base = Checkpoint::open(c.expected.parent_path().parent_path() / c.base);
    ASSERT_TRUE(base.ok()) << base.error().message;
    const auto fits = checkAdapterAgainstCheckpoint(*adapter, *base);
    EXPECT_TRUE(fits.ok()) << (fits.ok() ? "" : fits.error().message);
    printSummary(t, std::to_string(adapter->modules.size()) + " LoRA modules");
}

TEST(IoGolden, AdapterMatchesPeft) {
    const auto cases = test::referenceCases(kModule, "adapter");
    ASSERT_TRUE(cases.has_value());
    for (const auto& c : *cases) {
        SCOPED_TRACE(c.name);
        checkAdapterCase(c, c.path);
    }
}

void compareLogEntry(FieldTally& t, const TrainerLogEntry& e, const json& w, const std::string& where) {
    std::vector<std::string> ours;
    for (const auto& [k, v] : e.values) {
        ours.push_back(k);
    }
    std::vector<std::string> want;
    for (const auto& [k, v] : w.items()) {
        want.push_back(k);
        const auto got = e.get(k);
        t.equal(where + k + " present", got.has_value(), true);
        if (got) {
            t.exactDouble(where + k, *got, test::referenceNumber(v));
        }
    }
    std::sort(want.begin(), want.end());
    t.equal(where + "keys", ours, want);
    t.equal(where + "step", optionalText(e.step), optionalText(w.value("step", json())));
    if (w.contains("epoch") && e.epoch) {
        t.exactDouble(where + "epoch field", *e.epoch, w.at("epoch").get<double>());
    }
    t.equal(where + "isEval", e.isEval(), w.contains("eval_loss"));
}

void compareTrainerState(FieldTally& t, const TrainerState& s, const json& w) {
    t.equal("global_step", s.globalStep, w.at("global_step").get<std::int64_t>());
    t.exactDouble("epoch", s.epoch, w.at("epoch").get<double>());
    t.equal("max_steps", s.maxSteps, w.at("max_steps").get<std::int64_t>());
    t.equal("logging_steps", optionalText(s.loggingSteps), optionalText(w.at("logging_steps")));
    t.equal("eval_steps", optionalText(s.evalSteps), optionalText(w.at("eval_steps")));
    t.equal("save_steps", optionalText(s.saveSteps), optionalText(w.at("save_steps")));
    t.equal("train_batch_size", optionalText(s.trainBatchSize), optionalText(w.at("train_batch_size")));
    t.exactDouble("num_train_epochs", s.numTrainEpochs.value_or(-1), w.at("num_train_epochs").get<double>());
    t.exactDouble("total_flos", s.totalFlos.value_or(-1), w.at("total_flos").get<double>());
    t.exactDouble("best_metric", s.bestMetric.value_or(-1), w.at("best_metric").get<double>());
    t.equal("best_global_step", optionalText(s.bestGlobalStep), optionalText(w.at("best_global_step")));
    t.equal("best_model_checkpoint", s.bestModelCheckpoint, w.at("best_model_checkpoint").get<std::string>());
    const auto& log = w.at("log_history");
    t.equal("log_history size", s.logHistory.size(), log.size());
    for (std::size_t i = 0; i < std::min(s.logHistory.size(), log.size()); ++i) {
        compareLogEntry(t, s.logHistory[i], log[i], "log_history[" + std::to_string(i) + "].");
    }
}

void compareCheckpointDir(FieldTally& t, const TrainerCheckpointDir& d, const json& expected) {
    const auto files = expected.at("files_in_dir").get<std::vector<std::string>>();
    const auto has = [&](const char* f) { return std::find(files.begin(), files.end(), f) != files.end(); };
    t.equal("step from name", optionalText(d.stepFromName), std::to_string(expected.at("step").get<int>()));
    t.equal("hasTrainerState", d.hasTrainerState, has("trainer_state.json"));
    t.equal("hasAdapter", d.hasAdapter, has("adapter_config.json"));
    t.equal("hasModelWeights", d.hasModelWeights, has("model.safetensors"));
    t.equal("hasOptimizer", d.hasOptimizer, has("optimizer.pt"));
    t.equal("hasScheduler", d.hasScheduler, has("scheduler.pt"));
    t.equal("hasTrainingArgs", d.hasTrainingArgs, has("training_args.bin"));
}

TEST(IoGolden, TrainerCheckpointMatchesTransformers) {
    const auto cases = test::referenceCases(kModule, "trainer_checkpoint");
    ASSERT_TRUE(cases.has_value());
    for (const auto& c : *cases) {
        SCOPED_TRACE(c.name);
        checkAdapterCase(c, c.path);
        const auto expected = expectedOf(c);
        ASSERT_TRUE(expected.has_value());
        const auto state = loadTrainerState(c.path);
        ASSERT_TRUE(state.ok()) << state.error().message;
        const auto dir = detectTrainerCheckpoint(c.path);
        ASSERT_TRUE(dir.ok()) << dir.error().message;
        FieldTally t(c.name);
        compareTrainerState(t, *state, expected->at("trainer_state"));
        compareCheckpointDir(t, *dir, *expected);
        printSummary(t, "trainer_state (" + std::to_string(state->logHistory.size()) + " log entries)");
    }
}

}  // namespace
}  // namespace ql
