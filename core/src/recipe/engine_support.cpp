// Which recipe keys the verify engine runs. The keys below are parsed, compared by the config check
// and shown in each side's coverage table, but the forward pass does not apply them yet; verifying
// with them would compare forms other than the recipe describes, so verify refuses them by name.
#include <quantlens/recipe.h>

namespace ql {

Status verifyEngineSupports(const Recipe& r) {
    std::string key;
    if (r.embeddingQuantization) key = "embedding_quantization";
    else if (!r.moduleForms.empty()) key = "module_forms";
    else if (r.quantization.minInFeatures) key = "quantization.min_in_features";
    else if (!r.quantization.fakeQuantEnabled) key = "quantization.enabled: false";
    else if (r.quantization.fakeQuantAfterSteps) key = "quantization.fake_quant_after_steps";
    if (key.empty()) return Ok{};
    return makeError(ErrorCode::Unsupported, r.sourceFile + ": " + key +
                                                 " is read by the config check and the coverage table (quantlens diff-config), "
                                                 "but the verify engine does not run it yet");
}

}  // namespace ql
