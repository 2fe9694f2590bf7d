// Reading and writing reports. Writes are atomic (temporary file + rename): never a partial file.
#pragma once

#include <quantlens/result.h>
#include <quantlens/verify_report.h>

#include <string>
#include <string_view>

namespace ql {

std::string reportToJson(const VerifyReport& report);                 // pretty, schema v1
Result<VerifyReport> reportFromJson(std::string_view json, const std::string& sourceName);
std::string reportToMarkdown(const VerifyReport& report);

Status writeReportJson(const VerifyReport& report, const std::string& path);
Result<VerifyReport> readReportJson(const std::string& path);

// Writes `content` to `path` via a temporary file in the same directory and a rename.
Status writeFileAtomically(const std::string& path, std::string_view content);

}  // namespace ql
