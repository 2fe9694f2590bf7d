#include "prompts_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace ql::cli {
namespace {

// Length of the valid UTF-8 sequence at text[i], or 0 (overlong forms and surrogates are invalid).
std::size_t utf8Length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char c = byte(i);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
    }
    if (n == 2 && c < 0xC2) return 0;
    if (n == 3 && ((c == 0xE0 && byte(i + 1) < 0xA0) || (c == 0xED && byte(i + 1) >= 0xA0))) return 0;
    if (n == 4 && ((c == 0xF0 && byte(i + 1) < 0x90) || c > 0xF4 || (c == 0xF4 && byte(i + 1) >= 0x90))) return 0;
    return n;
}

// One prompt line: NUL bytes (a binary file) and invalid UTF-8 are errors naming the line and column.
Status checkPromptLine(std::string_view line, const std::string& path, int number) {
    for (std::size_t i = 0; i < line.size();) {
        const std::string where = path + ":" + std::to_string(number) + ":" + std::to_string(i + 1) + ": ";
        if (line[i] == '\0') {
            return makeError(
                ErrorCode::InvalidInput,
                where + "a NUL byte; the prompts file looks binary (expected UTF-8 text, one prompt per line)");
        }
        const std::size_t n = utf8Length(line, i);
        if (n == 0) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(line[i]));
            return makeError(ErrorCode::InvalidInput,
                             where + "not valid UTF-8 (byte " + hex + "); expected UTF-8 text, one prompt per line");
        }
        i += n;
    }
    return Ok{};
}

}  // namespace

Result<std::vector<Prompt>> readPromptsFile(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        return makeError(ErrorCode::InvalidInput,
                         path + ": is a directory (expected a prompts file, one prompt per line)");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, path + ": cannot open the prompts file");
    std::vector<Prompt> out;
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (auto s = checkPromptLine(line, path, number); !s) return s.error();
        if (line.find_first_not_of(" \t\f\v\r") != std::string::npos) out.push_back(Prompt{line, {}, {}});
    }
    if (out.empty()) return makeError(ErrorCode::InvalidInput, path + ": no prompts (one per line expected)");
    return out;
}

}  // namespace ql::cli
