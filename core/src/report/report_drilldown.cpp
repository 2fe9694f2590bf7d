#include "report/report_drilldown.h"

#include <array>
#include <cstdio>

#include "quantlens/verify_report.h"

namespace ql::drilldown {
namespace {
constexpr std::array<const char*, 4> kKeys{"group_error", "worst", "original_histogram", "quant_grid"};
}  // namespace

std::string sidecarPath(const std::string& reportPath) {
    constexpr std::string_view ext = ".json";
    const bool json = reportPath.size() > ext.size() && reportPath.ends_with(ext);
    return (json ? reportPath.substr(0, reportPath.size() - ext.size()) : reportPath) + ".drilldown.json";
}

Json split(Json& report) {
    Json entries = Json::array();
    if (report.contains("weights") && report["weights"].is_object()) {
        for (Json& module : report["weights"]["modules"]) {
            Json entry{{"module", module.value("module", std::string())}};
            for (const char* key : kKeys) {
                if (!module.contains(key)) continue;
                entry[key] = std::move(module[key]);
                module.erase(key);
            }
            entries.push_back(std::move(entry));
        }
    }
    return Json{{"schema_version", kReportSchemaVersion}, {"weights", std::move(entries)}};
}

std::string merge(Json& report, const Json& sidecar) {
    if (!sidecar.is_object() || !sidecar.contains("weights") || !sidecar["weights"].is_array()) {
        return "not a QuantLens drill-down file";
    }
    const Json& entries = sidecar["weights"];
    if (!report.contains("weights") || !report["weights"].is_object()) return "the report has no weight modules";
    Json& modules = report["weights"]["modules"];
    if (!modules.is_array() || modules.size() != entries.size()) return "it lists another set of modules";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].value("module", std::string()) != modules[i].value("module", std::string())) {
            return "it lists another set of modules";
        }
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        for (const char* key : kKeys) {
            if (entries[i].contains(key)) modules[i][key] = entries[i][key];
        }
    }
    return "";
}

std::string fnv1a64(std::string_view bytes) {
    std::uint64_t h = 14695981039346656037ull;
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
}

}  // namespace ql::drilldown
