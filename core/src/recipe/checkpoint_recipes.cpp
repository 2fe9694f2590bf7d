// The train/eval recipe pair built from a training checkpoint (see checkpoint_recipes.h).
#include <quantlens/checkpoint_recipes.h>
#include <quantlens/report_io.h>

#include <filesystem>
#include <fstream>

namespace ql {

namespace {

namespace fs = std::filesystem;

// A YAML double-quoted scalar.
std::string quoted(const std::string& text) {
    static const char* kHex = "0123456789abcdef";
    std::string out = "\"";
    for (const unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7F) {
            out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string absolute(const std::string& path) {
    std::error_code ec;
    const fs::path p = fs::absolute(path, ec);
    return ec ? path : p.lexically_normal().string();
}

// A model that exists as a folder is written absolute; anything else (a hub id) as given.
std::string modelText(const std::string& model) {
    std::error_code ec;
    return fs::exists(model, ec) ? absolute(model) : model;
}

std::string quantizationYaml(const CheckpointRecipeOptions& o) {
    if (!o.repr.empty()) return "quantization: {repr: " + quoted(o.repr) + "}\n";
    if (o.scheme == "none") return "";
    std::string q = "quantization: {scheme: " + quoted(o.scheme);
    if (o.groupSize) q += ", group_size: " + std::to_string(*o.groupSize);
    return q + "}\n";
}

// What the form means on that side, for the recipe's first line.
std::string formWhy(const std::string& form) {
    if (form == "unmerged") return "adapter unmerged on the QAT-prepared base, as training runs it";
    if (form == "merged")
        return "adapter merged with merge_and_unload, then quantized, as evaluation often rebuilds it";
    if (form == "qat_after_peft") return "QAT prepared after PEFT wrapping: the LoRA layers themselves fake-quantized";
    return "adapter form " + form;
}

// `checkpoint` is what the user asked for; `pinned` the checkpoint-N it resolved to (when known).
std::string recipeYaml(const CheckpointRecipeOptions& o, const char* side, const std::string& form,
                       const std::optional<CheckpointChoice>& pinned) {
    std::string y = std::string(kCheckpointRecipeHeader) + ": the " + side + " side (" + formWhy(form) + ").\n";
    if (!o.model.empty())
        y += "model: " + quoted(modelText(o.model)) + "\n";
    else
        y += "# model: from the adapter's adapter_config.json base_model_name_or_path\n";
    if (!o.revision.empty()) y += "revision: " + quoted(o.revision) + "\n";
    y += "adapter: {path: " + quoted(absolute(o.adapter));
    if (pinned)
        y += ", checkpoint: " + std::to_string(pinned->step);
    else if (!o.checkpoint.empty())
        y += ", checkpoint: " + quoted(o.checkpoint);
    y += ", form: " + form + "}\n";
    if (pinned && pinned->rule.rfind("checkpoint: ", 0) != 0) {
        y += "# checkpoint " + std::to_string(pinned->step) + " pinned: " + pinned->rule +
             " when these recipes were built\n";
    }
    y += "dtype: " + quoted(o.dtype) + "\ndevice_numerics: " + quoted(o.deviceNumerics) +
         "\ntorchao_version: " + quoted(o.torchaoVersion) + "\n";
    return y + quantizationYaml(o);
}

Status refuseForeignFile(const fs::path& file) {
    std::error_code ec;
    if (!fs::exists(file, ec)) return Ok{};
    std::ifstream in(file);
    std::string first;
    std::getline(in, first);
    if (first.rfind(kCheckpointRecipeHeader, 0) == 0) return Ok{};
    return makeError(ErrorCode::InvalidInput, file.string() +
                                                  ": exists and was not written by QuantLens; choose another "
                                                  "--save-recipes folder (nothing was written)");
}

}  // namespace

namespace {

Result<CheckpointRecipes> parsePair(std::string trainYaml, std::string evalYaml, const std::string& trainName,
                                    const std::string& evalName) {
    CheckpointRecipes out;
    out.trainYaml = std::move(trainYaml);
    out.evalYaml = std::move(evalYaml);
    auto train = parseRecipe(out.trainYaml, trainName);
    if (!train) return train.error();
    auto eval = parseRecipe(out.evalYaml, evalName);
    if (!eval) return eval.error();
    out.train = std::move(*train);
    out.eval = std::move(*eval);
    return out;
}

}  // namespace

Result<CheckpointRecipes> buildCheckpointRecipes(const CheckpointRecipeOptions& o, const std::string& trainName,
                                                 const std::string& evalName) {
    if (o.adapter.empty())
        return makeError(ErrorCode::InvalidInput, "--adapter: expected an adapter or Trainer output folder");
    auto asked = parsePair(recipeYaml(o, "train", o.trainForm, std::nullopt),
                           recipeYaml(o, "eval", o.evalForm, std::nullopt), trainName, evalName);
    if (!asked || !asked->train.adapter || !asked->train.adapter->checkpoint) return asked;
    // Pin the resolved checkpoint-N, then parse the pinned texts: they are what is printed, saved and run.
    const auto pinned = asked->train.adapter->checkpoint;
    return parsePair(recipeYaml(o, "train", o.trainForm, pinned), recipeYaml(o, "eval", o.evalForm, pinned), trainName,
                     evalName);
}

Status saveCheckpointRecipes(const CheckpointRecipes& recipes, const std::string& folder) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) return makeError(ErrorCode::Io, folder + ": cannot create the folder (" + ec.message() + ")");
    const fs::path train = fs::path(folder) / "train.yaml";
    const fs::path eval = fs::path(folder) / "eval.yaml";
    for (const auto& file : {train, eval}) {
        if (auto s = refuseForeignFile(file); !s) return s;
    }
    if (auto s = writeFileAtomically(train.string(), recipes.trainYaml); !s) return s;
    return writeFileAtomically(eval.string(), recipes.evalYaml);
}

}  // namespace ql
