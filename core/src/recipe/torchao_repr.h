// Private: torchao's printed repr of a config -> the config_to_dict JSON object of the same config,
// so both spellings go through one reader (torchao_config.cpp) and resolve to the same QuantConfig.
//
// What the text may hold (Python's dataclass/enum reprs, torchao 0.14-0.18, and the constructor
// call as written in code):
//   Class(name=value, ...)        -> {"_type": Class, "_version": version= or the class default, "_data": {...}}
//   Class(value, ...)             -> positional arguments, for the classes whose field order is known
//   <Enum.MEMBER: 'value'>, Enum.MEMBER -> {"_type": Enum, "_data": "MEMBER"}  (QATStep: the plain step string)
//   torch.int4                    -> {"_type": "torch.dtype", "_data": "int4"}
//   'text' "text" 12 -1.5e-06 inf nan None True False [a, b] (a, b)
// Text before the first known config class name (a log prefix) is skipped. Throws
// recipe::ParseFailure with "<where>: at character N: expected ..., got ...".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ql::recipe {

nlohmann::json reprToConfigJson(std::string_view text, const std::string& where);

}  // namespace ql::recipe
