// Locating and reading the Python reference data (tests/reference/make_reference.py) from tests.
// The data lives in $QL_REFERENCE_DIR (environment, when set) else the compile-time QL_REFERENCE_DIR
// (ctest's `reference` fixture writes <builddir>/reference). Missing data is a test FAILURE, never a
// skip: every helper records a GoogleTest failure whose message says how to build the data, and
// returns nullopt so the caller can stop (ASSERT_TRUE(x.has_value())).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ql::test {

// The reference root: $QL_REFERENCE_DIR if set and non-empty, else the compile-time default.
std::filesystem::path referenceRoot();

// <root>/<module>/ when it exists (with its index.json when `requireIndex`); else a recorded
// failure naming the path and the make_reference.py command, and nullopt.
std::optional<std::filesystem::path> referenceModuleDir(std::string_view module, bool requireIndex = true);

// Parses a JSON file (strict JSON, as the reference writes it); a recorded failure and nullopt
// when it is missing or malformed.
std::optional<nlohmann::json> loadJsonFile(const std::filesystem::path& file);

// One entry of <module>/index.json: {"name", "kind", "path", "family", "base"?, "expected"}.
struct ReferenceCase {
    std::string name;
    std::string kind;
    std::string family;
    std::string base;                // "" when absent
    std::filesystem::path path;      // absolute: <module dir>/<path>
    std::filesystem::path expected;  // absolute: <module dir>/<expected>
};

// The cases of <module>/index.json of the given kind ("" = all); nullopt (with a recorded
// failure) when the index is missing or malformed, or when no case of that kind exists.
std::optional<std::vector<ReferenceCase>> referenceCases(std::string_view module, std::string_view kind = "");

// Counts field comparisons of one golden case and records each mismatch as a GoogleTest failure
// naming the case, the field, QuantLens' value and the reference's value. Doubles compare
// bit-exactly (NaN equals NaN; +0 and -0 differ) and print with 17 digits and in hex.
class FieldTally {
public:
    explicit FieldTally(std::string caseName) : m_case(std::move(caseName)) {}

    template <typename A, typename B>
    void equal(std::string_view field, const A& quantlens, const B& reference) {
        ++m_compared;
        if (!(quantlens == reference)) {
            fail(field, describe(quantlens), describe(reference));
        }
    }
    void exactDouble(std::string_view field, double quantlens, double reference);
    void fail(std::string_view field, const std::string& quantlens, const std::string& reference);

    int compared() const { return m_compared; }
    int mismatched() const { return m_mismatched; }
    const std::string& caseName() const { return m_case; }

    static std::string describe(const std::string& v) { return '"' + v + '"'; }
    static std::string describe(const char* v) { return describe(std::string(v)); }
    static std::string describe(bool v) { return v ? "true" : "false"; }
    static std::string describe(double v);
    template <typename T>
    static std::string describe(const T& v) {
        if constexpr (std::is_integral_v<T>) {
            return std::to_string(v);
        } else {
            std::string out = "[";
            for (const auto& e : v) {
                out += (out.size() > 1 ? ", " : "") + describe(e);
            }
            return out + "]";
        }
    }

private:
    std::string m_case;
    int m_compared = 0;
    int m_mismatched = 0;
};

// A number written by the reference: a JSON number, or "NaN"/"Infinity"/"-Infinity" strings
// (the reference writes strict JSON). Throws nlohmann::json::type_error for anything else.
double referenceNumber(const nlohmann::json& value);

}  // namespace ql::test
