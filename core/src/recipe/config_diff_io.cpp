// ConfigDiff -> JSON, and the layer-shape list reader of `quantlens diff-config --layers`.
#include <quantlens/config_diff.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ql {

std::string configDiffToJson(const ConfigDiff& diff) {
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& f : diff.fields) {
        fields.push_back({{"field", f.field}, {"train", f.train}, {"eval", f.eval},
                          {"verdict", diffClassName(f.verdict)}, {"explanation", f.explanation}});
    }
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : diff.findings) {
        findings.push_back({{"id", f.id}, {"side", f.side}, {"field", f.field},
                            {"severity", findingSeverityName(f.severity)}, {"changes_numerics", f.changesNumerics},
                            {"message", f.message}});
    }
    nlohmann::json doc{{"same_numerics", diff.sameNumerics}, {"fields", fields}, {"findings", findings}};
    return doc.dump(1);
}

Result<std::vector<LayerShape>> parseLayerShapes(std::string_view text, const std::string& sourceName) {
    std::vector<LayerShape> out;
    std::istringstream in{std::string(text)};
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        const auto hash = line.find('#');
        if (hash != std::string::npos) line.resize(hash);
        std::istringstream fields(line);
        std::string name, k, extra;
        if (!(fields >> name)) continue;
        LayerShape shape{name, 0};
        const bool ok = static_cast<bool>(fields >> k) && !(fields >> extra);
        const auto [end, ec] = std::from_chars(k.data(), k.data() + k.size(), shape.inFeatures);
        if (!ok || ec != std::errc() || end != k.data() + k.size() || shape.inFeatures <= 0) {
            return makeError(ErrorCode::InvalidInput, sourceName + ":" + std::to_string(lineNo) +
                                                          ": expected '<module name> <in_features>'");
        }
        out.push_back(std::move(shape));
    }
    return out;
}

}  // namespace ql
