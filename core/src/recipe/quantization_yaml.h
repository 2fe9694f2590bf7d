// Private: the `quantization:` block of a recipe -> QuantConfig. Four forms:
//   {scheme: int4_weight_only, group_size: 128, packing_format: plain, ...}
//   {torchao_config: <config_to_dict map> | path/to/config.json}
//   {hf_config: path/to/config.json}
//   {repr: "QATConfig(base_config=Int4WeightOnlyConfig(...), step='prepare')"}   (torchao's printed repr)
// Each form also takes `step: prepare | convert | ptq` (default prepare, or the QATConfig's own step),
// `include_embeddings: bool`, `min_in_features: N` (QAT filter in_features >= N), `enabled: bool`
// (fake quantizers switched off) and `fake_quant_after_steps: N`. Relative paths resolve against `baseDir`.
#pragma once

#include <quantlens/quant_config.h>
#include <yaml-cpp/yaml.h>

#include <string>

namespace ql::recipe {

QuantConfig parseQuantizationYaml(const YAML::Node& node, const std::string& where, const std::string& baseDir);

}  // namespace ql::recipe
