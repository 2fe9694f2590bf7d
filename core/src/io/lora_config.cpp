// adapter_config.json (peft/tuners/lora/config.py LoraConfig) with PEFT 0.21's matching rules:
// get_pattern_key for rank/alpha patterns, check_target_module_exists for targets.
#include <algorithm>
#include <cmath>

#include "io/json_fields.h"
#include "io/name_regex.h"
#include "quantlens/adapter.h"

namespace ql {
namespace {

using detail::FieldReader;
using detail::OrderedJson;

// Python's re.fullmatch through PCRE2 (same syntax for these patterns), bounded (io/name_regex.h).
bool fullMatch(const std::string& pattern, std::string_view text) {
    const auto re = detail::NameRegex::compile(pattern);
    return re.ok() && re->fullMatch(text);
}

// get_pattern_key: re.match(rf"(.*\.)?({key})$", name) — anchored at the start and the end.
std::string patternFor(const std::string& key) {
    return "(.*\\.)?(" + key + ")";
}

bool compiles(const std::string& pattern) {
    return detail::NameRegex::compile(pattern).ok();
}

void readRegexOrList(FieldReader& r, const char* key, std::vector<std::string>& list,
                     std::optional<std::string>& regex) {
    const OrderedJson* v = r.get(key);
    if (v != nullptr && v->is_string()) {
        regex = v->get<std::string>();
        if (!compiles(*regex)) {
            r.fail(key, "a regular expression (Python re syntax)", "'" + *regex + "'");
        }
        return;
    }
    list = r.stringList(key);
}

template <typename T>
void readPattern(FieldReader& r, const char* key, std::vector<std::pair<std::string, T>>& out) {
    const OrderedJson* v = r.get(key);
    if (v == nullptr) {
        return;
    }
    if (!v->is_object()) {
        r.fail(key, "an object mapping patterns to numbers", detail::describeJson(*v));
        return;
    }
    for (const auto& [pattern, value] : v->items()) {
        const bool ok = std::is_integral_v<T> ? value.is_number_integer() : value.is_number();
        if (!ok || !compiles(patternFor(pattern))) {
            r.fail(key, std::is_integral_v<T> ? "pattern -> integer" : "pattern -> number",
                   "entry '" + pattern + "': " + detail::describeJson(value));
            return;
        }
        out.emplace_back(pattern, value.template get<T>());
    }
}

void readLayers(FieldReader& r, LoraConfig& c) {
    if (const OrderedJson* v = r.get("layers_to_transform")) {
        if (v->is_number_integer()) {
            c.layersToTransform.push_back(v->get<std::int64_t>());
        } else if (v->is_array()) {
            for (const auto& item : *v) {
                if (!item.is_number_integer()) {
                    r.fail("layers_to_transform", "an integer or a list of integers", detail::describeJson(item));
                    return;
                }
                c.layersToTransform.push_back(item.get<std::int64_t>());
            }
        } else {
            r.fail("layers_to_transform", "an integer or a list of integers", detail::describeJson(*v));
        }
    }
    c.layersPattern = r.stringList("layers_pattern");
}

// Variants whose math QuantLens does not model: refuse rather than verify the wrong thing.
Status refuseVariants(FieldReader& r) {
    // What each variant changes that the forward does not model (peft/tuners/lora/config.py).
    const std::pair<const char*, const char*> variants[] = {
        {"target_parameters", "LoRA on nn.Parameter targets (e.g. MoE experts)"},
        {"layer_replication", "decoder layers duplicated by the adapter"},
        {"trainable_token_indices",
         "embedding rows retrained and stored in the adapter (TrainableTokensLayer); the "
         "checks would read the base rows instead of the trained ones"},
        {"alora_invocation_tokens", "activated LoRA, applied only after its invocation tokens"},
        {"arrow_config", "Arrow routing between several LoRA experts"},
    };
    for (const auto& [key, what] : variants) {
        const OrderedJson* v = r.get(key);
        if (v != nullptr && !(v->is_array() && v->empty()) && !(v->is_object() && v->empty())) {
            return makeError(ErrorCode::Unsupported, r.sourceName() + ": field '" + key +
                                                         "' is not supported (expected "
                                                         "null): " +
                                                         what + " is not modelled");
        }
    }
    if (r.boolOr("use_qalora", false)) {
        return makeError(ErrorCode::Unsupported,
                         r.sourceName() + ": field 'use_qalora' is not supported (expected false)");
    }
    return Ok{};
}

Status readPeftType(FieldReader& r, LoraConfig& c) {
    if (!r.contains("peft_type")) {
        return makeError(ErrorCode::InvalidInput,
                         r.sourceName() + ": missing required field 'peft_type' (expected \"LORA\")");
    }
    c.peftType = r.stringOr("peft_type", "");
    if (r.error()) {
        return *r.error();
    }
    if (c.peftType != "LORA") {
        return makeError(ErrorCode::Unsupported,
                         r.sourceName() + ": peft_type '" + c.peftType + "' is not supported; supported: LORA");
    }
    return Ok{};
}

}  // namespace

Result<LoraConfig> parseLoraConfig(std::string_view jsonText, const std::string& sourceName) {
    auto json = detail::parseJsonObject(jsonText, sourceName);
    if (!json) {
        return json.error();
    }
    FieldReader r(*json, sourceName);
    LoraConfig c;
    if (auto s = readPeftType(r, c); !s) {
        return s.error();
    }
    if (auto s = refuseVariants(r); !s) {
        return s.error();
    }
    c.taskType = r.stringOr("task_type", "");
    c.baseModelNameOrPath = r.stringOr("base_model_name_or_path", "");
    c.peftVersion = r.stringOr("peft_version", "");
    c.revision = r.stringOr("revision", "");
    c.r = r.intOr("r", 8);
    c.loraAlpha = r.numberOr("lora_alpha", 8.0);
    c.useRslora = r.boolOr("use_rslora", false);
    readRegexOrList(r, "target_modules", c.targetModules, c.targetModulesRegex);
    if (c.targetModulesRegex && *c.targetModulesRegex == "all-linear") {
        c.targetAllLinear = true;
        c.targetModulesRegex.reset();
    }
    readRegexOrList(r, "exclude_modules", c.excludeModules, c.excludeModulesRegex);
    readPattern(r, "rank_pattern", c.rankPattern);
    readPattern(r, "alpha_pattern", c.alphaPattern);
    c.modulesToSave = r.stringList("modules_to_save");
    c.fanInFanOut = r.boolOr("fan_in_fan_out", false);
    c.useDora = r.boolOr("use_dora", false);
    c.loraBias = r.boolOr("lora_bias", false);
    c.bias = r.stringOr("bias", "none");
    readLayers(r, c);
    if (r.error()) {
        return *r.error();
    }
    if (c.r <= 0) {
        return makeError(ErrorCode::InvalidInput,
                         sourceName + ": field 'r': expected a positive integer, got " + std::to_string(c.r));
    }
    for (const auto& [pattern, rank] : c.rankPattern) {
        if (rank <= 0) {
            return makeError(ErrorCode::InvalidInput, sourceName + ": field 'rank_pattern': entry '" + pattern +
                                                          "': expected a positive integer, got " +
                                                          std::to_string(rank));
        }
    }
    if (c.bias != "none" && c.bias != "all" && c.bias != "lora_only") {
        return makeError(ErrorCode::InvalidInput,
                         sourceName + ": field 'bias': expected 'none', 'all' or 'lora_only', got '" + c.bias + "'");
    }
    return c;
}

std::int64_t LoraConfig::rankFor(std::string_view name) const {
    for (const auto& [pattern, rank] : rankPattern) {
        if (fullMatch(patternFor(pattern), name)) {
            return rank;
        }
    }
    return r;
}

double LoraConfig::alphaFor(std::string_view name) const {
    for (const auto& [pattern, alpha] : alphaPattern) {
        if (fullMatch(patternFor(pattern), name)) {
            return alpha;
        }
    }
    return loraAlpha;
}

double LoraConfig::scalingFor(std::string_view name) const {
    const double rank = static_cast<double>(rankFor(name));
    return useRslora ? alphaFor(name) / std::sqrt(rank) : alphaFor(name) / rank;
}

}  // namespace ql

