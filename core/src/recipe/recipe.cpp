// Recipe YAML -> Recipe (DESIGN.md "Recipe"). Unknown keys and values fail naming the field.
#include <quantlens/recipe.h>

#include <charconv>
#include <filesystem>

#include "recipe/quantization_yaml.h"
#include "recipe/text_file.h"
#include "recipe/yaml_fields.h"

namespace ql {

using namespace recipe;

namespace {

constexpr EnumName<AdapterForm> kForms[] = {
    {AdapterForm::Unmerged, "unmerged"}, {AdapterForm::Merged, "merged"}, {AdapterForm::QatAfterPeft, "qat_after_peft"}};
constexpr EnumName<DeviceNumerics> kDevices[] = {{DeviceNumerics::Cpu, "cpu"}, {DeviceNumerics::Cuda, "cuda"}};
constexpr EnumName<DType> kDTypes[] = {{DType::BF16, "bfloat16"}, {DType::F16, "float16"}, {DType::F32, "float32"}};

// Releases whose behaviour QuantLens models (torchao-quant.md §1).
constexpr TorchaoVersion kKnownVersions[] = {{0, 14}, {0, 15}, {0, 16}, {0, 17}, {0, 18}};

std::string resolve(const std::string& path, const std::string& baseDir) {
    std::filesystem::path p(path);
    return p.is_absolute() || baseDir.empty() ? p.string() : (std::filesystem::path(baseDir) / p).lexically_normal().string();
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
    for (const auto& known : kKnownVersions) {
        if (known == v) return v;
    }
    std::string list;
    for (const auto& known : kKnownVersions) list += (list.empty() ? "" : ", ") + torchaoVersionName(known);
    fail(ErrorCode::Unsupported, m.path("torchao_version") + ": unknown torchao version '" + text + "' (valid: " + list + ")");
}

AdapterSpec parseAdapter(const YAML::Node& node, const std::string& where, const std::string& baseDir) {
    YamlMap m(node, where);
    m.checkKeys({"path", "form"});
    AdapterSpec spec;
    spec.path = resolve(m.scalar("path"), baseDir);
    if (m.has("form")) spec.form = m.enumValue("form", std::span<const EnumName<AdapterForm>>(kForms));
    return spec;
}

Recipe parseRecipeNode(const YAML::Node& root, const std::string& source) {
    YamlMap m(root, source);
    m.checkKeys({"model", "adapter", "dtype", "device_numerics", "torchao_version", "quantization"});
    const auto parent = std::filesystem::path(source).parent_path().string();
    Recipe r;
    r.sourceFile = source;
    if (m.has("model")) r.modelDir = resolve(m.scalar("model"), parent);
    if (m.has("adapter") && !m.node("adapter").IsNull()) r.adapter = parseAdapter(m.node("adapter"), m.path("adapter"), parent);
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
    return r;
}

}  // namespace

Result<Recipe> parseRecipe(std::string_view yamlText, const std::string& sourceName) {
    try {
        const YAML::Node root = YAML::Load(std::string(yamlText));
        if (!root || root.IsNull()) {
            return makeError(ErrorCode::InvalidInput, sourceName + ": empty recipe");
        }
        return parseRecipeNode(root, sourceName);
    } catch (const ParseFailure& failure) {
        return failure.error;
    } catch (const YAML::Exception& e) {
        return makeError(ErrorCode::InvalidInput, sourceName + ": YAML error at line " + std::to_string(e.mark.line + 1) +
                                                      ": " + e.msg);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, sourceName + ": " + e.what());
    }
}

Result<Recipe> loadRecipe(const std::string& path) {
    try {
        return parseRecipe(readTextFileOrFail(path, "recipe"), path);
    } catch (const ParseFailure& failure) {
        return failure.error;
    }
}

std::string_view adapterFormName(AdapterForm form) { return enumName(std::span<const EnumName<AdapterForm>>(kForms), form); }
std::string_view deviceNumericsName(DeviceNumerics device) {
    return enumName(std::span<const EnumName<DeviceNumerics>>(kDevices), device);
}

}  // namespace ql
