// Private: the exception used *inside* the recipe parsers to unwind to the public entry point,
// which converts it to ql::Error. Never escapes core/src/recipe.
#pragma once

#include <quantlens/result.h>

#include <string>

namespace ql::recipe {

struct ParseFailure {
    Error error;
};

[[noreturn]] inline void fail(ErrorCode code, std::string message) {
    throw ParseFailure{makeError(code, std::move(message))};
}

[[noreturn]] inline void failInput(std::string message) {
    fail(ErrorCode::InvalidInput, std::move(message));
}

// `error` with control characters written as \n, \r, \t or \xNN: messages quote the user's text
// (and yaml-cpp's own messages can end in a raw character), yet an error is always one line.
inline Error oneLine(Error error) {
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (const unsigned char c : error.message) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7F)
            out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
        else
            out += static_cast<char>(c);
    }
    error.message = std::move(out);
    return error;
}

}  // namespace ql::recipe
