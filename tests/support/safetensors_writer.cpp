#include "support/safetensors_writer.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <stdexcept>

#include "io/safetensors_writer.h"
#include "quantlens/dtype.h"

namespace ql::test {
namespace {

std::uint64_t bitsPerElement(const std::string& dtype) {
    const auto parsed = dtypeFromName(dtype);
    return parsed ? static_cast<std::uint64_t>(dtypeBits(*parsed)) : 8;
}

}  // namespace

std::vector<std::byte> patternBytes(const TensorSpec& spec) {
    std::uint64_t numel = 1;
    for (const auto d : spec.shape) {
        numel *= static_cast<std::uint64_t>(d);
    }
    const std::uint64_t size = numel * bitsPerElement(spec.dtype) / 8;
    const auto seed = static_cast<unsigned>(std::hash<std::string>{}(spec.name) & 0xFF);
    std::vector<std::byte> out(size);
    for (std::uint64_t i = 0; i < size; ++i) {
        out[i] = static_cast<std::byte>((i * 31 + seed) & 0xFF);
    }
    return out;
}

std::string buildSafetensors(const std::vector<TensorSpec>& tensors, const WriterOptions& options) {
    std::vector<io::TensorLayout> layout;
    std::string data;
    for (const TensorSpec& spec : tensors) {
        const std::vector<std::byte> bytes = spec.data ? *spec.data : patternBytes(spec);
        data.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        layout.push_back({spec.name, spec.dtype, spec.shape, bytes.size()});
    }
    nlohmann::ordered_json header = io::safetensorsHeader(layout, options.metadata);
    if (options.editHeader) {
        options.editHeader(header);
    }
    std::string text = options.rawHeader ? *options.rawHeader : header.dump();
    if (options.padHeader) {
        text = io::padToEight(std::move(text));
    }
    text.append(options.extraPadding, ' ');
    std::string out =
        io::headerLengthPrefix(options.headerLength.value_or(text.size())) + text + data + options.trailing;
    out.resize(out.size() - std::min(options.truncateBy, out.size()));
    return out;
}

void writeBytes(const std::filesystem::path& path, const std::string& bytes) {
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path());
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    std::random_device random;
    m_path =
        std::filesystem::temp_directory_path() / ("ql-test-" + std::to_string(::getpid()) + "-" +
                                                  std::to_string(counter++) + "-" + std::to_string(random() % 1000000));
    std::filesystem::create_directories(m_path);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

}  // namespace ql::test
