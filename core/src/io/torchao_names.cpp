#include "io/torchao_names.h"

#include <nlohmann/json.hpp>

namespace ql::detail {

TorchaoTensorMeta torchaoTensorMeta(const SafetensorsFile& file, const std::string& name) {
    TorchaoTensorMeta meta;
    const auto it = file.metadata().find(name);
    if (it == file.metadata().end()) {
        return meta;
    }
    const auto json = nlohmann::json::parse(it->second, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
        return meta;
    }
    if (json.contains("_type") && json["_type"].is_string()) {
        meta.type = json["_type"].get<std::string>();
    }
    if (!json.contains("_data") || !json["_data"].is_object()) {
        return meta;
    }
    const auto& data = json["_data"];
    if (!data.contains("shape") || !data["shape"].is_array()) {
        return meta;
    }
    for (const auto& d : data["shape"]) {
        if (!d.is_number_integer()) {
            meta.shape.clear();
            return meta;
        }
        meta.shape.push_back(d.get<std::int64_t>());
    }
    return meta;
}

}  // namespace ql::detail
