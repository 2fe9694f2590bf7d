// Private: the `module_forms:` list of a recipe -> ModuleFormRule (regex -> form), validated here so a
// bad regex or form is a one-line parse error naming the entry. Throws recipe::ParseFailure.
#pragma once

#include <quantlens/recipe.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace ql::recipe {

std::vector<ModuleFormRule> parseModuleForms(const YAML::Node& node, const std::string& where);

}  // namespace ql::recipe
