// Quantization coverage of one side (see coverage.h).
#include <quantlens/coverage.h>
#include <quantlens/model_forms.h>

#include <cctype>
#include <filesystem>

#include "io/name_regex.h"
#include "recipe/parse_failure.h"
#include "recipe/text_file.h"

namespace ql {

namespace {

namespace fs = std::filesystem;

struct ModuleRef {
    std::string name;
    std::string kind;  // embedding, linear, lm_head
    std::vector<std::int64_t> shape;
};

std::vector<ModuleRef> modelModules(const ModelConfig& config) {
    std::vector<ModuleRef> out;
    for (const auto& p : expectedParameters(config)) {
        if (p.shape.size() != 2 || !p.name.ends_with(".weight")) continue;
        const std::string module = p.name.substr(0, p.name.size() - 7);
        const std::string kind = module == "lm_head"                ? "lm_head"
                                 : module.ends_with("embed_tokens") ? "embedding"
                                                                    : "linear";
        out.push_back({module, kind, p.shape});
    }
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool fakeQuantStep(const QuantConfig& c) {
    return c.qatStep == QatStep::Prepare;
}

int effectiveGroup(const QuantConfig& c, TorchaoVersion version) {
    return fakeQuantStep(c) ? effectiveFakeQuant(c, version).weightGroupSize
                            : effectiveConvert(c, version).weightGroupSize;
}

std::string describe(const QuantConfig& c, TorchaoVersion version) {
    std::string text = std::string(quantDTypeName(c.weight.dtype)) + " " + lower(mappingTypeName(c.weight.mapping));
    const int group = effectiveGroup(c, version);
    text += group > 0 ? " g" + std::to_string(group) : " " + std::string(granularityName(c.weight.granularity));
    if (c.activation) text += " + " + std::string(quantDTypeName(c.activation->dtype)) + " activations";
    return text + (fakeQuantStep(c) ? ", fake quant" : ", converted");
}

// transformers' should_convert_module: a pattern skips a module when it matches from the start up to a
// module boundary (as a regex) or is a suffix of its name (quantizers/quantizers_utils.py).
bool hfSkips(const std::vector<std::string>& patterns, const std::string& module) {
    for (const auto& key : patterns) {
        if (module.ends_with(key)) return true;
        const auto re = detail::NameRegex::compile("(?:" + key + ")(?:(?<=\\.)|(?=\\.|$))");
        if (re.ok() && re->prefixMatch(module)) return true;
    }
    return false;
}

struct Decision {
    bool quantized = false;
    bool fails = false;
    std::string reasonId;
    std::string reason;
};

Decision floatBecause(std::string id, std::string reason) {
    return {false, false, std::move(id), std::move(reason)};
}

class CoverageBuilder {
public:
    CoverageBuilder(const ModelConfig& config, const Recipe& recipe, const CoverageContext& ctx)
        : m_config(config), m_recipe(recipe), m_ctx(ctx), m_q(recipe.quantization) {}

    std::vector<CoverageRow> build() {
        std::vector<CoverageRow> rows;
        for (const auto& m : modelModules(m_config)) {
            rows.push_back(m.kind == "embedding" ? embeddingRow(m) : linearRow(m));
            if (m.kind == "linear" && loraFakeQuantized(m.name)) addLoraRows(m, rows);
        }
        if (m_config.tieWordEmbeddings) markTied(rows);
        return rows;
    }

private:
    bool hfOrigin() const { return m_q.origin.starts_with("hf_config"); }
    bool quantizes() const { return m_q.scheme != QuantScheme::None && m_q.hasBaseConfig; }

    std::optional<ModuleFormOverride> overrideFor(const std::string& module, std::string* pattern) const {
        for (const auto& rule : m_recipe.moduleForms) {
            if (moduleFormFor({rule}, module)) {
                *pattern = rule.pattern;
                return rule.form;
            }
        }
        return std::nullopt;
    }

    std::optional<AdapterForm> loraFormOf(const std::string& module) const {
        if (!m_recipe.adapter || !m_ctx.adapter || !m_ctx.adapter->targets(module)) return std::nullopt;
        std::string pattern;
        switch (overrideFor(module, &pattern).value_or(ModuleFormOverride::Float)) {
            case ModuleFormOverride::Unmerged:
                return AdapterForm::Unmerged;
            case ModuleFormOverride::Merged:
                return AdapterForm::Merged;
            case ModuleFormOverride::QatAfterPeft:
                return AdapterForm::QatAfterPeft;
            case ModuleFormOverride::Float:
                break;
        }
        return m_recipe.adapter->form;
    }

    bool loraFakeQuantized(const std::string& module) const {
        return quantizes() && fakeQuantStep(m_q) && loraFormOf(module) == AdapterForm::QatAfterPeft;
    }

    // Why a Linear-like module (in_features k) that the config reaches stays float, or nothing.
    Decision linearDecision(const std::string& module, const std::string& kind, std::int64_t k) const {
        if (!quantizes()) return floatBecause("no_quantization", "no quantization in the recipe");
        std::string pattern;
        if (overrideFor(module, &pattern) == ModuleFormOverride::Float) {
            return floatBecause("module_forms", "module_forms: '" + pattern + "' -> float");
        }
        if (hfOrigin()) {
            if (auto d = hfDecision(module, kind)) return *d;
        } else if (hfSkips(m_q.modulesToNotConvert, module)) {
            return floatBecause("filter", "modules_to_not_convert skips it");
        }
        if (m_q.minInFeatures && k < *m_q.minInFeatures) {
            return floatBecause("filter", "filter in_features >= " + std::to_string(*m_q.minInFeatures) +
                                              " (min_in_features): in_features is " + std::to_string(k));
        }
        return groupAndSwitch(m_q, k);
    }

    std::optional<Decision> hfDecision(const std::string& module, const std::string& kind) const {
        if (m_q.modulesToNotConvertGiven) {
            if (hfSkips(m_q.modulesToNotConvert, module))
                return floatBecause("filter", "modules_to_not_convert skips it");
            return std::nullopt;
        }
        if (kind == "lm_head" && !m_q.includeEmbeddings) {
            if (m_config.tieWordEmbeddings) {
                return floatBecause("tied_to_embedding",
                                    "tied to model.embed_tokens: transformers' TorchAoConfig skips tied "
                                    "weights and the output embedding (include_input_output_embeddings false)");
            }
            return floatBecause("lm_head_excluded",
                                "transformers' TorchAoConfig skips the output embedding "
                                "(modules_to_not_convert null, include_input_output_embeddings false)");
        }
        return std::nullopt;
    }

    // K divisibility and the fake-quant switches, for a module the config reaches.
    Decision groupAndSwitch(const QuantConfig& c, std::int64_t k) const {
        const int group = effectiveGroup(c, m_recipe.torchaoVersion);
        if (group > 0 && k % group != 0) {
            const std::string what =
                "in_features " + std::to_string(k) + " is not divisible by group " + std::to_string(group);
            if (fakeQuantStep(c)) {
                return {false, true, "k_not_divisible",
                        what + ": torchao QAT prepare raises (intx) or the first forward does (int4)"};
            }
            return floatBecause("k_not_divisible", what + ": convert leaves it float");
        }
        if (fakeQuantStep(c) && !c.fakeQuantEnabled) {
            return floatBecause("fake_quant_disabled", "fake quantizers disabled (enabled: false)");
        }
        if (fakeQuantStep(c) && c.fakeQuantAfterSteps) {
            if (!m_ctx.globalStep) {
                return {true, false, "", ""};  // unknown step: assume training passed it (the config check says so)
            }
            if (*m_ctx.globalStep < *c.fakeQuantAfterSteps) {
                return floatBecause("fake_quant_disabled",
                                    "fake quant starts after step " + std::to_string(*c.fakeQuantAfterSteps) +
                                        "; the adapter is from step " + std::to_string(*m_ctx.globalStep));
            }
        }
        return {true, false, "", ""};
    }

    std::string linearForm(const std::string& module, bool quantized) const {
        const auto lora = loraFormOf(module);
        if (!quantized) return lora == AdapterForm::Merged ? "M" : "F";
        if (!fakeQuantStep(m_q)) return "Q";
        if (!lora) return "FQ";
        return *lora == AdapterForm::Merged ? "M" : *lora == AdapterForm::QatAfterPeft ? "T'" : "T";
    }

    CoverageRow row(const ModuleRef& m, const Decision& d, const std::string& form, const QuantConfig& c) const {
        CoverageRow r{m.name, m.kind, m.shape, form, "float", d.reasonId, d.reason, ""};
        if (d.quantized) r.quantization = describe(c, m_recipe.torchaoVersion);
        if (d.fails) r.quantization = "fails: " + describe(c, m_recipe.torchaoVersion);
        return r;
    }

    CoverageRow linearRow(const ModuleRef& m) const {
        const auto d = linearDecision(m.name, m.kind, m.shape[1]);
        return row(m, d, linearForm(m.name, d.quantized || d.fails), m_q);
    }

    void addLoraRows(const ModuleRef& m, std::vector<CoverageRow>& rows) const {
        const std::int64_t r = m_ctx.adapter->rankFor(m.name);
        const ModuleRef a{m.name + ".lora_A", "lora_A", {r, m.shape[1]}};
        const ModuleRef b{m.name + ".lora_B", "lora_B", {m.shape[0], r}};
        for (const auto& f : {a, b}) {
            const auto d = linearDecision(m.name, "linear", f.shape[1]);
            rows.push_back(row(f, d, d.quantized || d.fails ? "FQ" : "F", m_q));
        }
    }

    CoverageRow embeddingRow(const ModuleRef& m) const {
        std::string pattern;
        if (overrideFor(m.name, &pattern) == ModuleFormOverride::Float) {
            return row(m, floatBecause("module_forms", "module_forms: '" + pattern + "' -> float"), "F", m_q);
        }
        if (m_recipe.embeddingQuantization) {
            const auto& c = *m_recipe.embeddingQuantization;
            const auto d = groupAndSwitch(c, m.shape[1]);
            const bool q = d.quantized || d.fails;
            return row(m, d, q ? (fakeQuantStep(c) ? "FQ" : "Q") : "F", c);
        }
        if (hfOrigin() && quantizes() && m_q.includeEmbeddings) {
            const auto d = groupAndSwitch(m_q, m.shape[1]);
            return row(m, d, d.quantized || d.fails ? "Q" : "F", m_q);
        }
        const auto reason =
            quantizes() ? floatBecause("embedding_not_selected",
                                       "nn.Embedding is not selected: quantize_'s default filter takes nn.Linear "
                                       "only (embedding_quantization: selects it)")
                        : floatBecause("no_quantization", "no quantization in the recipe");
        return row(m, reason, "F", m_q);
    }

    static void markTied(std::vector<CoverageRow>& rows) {
        CoverageRow* embed = nullptr;
        CoverageRow* head = nullptr;
        for (auto& r : rows) {
            if (r.kind == "embedding") embed = &r;
            if (r.kind == "lm_head") head = &r;
        }
        if (embed == nullptr || head == nullptr) return;
        embed->tiedTo = head->module;
        head->tiedTo = embed->module;
        const bool headQuantized = head->quantization != "float";
        if (headQuantized && embed->quantization == "float" && embed->reasonId == "embedding_not_selected") {
            embed->reasonId = "tied_to_embedding";
            embed->reason =
                "tied to lm_head, which is quantized: the embedding lookup reads the same weight unquantized "
                "(nn.Embedding is not selected by quantize_'s default filter)";
        }
    }

    const ModelConfig& m_config;
    const Recipe& m_recipe;
    const CoverageContext& m_ctx;
    const QuantConfig& m_q;
};

Result<std::string> readFileText(const fs::path& path) {
    try {
        return recipe::readTextFileOrFail(path.string(), "adapter config");
    } catch (const recipe::ParseFailure& failure) {
        return failure.error;
    }
}

}  // namespace

std::vector<CoverageRow> moduleCoverage(const ModelConfig& config, const Recipe& recipe,
                                        const CoverageContext& context) {
    return CoverageBuilder(config, recipe, context).build();
}

Result<std::vector<CoverageRow>> loadModuleCoverage(const Recipe& recipe) {
    auto config = loadModelConfig(fs::path(recipe.modelDir) / "config.json");
    if (!config) return config.error();
    CoverageContext ctx;
    std::optional<LoraConfig> lora;
    if (recipe.adapter) {
        fs::path dir(recipe.adapter->path);
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
        const fs::path file = dir / "adapter_config.json";
        auto text = readFileText(file);
        if (!text) return text.error();
        auto parsed = parseLoraConfig(*text, file.string());
        if (!parsed) return parsed.error();
        lora = std::move(*parsed);
        ctx.adapter = &*lora;
        ctx.globalStep = recipe.adapter->globalStep;
    }
    return moduleCoverage(*config, recipe, ctx);
}

}  // namespace ql
