// Private: what the config diff compares for each side. The effective-numerics signature of one side
// (the "effective.*" rows) and the table of declared fields, each with a getter and a "take the other
// side's value" setter (config_fields.cpp).
#pragma once

#include <quantlens/recipe.h>

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
    std::string noEffectReason;                        // explanation when it provably does not matter
};

const std::vector<FieldSpec>& declaredFields();

}  // namespace ql::recipe
