// Result<T>: the value-or-error type every public core function returns.
// Exceptions never cross the core boundary; callers test `ok()` and read `error()`.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace ql {

enum class ErrorCode {
    InvalidInput,  // the user's file, recipe or argument is malformed (CLI exit 2)
    NotFound,      // a named file, tensor or module does not exist (CLI exit 2)
    Unsupported,   // well-formed but outside what QuantLens supports (CLI exit 2)
    Io,            // the operating system refused a read or write (CLI exit 2)
    Cancelled,     // the progress callback asked to stop; a normal outcome
    Internal,      // a bug in QuantLens or an unexpected library error
};

// Human-readable name of an error code ("invalid input", ...).
const char* errorCodeName(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;  // one line; names the file, tensor or field and what was expected
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : m_state(std::move(error)) {}  // NOLINT: implicit by design

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(m_state); }
    T& value() & { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }

    const Error& error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

// Result<void> equivalent.
struct Ok {};
using Status = Result<Ok>;

inline Error makeError(ErrorCode code, std::string message) {
    return Error{code, std::move(message)};
}

}  // namespace ql
