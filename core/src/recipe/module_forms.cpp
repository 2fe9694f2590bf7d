// `module_forms:` rules and the lookup shared by coverage and the config check.
#include "recipe/module_forms.h"

#include "io/name_regex.h"
#include "recipe/yaml_fields.h"

namespace ql {

namespace {

constexpr recipe::EnumName<ModuleFormOverride> kOverrideForms[] = {
    {ModuleFormOverride::Float, "float"},
    {ModuleFormOverride::Unmerged, "unmerged"},
    {ModuleFormOverride::Merged, "merged"},
    {ModuleFormOverride::QatAfterPeft, "qat_after_peft"}};

constexpr std::size_t kMaxPatternLength = 256;

bool fullMatch(const std::string& pattern, std::string_view text) {
    const auto re = detail::NameRegex::compile(pattern);
    return re.ok() && re->fullMatch(text);
}

}  // namespace

std::string_view moduleFormOverrideName(ModuleFormOverride form) {
    return recipe::enumName(std::span<const recipe::EnumName<ModuleFormOverride>>(kOverrideForms), form);
}

std::optional<ModuleFormOverride> moduleFormFor(const std::vector<ModuleFormRule>& rules, std::string_view module) {
    for (const auto& rule : rules) {
        if (fullMatch(rule.pattern, module)) return rule.form;
    }
    return std::nullopt;
}

namespace recipe {

std::vector<ModuleFormRule> parseModuleForms(const YAML::Node& node, const std::string& where) {
    if (!node.IsSequence())
        failInput(where + ": expected a list of {match: REGEX, form: float|unmerged|merged|qat_after_peft}");
    std::vector<ModuleFormRule> rules;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const std::string item = where + "[" + std::to_string(i) + "]";
        YamlMap m(node[i], item);
        m.checkKeys({"match", "form"});
        ModuleFormRule rule;
        rule.pattern = m.scalar("match");
        if (rule.pattern.empty() || rule.pattern.size() > kMaxPatternLength) {
            failInput(m.path("match") + ": expected a regular expression of 1 to " + std::to_string(kMaxPatternLength) +
                      " characters");
        }
        if (auto compiled = detail::NameRegex::compile(rule.pattern); !compiled) {
            failInput(m.path("match") + ": '" + rule.pattern + "' is not a regular expression (" +
                      compiled.error().message + ")");
        }
        rule.form = m.enumValue("form", std::span<const EnumName<ModuleFormOverride>>(kOverrideForms));
        rules.push_back(std::move(rule));
    }
    return rules;
}

}  // namespace recipe
}  // namespace ql
