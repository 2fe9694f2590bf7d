// The prompts file of `quantlens verify --prompts`: UTF-8 text, one prompt per line.
#pragma once

#include <quantlens/result.h>
#include <quantlens/verify_report.h>

#include <string>
#include <vector>

namespace ql::cli {

// Blank and whitespace-only lines are skipped, CRLF endings and a UTF-8 byte order mark dropped. A
// directory, a NUL byte (a binary file) or invalid UTF-8 is an error naming the file, line and column;
// a file without a prompt is an error too.
Result<std::vector<Prompt>> readPromptsFile(const std::string& path);

}  // namespace ql::cli
