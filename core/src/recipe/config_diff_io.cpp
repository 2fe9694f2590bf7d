// The layer-shape list reader of `quantlens diff-config --layers` (the diff's JSON: report_json.cpp).
#include <quantlens/config_diff.h>

#include <charconv>
#include <sstream>

namespace ql {

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
            return makeError(ErrorCode::InvalidInput,
                             sourceName + ":" + std::to_string(lineNo) + ": expected '<module name> <in_features>'");
        }
        out.push_back(std::move(shape));
    }
    return out;
}

}  // namespace ql
