#include "export_target.h"

#include <quantlens/report_io.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#ifdef QL_HAVE_UI
#include <ui/export/report_exporter.h>
#endif

namespace ql::cli {

std::string lowerSuffix(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    if (!ext.empty()) ext.erase(0, 1);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

bool isPagesSuffix(const std::string& suffix) {
    return suffix == "pdf" || suffix == "png" || suffix == "html" || suffix == "htm";
}

Status checkExportTarget(const std::string& label, const std::string& path) {
    const std::string ext = lowerSuffix(path);
    const bool pages = isPagesSuffix(ext);
    if (ext != "md" && !pages) {
        return makeError(ErrorCode::InvalidInput, label + ": expected a .pdf, .png, .html or .md file name");
    }
#ifndef QL_HAVE_UI
    if (pages) {
        return makeError(ErrorCode::Unsupported,
                         label + ": this build has no report exporter (built with QL_BUILD_UI=OFF); .md works");
    }
#endif
    const auto folder = std::filesystem::absolute(path).parent_path();
    if (!std::filesystem::is_directory(folder)) {
        return makeError(ErrorCode::NotFound, label + ": the folder " + folder.string() + " does not exist");
    }
    return Ok{};
}

Status writeReportExport(const VerifyReport& report, const std::string& path) {
    if (lowerSuffix(path) == "md") return writeFileAtomically(path, reportToMarkdown(report));
#ifdef QL_HAVE_UI
    return ui::exportReport(report, path);
#else
    return makeError(ErrorCode::Unsupported, path + ": this build has no report exporter");
#endif
}

}  // namespace ql::cli
