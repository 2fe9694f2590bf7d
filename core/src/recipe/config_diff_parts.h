// Private pieces of the config diff: the effective-numerics signature of one side, the table of
// compared fields (each with a getter and a "take the other side's value" setter), and the pitfalls.
#pragma once

#include <quantlens/config_diff.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace ql::recipe {

using Signature = std::vector<std::pair<std::string, std::string>>;

// What one side really computes ("effective.*" rows), given its step, release and device.
Signature effectiveSignature(const Recipe& recipe);

struct FieldSpec {
    std::string name;
    std::function<std::string(const Recipe&)> get;
    std::function<void(Recipe&, const Recipe&)> take;  // copy this field from the second argument
    std::string noEffectReason;                         // explanation when it provably does not matter
};

const std::vector<FieldSpec>& declaredFields();

// Pitfalls of one side (`side` = "train"/"eval") and of the pair.
void sidePitfalls(const Recipe& recipe, const std::string& side, const std::vector<LayerShape>& layers,
                  std::vector<ConfigFinding>& out);
void pairPitfalls(const Recipe& train, const Recipe& eval, std::vector<ConfigFinding>& out);
// The two sides' module coverage compared (only when both models' config.json exist).
void coveragePitfalls(const Recipe& train, const Recipe& eval, std::vector<ConfigFinding>& out);

}  // namespace ql::recipe
