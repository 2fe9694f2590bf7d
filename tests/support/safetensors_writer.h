// Test support: builds safetensors bytes from tensor specs, with knobs that corrupt them. The
// well-formed layout is core's writer (core/src/io/safetensors_writer.h); the knobs bend it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ql::test {

struct TensorSpec {
    std::string name;
    std::string dtype;  // safetensors spelling, written as is (unknown strings allowed)
    std::vector<std::int64_t> shape;
    // Raw bytes; nullopt = a deterministic pattern of numel × bits / 8 bytes (see patternBytes).
    std::optional<std::vector<std::byte>> data;
};

struct WriterOptions {
    std::map<std::string, std::string> metadata;              // written as __metadata__ when not empty
    bool padHeader = true;                                    // pad the JSON with spaces to a multiple of 8
    std::size_t extraPadding = 0;                             // extra spaces after the JSON (shifts alignment)
    std::optional<std::uint64_t> headerLength;                // overrides N in the first 8 bytes
    std::optional<std::string> rawHeader;                     // replaces the JSON text entirely
    std::function<void(nlohmann::ordered_json&)> editHeader;  // mutates the JSON before writing
    std::string trailing;                                     // bytes appended after the data buffer
    std::size_t truncateBy = 0;                               // drops this many bytes from the end
};

// numel × bits / 8 bytes of a fixed pattern (byte i = (i * 31 + seed) mod 256); seed from the name.
std::vector<std::byte> patternBytes(const TensorSpec& spec);

// The bytes of a safetensors file holding `tensors` in the given order.
std::string buildSafetensors(const std::vector<TensorSpec>& tensors, const WriterOptions& options = {});

// Writes `bytes` to `path` (creating parent directories).
void writeBytes(const std::filesystem::path& path, const std::string& bytes);

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

}  // namespace ql::test
