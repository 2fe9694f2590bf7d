// Public entry points of torchao_config.h: JSON text/file -> QuantConfig, incl. HF quantization_config.
#include <quantlens/torchao_config.h>

#include <nlohmann/json.hpp>

#include "recipe/granularity_json.h"
#include "recipe/text_file.h"
#include "recipe/torchao_json_reader.h"
#include "recipe/torchao_repr.h"

namespace ql {

using namespace recipe;
using nlohmann::json;

namespace {

json parseJsonOrFail(std::string_view text, const std::string& source) {
    json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
        failInput(source + ": not valid JSON");
    }
    return doc;
}

template <typename Fn>
Result<QuantConfig> guarded(Fn fn) {
    try {
        return fn();
    } catch (const ParseFailure& failure) {
        return oneLine(failure.error);
    } catch (const std::exception& e) {
        return oneLine(makeError(ErrorCode::InvalidInput, e.what()));
    }
}

std::vector<std::string> stringList(const json& value, const std::string& path) {
    std::vector<std::string> out;
    if (value.is_null()) return out;
    if (!value.is_array()) failInput(path + ": expected a list of module names or null");
    for (const auto& item : value) {
        if (!item.is_string()) failInput(path + ": expected module names (strings)");
        out.push_back(item.get<std::string>());
    }
    return out;
}

QuantConfig hfConfig(const json& doc, const std::string& source) {
    const json* qc = &doc;  // a whole config.json, or its quantization_config object alone
    const std::string where = source + ": quantization_config";
    if (doc.is_object() && doc.contains("quantization_config")) {
        qc = &doc.at("quantization_config");
    }
    if (!qc->is_object()) failInput(where + ": expected an object");
    const auto method = qc->value("quant_method", json());
    if (!method.is_string() || method != "torchao") {
        fail(ErrorCode::Unsupported,
             where + ".quant_method: expected \"torchao\", got " +
                 (method.is_string() ? "\"" + method.get<std::string>() + "\"" : jsonTypeName(method)));
    }
    const auto quantType = qc->value("quant_type", json());
    if (quantType.is_string()) {
        fail(ErrorCode::Unsupported,
             where + ".quant_type: string quant types (\"" + quantType.get<std::string>() +
                 "\", 2025-era transformers) are not supported; save with an AOBaseConfig instance");
    }
    if (!quantType.is_object() || quantType.size() != 1 || !quantType.contains("default")) {
        failInput(where + ".quant_type: expected {\"default\": <config_to_dict object>}");
    }
    QuantConfig config = parseBaseConfig(quantType.at("default"), where + ".quant_type.default");
    if (qc->contains("include_input_output_embeddings")) {
        const auto& v = qc->at("include_input_output_embeddings");
        if (!v.is_boolean()) failInput(where + ".include_input_output_embeddings: expected true or false");
        config.includeEmbeddings = v.get<bool>();
    }
    if (qc->contains("modules_to_not_convert")) {
        config.modulesToNotConvert = stringList(qc->at("modules_to_not_convert"), where + ".modules_to_not_convert");
    }
    config.declared.emplace_back("include_input_output_embeddings", config.includeEmbeddings ? "true" : "false");
    config.origin = "hf_config " + source;
    return config;
}

}  // namespace

Result<QuantConfig> parseTorchaoConfigJson(std::string_view jsonText, const std::string& sourceName) {
    return guarded([&] {
        QuantConfig config = parseConfigJson(parseJsonOrFail(jsonText, sourceName), sourceName);
        config.origin = "torchao_config " + sourceName;
        return config;
    });
}

Result<QuantConfig> parseTorchaoConfigRepr(std::string_view text, const std::string& sourceName) {
    return guarded([&] {
        QuantConfig config = parseConfigJson(reprToConfigJson(text, sourceName), sourceName);
        config.origin = "repr " + sourceName;
        return config;
    });
}

Result<QuantConfig> loadTorchaoConfigJson(const std::string& path) {
    return guarded([&] {
        const auto text = readTextFileOrFail(path, "torchao config JSON");
        QuantConfig config = parseConfigJson(parseJsonOrFail(text, path), path);
        config.origin = "torchao_config " + path;
        return config;
    });
}

Result<QuantConfig> parseHfQuantizationConfig(std::string_view jsonText, const std::string& sourceName) {
    return guarded([&] { return hfConfig(parseJsonOrFail(jsonText, sourceName), sourceName); });
}

Result<QuantConfig> loadHfQuantizationConfig(const std::string& path) {
    return guarded([&] {
        const auto text = readTextFileOrFail(path, "HF config.json");
        return hfConfig(parseJsonOrFail(text, path), path);
    });
}

}  // namespace ql
