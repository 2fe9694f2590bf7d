// Readers of torchao's own serializations into the canonical QuantConfig (torchao/core/config.py):
// `torchao.core.config.config_to_dict` JSON ({"_type","_version","_data"}, enums by member name) and
// HF transformers `config.json` whose `quantization_config.quant_method` is "torchao".
#pragma once

#include <quantlens/quant_config.h>
#include <quantlens/result.h>

#include <string>
#include <string_view>

namespace ql {

// Parses config_to_dict JSON text. Supported `_type`s: Int4WeightOnlyConfig, IntxWeightOnlyConfig,
// Int8DynamicActivationIntxWeightConfig, Int8DynamicActivationInt4WeightConfig,
// Float8DynamicActivationFloat8WeightConfig, Float8DynamicActivationInt4WeightConfig, QATConfig
// (wrapping one of those). `sourceName` names the input in errors.
Result<QuantConfig> parseTorchaoConfigJson(std::string_view jsonText, const std::string& sourceName);

// Parses torchao's printed repr of a config, as a training log prints it (print(config)), torchao
// 0.14-0.18, e.g. "QATConfig(base_config=Int4WeightOnlyConfig(group_size=128, layout=TensorCoreTiledLayout(
// inner_k_tiles=8), ..., version=2), activation_config=None, weight_config=None, step='prepare')", or the
// constructor call as written in code ("QATConfig(Int4WeightOnlyConfig(group_size=128), step=\"prepare\")").
// Resolves to the same QuantConfig as config_to_dict JSON of the same config. Text before the first
// config class name (a log prefix) is ignored.
Result<QuantConfig> parseTorchaoConfigRepr(std::string_view text, const std::string& sourceName);

// Reads a .json file holding config_to_dict output.
Result<QuantConfig> loadTorchaoConfigJson(const std::string& path);

// Reads a HF config.json (or a bare quantization_config object) whose quant_method is "torchao";
// the config is `quant_type.default`.
Result<QuantConfig> loadHfQuantizationConfig(const std::string& path);
Result<QuantConfig> parseHfQuantizationConfig(std::string_view jsonText, const std::string& sourceName);

}  // namespace ql
