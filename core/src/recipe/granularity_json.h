// Private: torchao granularity objects (PerGroup, PerAxis, PerRow, PerTensor, PerToken) as
// config_to_dict writes them ({"_type": "PerGroup", "_version": 1, "_data": {"group_size": 32}}).
// Throws recipe::ParseFailure naming `path`.
#pragma once

#include <quantlens/quant_config.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

namespace ql::recipe {

// Sets weight.granularity/groupSize/axis from `value`; fails unless its kind is in `allowed`.
void applyGranularity(const nlohmann::json& value, const std::string& path, std::initializer_list<Granularity> allowed,
                      WeightQuant& weight);

// Float8 granularity: one object or a list of two equal ones (activation, weight); PerTensor or PerRow.
Granularity float8Granularity(const nlohmann::json& value, const std::string& path);

// The torchao config objects of this module, as one parse entry (defined in torchao_config.cpp).
QuantConfig parseBaseConfig(const nlohmann::json& object, const std::string& where);
QuantConfig parseConfigJson(const nlohmann::json& object, const std::string& where);

}  // namespace ql::recipe
