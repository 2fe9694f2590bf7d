#include "verify/module_plan.h"

#include <map>
#include <memory>

#include "verify/side.h"

namespace ql::checks {
namespace {

bool quantized(const CoverageRow& row) {
    return row.quantization != "float";
}

const CoverageRow* find(const std::vector<CoverageRow>& rows, const std::string& module) {
    for (const auto& r : rows) {
        if (r.module == module) return &r;
    }
    return nullptr;
}

// The coverage's form of one Linear as the engine runs it. "Q" (a recipe at the convert step) keeps
// the side's form: the verify forward runs each side as its QAT model, the convert check deploys it.
LinearForm engineForm(const CoverageRow& row, LinearForm sideForm) {
    const auto form = linearFormFromName(row.form);
    if (!form || *form == LinearForm::Q) return sideForm;
    return *form;
}

Status planEmbedding(const Recipe& recipe, const CoverageRow& row, model::RunSpec& run) {
    if (!quantized(row)) return Ok{};
    const bool prepared = recipe.embeddingQuantization && row.form == "FQ";
    if (!prepared) {
        const char* key = recipe.embeddingQuantization ? "embedding_quantization with step: convert"
                                                       : "quantization.include_embeddings (a quantized nn.Embedding)";
        return makeError(ErrorCode::Unsupported, recipe.sourceFile + ": " + std::string(key) +
                                                     " is shown in the coverage table, but the verify engine runs a "
                                                     "fake-quantized embedding (QAT prepare) only");
    }
    auto spec = quant::toFakeQuantSpec(*recipe.embeddingQuantization, recipe.torchaoVersion,
                                       deviceSemantics(recipe.deviceNumerics));
    if (!spec) {
        return makeError(spec.error().code, recipe.sourceFile + ": embedding_quantization: " + spec.error().message);
    }
    run.embedding = spec->weight;
    return Ok{};
}

}  // namespace

Status planModules(const Recipe& recipe, const std::vector<CoverageRow>& rows, model::RunSpec& run) {
    auto modules = std::make_shared<std::map<std::string, model::ModuleRun>>();
    const bool hasSpec = run.form.quant.has_value();
    for (const CoverageRow& row : rows) {
        if (row.kind == "embedding") {
            if (auto s = planEmbedding(recipe, row, run); !s) return s;
            continue;
        }
        if (row.kind != "linear" && row.kind != "lm_head") continue;
        model::ModuleRun m;
        m.form = engineForm(row, run.form.form);
        m.quantize = hasSpec && quantized(row);
        const CoverageRow* a = find(rows, row.module + ".lora_A");
        const CoverageRow* b = find(rows, row.module + ".lora_B");
        m.quantizeLoraA = m.quantize && a != nullptr && quantized(*a);
        m.quantizeLoraB = m.quantize && b != nullptr && quantized(*b);
        (*modules)[row.module] = m;
    }
    run.modules = std::move(modules);
    return Ok{};
}

}  // namespace ql::checks
