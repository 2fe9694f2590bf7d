#include "quantlens/fixed_eval_recipe.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>

#include "quantlens/report_io.h"

namespace ql {
namespace {

namespace fs = std::filesystem;

// Keys whose value says how a side computes; everything else of the recipe names what it computes on.
constexpr const char* kNumericsKeys[] = {"dtype",        "device_numerics",        "torchao_version",
                                         "quantization", "embedding_quantization", "module_forms"};
// Keys of a quantization block that hold a path (resolved against the recipe's folder).
constexpr const char* kPathKeys[] = {"torchao_config", "hf_config"};

fs::path folderOf(const Recipe& r) {
    const fs::path source(r.sourceFile);
    return source.has_parent_path() ? fs::absolute(source.parent_path()) : fs::current_path();
}

// A quantization block with its file paths made absolute against `folder`.
YAML::Node absolutePaths(const YAML::Node& block, const fs::path& folder) {
    YAML::Node out = YAML::Clone(block);
    if (!out.IsMap()) return out;
    for (const char* key : kPathKeys) {
        if (out[key] && out[key].IsScalar()) {
            const fs::path p(out[key].as<std::string>());
            if (p.is_relative()) out[key] = (folder / p).lexically_normal().string();
        }
    }
    return out;
}

YAML::Node modelNode(const Recipe& eval) {
    if (!eval.modelSource.hubRepoId.empty()) return YAML::Node(eval.modelSource.hubRepoId);
    return YAML::Node(fs::absolute(eval.modelDir).lexically_normal().string());
}

YAML::Node adapterNode(const Recipe& train, const Recipe& eval) {
    YAML::Node a(YAML::NodeType::Map);
    a["path"] = fs::absolute(eval.adapter->path).lexically_normal().string();  // the checkpoint it resolved
    a["form"] = std::string(adapterFormName(train.adapter ? train.adapter->form : eval.adapter->form));
    return a;
}

}  // namespace

Result<FixedEvalRecipe> fixedEvalRecipe(const Recipe& train, const Recipe& eval,
                                        const std::vector<std::string>& changedFields) {
    try {
        const YAML::Node trainRoot = YAML::Load(train.yamlText);
        YAML::Node out(YAML::NodeType::Map);
        out["model"] = modelNode(eval);
        if (!eval.modelSource.hubRepoId.empty() && !eval.modelSource.hubCommit.empty()) {
            out["revision"] = eval.modelSource.hubCommit;  // pinned: the snapshot this run read
        }
        if (eval.adapter) out["adapter"] = adapterNode(train, eval);
        for (const char* key : kNumericsKeys) {
            if (!trainRoot.IsMap() || !trainRoot[key]) continue;
            const bool quantization = std::string(key).find("quantization") != std::string::npos;
            out[key] = quantization ? absolutePaths(trainRoot[key], folderOf(train)) : YAML::Clone(trainRoot[key]);
        }
        YAML::Emitter emitter;
        emitter << out;
        FixedEvalRecipe r;
        r.changed = changedFields;
        r.yaml = std::string(kFixedEvalHeader) + ": " + eval.sourceFile + " with the numerics of " + train.sourceFile +
                 ".\n# Each difference the config check found to change numerics is set to train's value:\n";
        for (const std::string& c : changedFields) r.yaml += "#   " + c + "\n";
        r.yaml += emitter.c_str();
        r.yaml += "\n";
        auto parsed = parseRecipe(r.yaml, eval.sourceFile + " (fixed)");
        if (!parsed) {
            return makeError(parsed.error().code, "the fixed eval recipe does not parse: " + parsed.error().message);
        }
        return r;
    } catch (const YAML::Exception& e) {
        return makeError(ErrorCode::InvalidInput, "fixed eval recipe: " + std::string(e.what()));
    }
}

Status writeFixedEvalRecipe(const FixedEvalRecipe& recipe, const std::string& path) {
    std::error_code ec;
    if (fs::exists(path, ec)) {
        std::ifstream in(path);
        std::string first;
        std::getline(in, first);
        if (first.rfind(kFixedEvalHeader, 0) != 0) {
            return makeError(ErrorCode::InvalidInput, path +
                                                          ": exists and was not written by QuantLens; choose "
                                                          "another --write-fixed-eval file (nothing was written)");
        }
    }
    return writeFileAtomically(path, recipe.yaml);
}

}  // namespace ql
