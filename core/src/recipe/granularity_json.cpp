#include "recipe/granularity_json.h"

#include <algorithm>

#include "recipe/torchao_json_reader.h"

namespace ql::recipe {

namespace {

std::string allowedList(std::initializer_list<Granularity> allowed) {
    std::string out;
    for (auto g : allowed) out += (out.empty() ? "" : ", ") + std::string(granularityName(g));
    return out;
}

struct ParsedGranularity {
    Granularity kind;
    long long argument = 0;  // group_size, axis or dim
};

ParsedGranularity parseOne(const nlohmann::json& value, const std::string& path,
                           std::initializer_list<Granularity> allowed) {
    if (!value.is_object() || !value.value("_type", nlohmann::json()).is_string()) {
        failInput(path + ": expected a granularity object (" + allowedList(allowed) + "), got " + jsonTypeName(value));
    }
    const auto type = value.at("_type").get<std::string>();
    const auto kind = enumFromName(granularityTable(), type);
    if (!kind || std::find(allowed.begin(), allowed.end(), *kind) == allowed.end()) {
        failInput(path + ": unsupported granularity '" + type + "' (valid: " + allowedList(allowed) + ")");
    }
    TorchaoJsonReader reader(value, path, type, {1});
    ParsedGranularity out{*kind};
    const char* key = *kind == Granularity::PerGroup  ? "group_size"
                      : *kind == Granularity::PerAxis ? "axis"
                      : *kind == Granularity::PerRow  ? "dim"
                                                      : nullptr;
    if (key != nullptr) {
        const auto arg = reader.integer(key);
        if (!arg && *kind == Granularity::PerGroup) failInput(reader.fieldPath(key) + ": missing");
        out.argument = arg.value_or(*kind == Granularity::PerRow ? -1 : 0);
    }
    reader.finish();
    return out;
}

}  // namespace

void applyGranularity(const nlohmann::json& value, const std::string& path, std::initializer_list<Granularity> allowed,
                      WeightQuant& weight) {
    const auto parsed = parseOne(value, path, allowed);
    weight.granularity = parsed.kind;
    weight.groupSize = 0;
    weight.axis = 0;
    if (parsed.kind == Granularity::PerGroup) {
        if (parsed.argument <= 0) failInput(path + ".group_size: expected a positive integer");
        weight.groupSize = static_cast<int>(parsed.argument);
    } else if (parsed.kind == Granularity::PerAxis) {
        if (parsed.argument != 0)
            failInput(path + ".axis: only axis 0 is supported, got " + std::to_string(parsed.argument));
    }
}

Granularity float8Granularity(const nlohmann::json& value, const std::string& path) {
    const std::initializer_list<Granularity> allowed{Granularity::PerTensor, Granularity::PerRow};
    if (!value.is_array()) {
        return parseOne(value, path, allowed).kind;
    }
    if (value.size() != 2) failInput(path + ": expected a list of two granularities (activation, weight)");
    const auto act = parseOne(value[0], path + "[0]", allowed).kind;
    const auto weight = parseOne(value[1], path + "[1]", allowed).kind;
    if (act != weight) failInput(path + ": activation and weight granularities must be the same kind");
    return act;
}

}  // namespace ql::recipe
