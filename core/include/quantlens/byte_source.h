// A read-only run of bytes: a memory-mapped file or an in-memory buffer (for tests).
// Readers take a ByteSource so that tests run on bytes and production code on mmapped files.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "quantlens/result.h"

namespace ql {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    // The whole content; valid for the lifetime of the source. Never written through.
    virtual std::span<const std::byte> bytes() const = 0;
    // What error messages call it: the file path, or the name given to a memory source.
    virtual const std::string& name() const = 0;
};

// Maps `path` read-only (O_RDONLY, PROT_READ, MAP_PRIVATE). An empty file gives an empty span.
// Errors: NotFound when missing, Io when it cannot be opened or mapped, InvalidInput for a directory.
Result<std::shared_ptr<const ByteSource>> openMappedFile(const std::filesystem::path& path);

// Wraps a buffer (copied into the source) under `name`.
std::shared_ptr<const ByteSource> makeMemorySource(std::vector<std::byte> bytes, std::string name);
std::shared_ptr<const ByteSource> makeMemorySource(std::string_view bytes, std::string name);

}  // namespace ql
