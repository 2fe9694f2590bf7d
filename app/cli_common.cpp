#include "cli_common.h"

#include <iostream>
#include <string>

namespace ql::cli {

int reportError(const Error& error) {
    std::string line;  // one line whatever the message quotes
    for (const char c : error.message) line += c == '\n' ? ' ' : c == '\r' ? ' ' : c;
    std::cerr << "quantlens: " << line << '\n';
    return error.code == ErrorCode::Cancelled ? kExitPass : kExitBadInput;
}

}  // namespace ql::cli
