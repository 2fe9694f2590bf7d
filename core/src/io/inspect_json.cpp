// formatInspectJson: the InspectReport as one JSON object (field names follow the C++ structs; enum
// values as snake_case ids; schemas/inspect.schema.json).
#include <nlohmann/json.hpp>

#include "quantlens/inspect.h"

namespace ql {
namespace {

using Json = nlohmann::ordered_json;

template <typename T>
Json optional(const std::optional<T>& v) {
    return v ? Json(*v) : Json(nullptr);
}

Json configJson(const ModelConfig& c) {
    return Json{{"architecture", c.architecture},
                {"model_type", c.modelType},
                {"hidden_size", c.hiddenSize},
                {"intermediate_size", c.intermediateSize},
                {"num_hidden_layers", c.numHiddenLayers},
                {"num_attention_heads", c.numAttentionHeads},
                {"num_key_value_heads", c.numKeyValueHeads},
                {"head_dim", c.headDim},
                {"vocab_size", c.vocabSize},
                {"max_position_embeddings", c.maxPositionEmbeddings},
                {"rms_norm_eps", c.rmsNormEps},
                {"rope_theta", c.ropeTheta},
                {"rope_scaling",
                 {{"rope_type", ropeTypeName(c.ropeScaling.type)},
                  {"factor", c.ropeScaling.factor},
                  {"low_freq_factor", c.ropeScaling.lowFreqFactor},
                  {"high_freq_factor", c.ropeScaling.highFreqFactor},
                  {"original_max_position_embeddings", c.ropeScaling.originalMaxPositionEmbeddings}}},
                {"tie_word_embeddings", c.tieWordEmbeddings},
                {"qkv_bias", c.qkvBias()},
                {"o_proj_bias", c.oProjBias()},
                {"mlp_bias", c.mlpHasBias()},
                {"sliding_window", optional(c.slidingWindow)},
                {"layer_types", c.layerTypes},
                {"hidden_act", c.hiddenAct},
                {"dtype", c.torchDtype}};
}

Json adapterJson(const InspectReport& r) {
    const LoraConfig& c = *r.adapterConfig;
    Json modules = Json::array();
    for (const auto& m : r.adapterModules) {
        modules.push_back({{"name", m.name},
                           {"kind", m.kind == LoraModuleKind::Linear ? "linear" : "embedding"},
                           {"rank", m.rank},
                           {"alpha", m.alpha},
                           {"scaling", m.scaling},
                           {"in_features", m.inFeatures},
                           {"out_features", m.outFeatures},
                           {"dtype", dtypeName(m.dtype)},
                           {"dora", !m.magnitudeKey.empty()}});
    }
    Json extras = Json::array();
    for (const auto& e : r.adapterExtras) {
        extras.push_back({{"key", e.key}, {"base_name", e.baseName}});
    }
    return Json{{"peft_type", c.peftType},   {"r", c.r},
                {"lora_alpha", c.loraAlpha}, {"use_rslora", c.useRslora},
                {"use_dora", c.useDora},     {"base_model_name_or_path", c.baseModelNameOrPath},
                {"modules", modules},        {"extras", extras}};
}

Json trainerJson(const TrainerState& s) {
    return Json{{"global_step", s.globalStep},
                {"epoch", s.epoch},
                {"max_steps", s.maxSteps},
                {"best_metric", optional(s.bestMetric)},
                {"log_entries", s.logHistory.size()},
                {"last_loss", optional(s.lastValue("loss"))},
                {"last_eval_loss", optional(s.lastValue("eval_loss"))},
                {"metrics", s.metricNames()}};
}

Json checkpointsJson(const InspectReport& r) {
    Json rows = Json::array();
    for (const auto& c : r.trainerCheckpoints) {
        Json metrics = Json::object();
        for (const auto& [k, v] : c.evalMetrics) metrics[k] = v;
        rows.push_back({{"name", c.directory.filename().string()},
                        {"step", c.step},
                        {"global_step", optional(c.globalStep)},
                        {"epoch", optional(c.epoch)},
                        {"loss", optional(c.loss)},
                        {"eval_metrics", metrics},
                        {"best_metric", optional(c.bestMetric)},
                        {"best_model_checkpoint", c.bestModelCheckpoint},
                        {"has_adapter", c.hasAdapter},
                        {"has_model_weights", c.hasModelWeights},
                        {"problem", c.problem.empty() ? Json(nullptr) : Json(c.problem)}});
    }
    return rows;
}

Json hubJson(const HubSnapshot& h) {
    return Json{{"repo_id", h.repoId},           {"revision", h.revision},
                {"commit", h.commitHash},        {"snapshot", h.snapshotDir.string()},
                {"cache", h.cache.dir.string()}, {"cache_rule", h.cache.rule}};
}

Json tablesJson(const InspectReport& r) {
    Json tensors = Json::array();
    for (const auto& t : r.tensors) {
        tensors.push_back({{"name", t.name},
                           {"dtype", dtypeName(t.dtype)},
                           {"shape", t.shape},
                           {"bytes", t.bytes},
                           {"file", t.file}});
    }
    Json modules = Json::array();
    for (const auto& m : r.modules) {
        modules.push_back({{"name", m.name},
                           {"in_features", m.inFeatures},
                           {"out_features", m.outFeatures},
                           {"dtype", dtypeName(m.dtype)},
                           {"bytes", m.bytes},
                           {"bias", m.hasBias},
                           {"quantization", m.quantization}});
    }
    Json perDtype = Json::array();
    for (const auto& d : r.perDtype) {
        perDtype.push_back({{"dtype", dtypeName(d.dtype)}, {"elements", d.elements}, {"bytes", d.bytes}});
    }
    return Json{{"tensors", tensors}, {"modules", modules}, {"per_dtype", perDtype}};
}

}  // namespace

std::string formatInspectJson(const InspectReport& r) {
    Json j{{"schema_version", kInspectSchemaVersion}, {"path", r.path.string()}, {"kind", inspectKindId(r.kind)}};
    j["config"] = r.config ? configJson(*r.config) : Json(nullptr);
    j["total_elements"] = r.totalElements;
    j["total_bytes"] = r.totalBytes;
    j["torchao_tensors_found"] = r.torchaoTensorsFound;
    j["quantization_config"] =
        r.quantizationConfigJson.empty() ? Json(nullptr) : Json::parse(r.quantizationConfigJson, nullptr, false);
    j["adapter"] = r.adapterConfig ? adapterJson(r) : Json(nullptr);
    j["trainer_state"] = r.trainerState ? trainerJson(*r.trainerState) : Json(nullptr);
    j["hub"] = r.hub ? hubJson(*r.hub) : Json(nullptr);
    j["checkpoints"] = checkpointsJson(r);
    j["inspected_checkpoint"] = r.inspectedCheckpoint ? Json(r.inspectedCheckpoint->string()) : Json(nullptr);
    j.update(tablesJson(r));
    j["notes"] = r.notes;
    // Replace invalid UTF-8 rather than throw: tensor names come from user files.
    return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace ql
