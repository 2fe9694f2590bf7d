// One .safetensors file: parsed, fully validated header and zero-copy views of tensor data.
// Validation follows the reference implementation (safetensors/src/tensor.rs
// SafeTensors::read_metadata, Metadata::validate): header size limit, UTF-8, JSON shape, known
// dtypes, contiguous non-overlapping offsets from 0, byte count = numel × bits / 8, data buffer
// exactly covered; plus duplicate keys rejected.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quantlens/byte_source.h"
#include "quantlens/result.h"
#include "quantlens/tensor_info.h"

namespace ql {

class SafetensorsFile {
public:
    static constexpr std::uint64_t kMaxHeaderSize = 100'000'000;

    // Parses and validates; errors are InvalidInput and name the source and the tensor/field.
    static Result<SafetensorsFile> open(std::shared_ptr<const ByteSource> source);
    // openMappedFile + open.
    static Result<SafetensorsFile> openFile(const std::filesystem::path& path);

    // Tensors in data-offset order.
    const std::vector<TensorInfo>& tensors() const { return m_tensors; }
    // nullptr when absent.
    const TensorInfo* find(std::string_view name) const;
    // Zero-copy view of a tensor's bytes (not aligned: copy or use unaligned loads).
    // Valid while this object (or a copy of it) lives.
    std::span<const std::byte> data(const TensorInfo& tensor) const;
    // The __metadata__ string map (empty when absent).
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }
    const std::string& sourceName() const { return m_source->name(); }
    std::uint64_t headerSize() const { return m_headerSize; }

private:
    std::shared_ptr<const ByteSource> m_source;
    std::uint64_t m_headerSize = 0;
    std::vector<TensorInfo> m_tensors;
    std::map<std::string, std::size_t, std::less<>> m_index;
    std::map<std::string, std::string> m_metadata;
};

}  // namespace ql
