#include "cli_common.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>

namespace ql::cli {

int reportError(const Error& error) {
    std::string line;  // one line whatever the message quotes
    for (const char c : error.message) line += c == '\n' ? ' ' : c == '\r' ? ' ' : c;
    std::cerr << "quantlens: " << line << '\n';
    return error.code == ErrorCode::Cancelled ? kExitPass : kExitBadInput;
}

bool guiHasDisplay() {
#if defined(__linux__)
    const auto set = [](const char* name) {
        const char* v = std::getenv(name);
        return v != nullptr && *v != '\0';
    };
    const char* platformEnv = std::getenv("QT_QPA_PLATFORM");
    const std::string platform = platformEnv ? platformEnv : "";
    if (platform.empty()) return set("DISPLAY") || set("WAYLAND_DISPLAY");
    // "xcb", "wayland;xcb", ...: each listed plugin is tried in turn; others (offscreen, vnc, eglfs) need no display.
    bool needsOne = true;
    for (std::size_t start = 0; start <= platform.size();) {
        const std::size_t end = std::min(platform.find(';', start), platform.size());
        const std::string name = platform.substr(start, end - start);
        if (name.rfind("xcb", 0) == 0) {
            if (set("DISPLAY")) return true;
        } else if (name.rfind("wayland", 0) == 0) {
            if (set("WAYLAND_DISPLAY")) return true;
        } else if (!name.empty()) {
            needsOne = false;
        }
        start = end + 1;
    }
    return !needsOne;
#else
    return true;
#endif
}

}  // namespace ql::cli