namespace ql {
namespace {

bool endsWithComponent(std::string_view name, const std::string& entry) {
    return name == entry ||
           (name.size() > entry.size() && name.ends_with(entry) && name[name.size() - entry.size() - 1] == '.');
}

// re.match(pattern, name) (prefix match); group 1 is the layer index.
std::optional<std::int64_t> layerIndex(const std::string& pattern, std::string_view name) {
    const auto re = detail::NameRegex::compile(pattern);
    const auto digits = re.ok() ? re->prefixGroup(name, 1) : std::nullopt;
    if (!digits || digits->empty() || digits->size() > 18) return std::nullopt;
    try {
        return std::stoll(*digits);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// check_target_module_exists' layers_to_transform rule.
bool inTransformedLayers(const LoraConfig& c, std::string_view name) {
    if (c.layersToTransform.empty()) {
        return true;
    }
    std::optional<std::int64_t> index;
    if (c.layersPattern.empty()) {
        index = layerIndex(R"(.*?\.[^.]*\.(\d+)\.)", name);
    } else {
        for (const auto& p : c.layersPattern) {
            index = layerIndex(R"((?:^|.*?\.))" + p + R"(\.(\d+)\.)", name);
            if (index) {
                break;
            }
        }
    }
    return index &&
           std::find(c.layersToTransform.begin(), c.layersToTransform.end(), *index) != c.layersToTransform.end();
}

}  // namespace

bool LoraConfig::targets(std::string_view name) const {
    if (excludeModulesRegex ? fullMatch(*excludeModulesRegex, name)
                            : std::any_of(excludeModules.begin(), excludeModules.end(),
                                          [&](const auto& e) { return endsWithComponent(name, e); })) {
        return false;
    }
    for (const auto& m : modulesToSave) {
        if (fullMatch("(^|.*\\.)" + m + "($|\\..*)", name)) {
            return false;
        }
    }
    if (targetAllLinear) {
        return name != "lm_head";
    }
    if (targetModulesRegex) {
        return fullMatch(*targetModulesRegex, name);
    }
    const bool found = std::any_of(targetModules.begin(), targetModules.end(),
                                   [&](const auto& t) { return endsWithComponent(name, t); });
    const bool exact = std::find(targetModules.begin(), targetModules.end(), name) != targetModules.end();
    return exact || (found && inTransformedLayers(*this, name));
}

}  // namespace ql
