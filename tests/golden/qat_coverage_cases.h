// Shared by the qat_coverage golden tests: a case of tests/reference/ql_ref/qat_coverage.py's index.json
// as the QuantLens recipe that describes the same run.
#pragma once

#include <gtest/gtest.h>
#include <quantlens/recipe.h>

#include <filesystem>
#include <string>

#include "support/reference_data.h"

namespace ql::golden {

// The case's recipe dict (`recipe` or `merged_recipe`) as YAML (JSON is YAML flow syntax), with absolute
// model/adapter paths; CPU rounding, as the reference ran.
inline std::string qatCoverageRecipeYaml(const std::filesystem::path& dir, const nlohmann::json& kase,
                                         const nlohmann::json& recipe) {
    using nlohmann::json;
    std::string yaml = "model: " + json((dir / kase.at("model").get<std::string>()).string()).dump() + "\n";
    yaml += "device_numerics: cpu\n";
    if (kase.contains("adapter")) {
        json adapter = recipe.value("adapter", json::object());
        adapter["path"] = (dir / kase.at("adapter").get<std::string>()).string();
        yaml += "adapter: " + adapter.dump() + "\n";
    }
    for (const char* key : {"quantization", "embedding_quantization", "module_forms"}) {
        if (recipe.contains(key)) yaml += std::string(key) + ": " + recipe.at(key).dump() + "\n";
    }
    return yaml;
}

// The same, parsed (a parse failure is a test failure and gives an empty recipe).
inline Recipe qatCoverageRecipe(const std::filesystem::path& dir, const nlohmann::json& kase,
                                const nlohmann::json& recipe) {
    auto parsed = parseRecipe(qatCoverageRecipeYaml(dir, kase, recipe), (dir / "recipe.yaml").string());
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    return parsed.ok() ? *parsed : Recipe{};
}

}  // namespace ql::golden
