#include "quantlens/result.h"

namespace ql {

const char* errorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::InvalidInput:
            return "invalid input";
        case ErrorCode::NotFound:
            return "not found";
        case ErrorCode::Unsupported:
            return "unsupported";
        case ErrorCode::Io:
            return "i/o error";
        case ErrorCode::Cancelled:
            return "cancelled";
        case ErrorCode::Internal:
            return "internal error";
    }
    return "error";
}

}  // namespace ql
