#include "recipe/text_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "recipe/parse_failure.h"

namespace ql::recipe {

std::string readTextFileOrFail(const std::string& path, const std::string& what) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        fail(ErrorCode::NotFound, path + ": " + what + " not found");
    }
    if (std::filesystem::is_directory(path, ec)) {
        failInput(path + ": expected a " + what + " file, got a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fail(ErrorCode::Io, path + ": cannot open " + what + ": " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        fail(ErrorCode::Io, path + ": read error");
    }
    return text.str();
}

}  // namespace ql::recipe
