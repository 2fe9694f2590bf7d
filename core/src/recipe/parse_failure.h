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

}  // namespace ql::recipe
