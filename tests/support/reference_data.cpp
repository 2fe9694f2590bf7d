#include "support/reference_data.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

namespace ql::test {

namespace {

std::string howToBuild(std::string_view module) {
    std::ostringstream s;
    s << "run: ~/.cache/quantlens/venv/bin/python " << QL_SOURCE_DIR << "/tests/reference/make_reference.py --out "
      << referenceRoot().string() << " --only " << module
      << "  (or `ctest -L golden`, whose reference_data fixture does it; QL_REFERENCE_DIR overrides the place)";
    return s.str();
}

}  // namespace

std::filesystem::path referenceRoot() {
    const char* env = std::getenv("QL_REFERENCE_DIR");
    if (env != nullptr && *env != '\0') {
        return std::filesystem::path(env);
    }
    return std::filesystem::path(QL_REFERENCE_DIR);
}

std::optional<std::filesystem::path> referenceModuleDir(std::string_view module, bool requireIndex) {
    const auto dir = referenceRoot() / std::string(module);
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        ADD_FAILURE() << "reference data missing: " << dir.string() << " is not a directory; " << howToBuild(module);
        return std::nullopt;
    }
    if (requireIndex && !std::filesystem::is_regular_file(dir / "index.json", ec)) {
        ADD_FAILURE() << "reference data incomplete: " << (dir / "index.json").string() << " missing; "
                      << howToBuild(module);
        return std::nullopt;
    }
    return dir;
}

std::optional<nlohmann::json> loadJsonFile(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        ADD_FAILURE() << "reference file missing or unreadable: " << file.string()
                      << "; re-run tests/reference/make_reference.py";
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) {
        ADD_FAILURE() << "reference file is not valid JSON: " << file.string();
        return std::nullopt;
    }
    return json;
}

std::optional<std::vector<ReferenceCase>> referenceCases(std::string_view module, std::string_view kind) {
    const auto dir = referenceModuleDir(module);
    if (!dir) {
        return std::nullopt;
    }
    const auto index = loadJsonFile(*dir / "index.json");
    if (!index) {
        return std::nullopt;
    }
    std::vector<ReferenceCase> cases;
    try {
        for (const auto& c : index->at("cases")) {
            if (!kind.empty() && c.at("kind").get<std::string>() != kind) {
                continue;
            }
            cases.push_back({c.at("name").get<std::string>(), c.at("kind").get<std::string>(),
                             c.value("family", std::string()), c.value("base", std::string()),
                             *dir / c.at("path").get<std::string>(), *dir / c.at("expected").get<std::string>()});
        }
    } catch (const nlohmann::json::exception& e) {
        ADD_FAILURE() << "malformed " << (*dir / "index.json").string() << ": " << e.what();
        return std::nullopt;
    }
    if (cases.empty()) {
        ADD_FAILURE() << (*dir / "index.json").string() << " lists no case of kind '" << kind << "'; "
                      << howToBuild(module);
        return std::nullopt;
    }
    return cases;
}

void FieldTally::exactDouble(std::string_view field, double quantlens, double reference) {
    ++m_compared;
    const bool same = std::bit_cast<std::uint64_t>(quantlens) == std::bit_cast<std::uint64_t>(reference) ||
                      (quantlens != quantlens && reference != reference);
    if (!same) {
        fail(field, describe(quantlens), describe(reference));
    }
}

void FieldTally::fail(std::string_view field, const std::string& quantlens, const std::string& reference) {
    ++m_mismatched;
    ADD_FAILURE() << m_case << ": " << field << ": QuantLens " << quantlens << ", reference " << reference;
}

std::string FieldTally::describe(double v) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.17g (%a)", v, v);
    return buf;
}

double referenceNumber(const nlohmann::json& value) {
    if (value.is_string()) {
        const auto& s = value.get_ref<const std::string&>();
        if (s == "NaN") {
            return std::numeric_limits<double>::quiet_NaN();
        }
        if (s == "Infinity") {
            return std::numeric_limits<double>::infinity();
        }
        if (s == "-Infinity") {
            return -std::numeric_limits<double>::infinity();
        }
    }
    return value.get<double>();
}

}  // namespace ql::test
