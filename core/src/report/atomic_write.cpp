// writeFileAtomically: temp file in the target's directory, fsync-free write + rename (POSIX rename
// is atomic within one file system). A failure removes the temporary and leaves `path` untouched.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "quantlens/report_io.h"

namespace ql {

Status writeFileAtomically(const std::string& path, std::string_view content) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        return makeError(ErrorCode::Io, path + ": folder " + dir.string() + " does not exist");
    }
    const fs::path tmp = dir / ("." + target.filename().string() + ".tmp" + std::to_string(::getpid()));
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            return makeError(ErrorCode::Io, path + ": cannot create " + tmp.string() + ": " + std::strerror(errno));
        }
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out) {
            out.close();
            fs::remove(tmp, ec);
            return makeError(ErrorCode::Io, path + ": write failed");
        }
    }
    fs::rename(tmp, target, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove(tmp, ignored);
        return makeError(ErrorCode::Io, path + ": cannot rename the temporary file: " + ec.message());
    }
    return Ok{};
}

}  // namespace ql
