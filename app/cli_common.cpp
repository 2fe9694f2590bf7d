#include "cli_common.h"

#include <iostream>

namespace ql::cli {

int reportError(const Error& error) {
    std::cerr << "quantlens: " << error.message << '\n';
    return error.code == ErrorCode::Cancelled ? kExitPass : kExitBadInput;
}

}  // namespace ql::cli
