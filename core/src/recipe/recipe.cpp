// Recipe YAML -> Recipe (the keys are listed in quantlens/recipe.h). Unknown keys and values fail naming the field.
#include <quantlens/quant_schemes.h>
#include <quantlens/recipe.h>
#include <quantlens/torchao_releases.h>

#include <charconv>
#include <filesystem>

#include "recipe/model_source.h"
#include "recipe/module_forms.h"
#include "recipe/quantization_yaml.h"
#include "recipe/text_file.h"
#include "recipe/yaml_fields.h"

namespace ql {

using namespace recipe;

namespace {

constexpr EnumName<AdapterForm> kForms[] = {{AdapterForm::Unmerged, "unmerged"},
                                            {AdapterForm::Merged, "merged"},
                                            {AdapterForm::QatAfterPeft, "qat_after_peft"}};
constexpr EnumName<DeviceNumerics> kDevices[] = {{DeviceNumerics::Cpu, "cpu"}, {DeviceNumerics::Cuda, "cuda"}};
constexpr EnumName<DType> kDTypes[] = {{DType::BF16, "bfloat16"}, {DType::F16, "float16"}, {DType::F32, "float32"}};

std::string resolve(const std::string& path, const std::string& baseDir) {
    std::filesystem::path p(path);
    return p.is_absolute() || baseDir.empty() ? p.string()
                                              : (std::filesystem::path(baseDir) / p).lexically_normal().string();
}

TorchaoVersion parseVersion(const YamlMap& m) {
    const auto text = m.scalar("torchao_version");
    TorchaoVersion v{-1, -1};
    const char* p = text.data();
    const char* end = text.data() + text.size();
    auto r1 = std::from_chars(p, end, v.major);
    if (r1.ec == std::errc() && r1.ptr != end && *r1.ptr == '.') {
        auto r2 = std::from_chars(r1.ptr + 1, end, v.minor);
        // A patch level ("0.14.1") is accepted and ignored.
        const bool tailOk = r2.ec == std::errc() && (r2.ptr == end || *r2.ptr == '.');
        if (!tailOk) v = {-1, -1};
    }
    if (isModelledTorchao(v)) return v;
    const std::string list = modelledTorchaoList();
    fail(ErrorCode::Unsupported,
         m.path("torchao_version") + ": unknown torchao version '" + text + "' (valid: " + list + ")");
}

AdapterSpec parseAdapter(const YAML::Node& node, const std::string& where, const std::string& baseDir) {
    YamlMap m(node, where);
    m.checkKeys({"path", "form", "checkpoint"});
    AdapterSpec spec;
    spec.requestedPath = m.scalar("path");
    spec.path = resolve(spec.requestedPath, baseDir);
    if (m.has("form")) spec.form = m.enumValue("form", std::span<const EnumName<AdapterForm>>(kForms));
    resolveAdapterFolder(spec, m.has("checkpoint") ? m.scalar("checkpoint") : std::string(), where);
    return spec;
}

// `embedding_quantization:`: the QAT config applied to nn.Embedding (FakeQuantizedEmbedding).
QuantConfig parseEmbeddingQuantization(const YAML::Node& node, const std::string& where, const std::string& baseDir) {
    QuantConfig c = parseQuantizationYaml(node, where, baseDir);
    if (!quantSchemeInfo(c.scheme).embeddingQat) {
        std::string takes;
        for (const QuantSchemeInfo& info : quantSchemes()) {
            if (info.embeddingQat) takes += (takes.empty() ? "" : " or ") + std::string(info.name);
        }
        fail(ErrorCode::Unsupported, where + ": scheme " + std::string(quantSchemeName(c.scheme)) +
                                         " on nn.Embedding is not supported (expected " + takes +
                                         ", the weight-only configs torchao's FakeQuantizedEmbedding takes)");
    }
    if (c.weight.granularity != Granularity::PerGroup && c.weight.granularity != Granularity::PerAxis) {
        failInput(where + ": expected per_group or per_axis weights");
    }
    return c;
}

Recipe parseRecipeNode(const YAML::Node& root, const std::string& source) {
    YamlMap m(root, source);
    m.checkKeys({"model", "revision", "adapter", "dtype", "device_numerics", "torchao_version", "quantization",
                 "embedding_quantization", "module_forms"});
    const auto parent = std::filesystem::path(source).parent_path().string();
    Recipe r;
    r.sourceFile = source;
    if (m.has("adapter") && !m.node("adapter").IsNull())
        r.adapter = parseAdapter(m.node("adapter"), m.path("adapter"), parent);
    const std::string revision = m.has("revision") ? m.scalar("revision") : std::string();
    if (m.has("model")) {
        resolveModel(r, m.scalar("model"), revision, parent, m.path("model"));
    } else if (!revision.empty()) {
        failInput(m.path("revision") + ": needs model: (a hub id)");
    } else if (r.adapter) {
        resolveModelFromAdapter(r, m.path("model"));
    }
    if (m.has("dtype")) r.dtype = m.enumValue("dtype", std::span<const EnumName<DType>>(kDTypes));
    if (m.has("device_numerics")) {
        r.deviceNumerics = m.enumValue("device_numerics", std::span<const EnumName<DeviceNumerics>>(kDevices));
    }
    if (m.has("torchao_version")) r.torchaoVersion = parseVersion(m);
    if (m.has("quantization") && !m.node("quantization").IsNull()) {
        r.quantization = parseQuantizationYaml(m.node("quantization"), m.path("quantization"), parent);
    } else {
        r.quantization.qatStep = QatStep::None;
    }
    if (m.has("embedding_quantization") && !m.node("embedding_quantization").IsNull()) {
        r.embeddingQuantization =
            parseEmbeddingQuantization(m.node("embedding_quantization"), m.path("embedding_quantization"), parent);
    }
    if (m.has("module_forms") && !m.node("module_forms").IsNull()) {
        r.moduleForms = parseModuleForms(m.node("module_forms"), m.path("module_forms"));
    }
    return r;
}

}  // namespace

Result<Recipe> parseRecipe(std::string_view yamlText, const std::string& sourceName) {
    try {
        const YAML::Node root = YAML::Load(std::string(yamlText));
        if (!root || root.IsNull()) {
            return makeError(ErrorCode::InvalidInput, sourceName + ": empty recipe");
        }
        recipe::checkNoDuplicateKeys(root, sourceName);
        Recipe recipe = parseRecipeNode(root, sourceName);
        recipe.yamlText = std::string(yamlText);
        return recipe;
    } catch (const ParseFailure& failure) {
        return oneLine(failure.error);
    } catch (const YAML::Exception& e) {
        return oneLine(makeError(ErrorCode::InvalidInput, sourceName + ": YAML error at line " +
                                                              std::to_string(e.mark.line + 1) + ": " + e.msg));
    } catch (const std::exception& e) {
        return oneLine(makeError(ErrorCode::Internal, sourceName + ": " + e.what()));
    }
}

Result<Recipe> loadRecipe(const std::string& path) {
    try {
        return parseRecipe(readTextFileOrFail(path, "recipe"), path);
    } catch (const ParseFailure& failure) {
        return oneLine(failure.error);
    }
}

std::string_view adapterFormName(AdapterForm form) {
    return enumName(std::span<const EnumName<AdapterForm>>(kForms), form);
}
std::string_view deviceNumericsName(DeviceNumerics device) {
    return enumName(std::span<const EnumName<DeviceNumerics>>(kDevices), device);
}

}  // namespace ql
