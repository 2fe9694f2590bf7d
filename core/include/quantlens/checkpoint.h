// A HF checkpoint on disk: a directory with model.safetensors, or a sharded set with
// model.safetensors.index.json, or a single .safetensors file. Files are mmapped read-only once.
// Pickle checkpoints (*.bin, *.pt, *.pth) are never unpickled: a directory with only those is
// refused with a message that says how to convert it.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quantlens/result.h"
#include "quantlens/safetensors_file.h"
#include "quantlens/tensor_info.h"

namespace ql {

struct TensorView {
    const TensorInfo* info = nullptr;  // owned by the Checkpoint
    std::span<const std::byte> bytes;  // zero-copy, valid while the Checkpoint lives
    const SafetensorsFile* file = nullptr;
};

// Move-only: tensors() points into files(); moving keeps those addresses, copying would not.
class Checkpoint {
public:
    Checkpoint(Checkpoint&&) noexcept = default;
    Checkpoint& operator=(Checkpoint&&) noexcept = default;
    Checkpoint(const Checkpoint&) = delete;
    Checkpoint& operator=(const Checkpoint&) = delete;
    ~Checkpoint() = default;

    // `path` is a checkpoint directory or one .safetensors file. For an index, every weight_map
    // entry must name a file inside the directory (no "..", no absolute path, no symlink escape),
    // every shard must exist and hold the tensors listed for it; errors name the file and tensor.
    static Result<Checkpoint> open(const std::filesystem::path& path);

    // The directory (or the file's parent directory).
    const std::filesystem::path& directory() const { return m_directory; }
    bool isSharded() const { return m_sharded; }
    const std::vector<SafetensorsFile>& files() const { return m_files; }
    // Every tensor of every file, sorted by name.
    const std::vector<TensorView>& tensors() const { return m_tensors; }
    std::optional<TensorView> find(std::string_view name) const;
    // File name (relative to directory()) holding `view`.
    std::string fileNameOf(const TensorView& view) const;
    std::uint64_t totalBytes() const;

private:
    Checkpoint() = default;
    static Result<Checkpoint> openSingle(const std::filesystem::path& file);
    static Result<Checkpoint> openSharded(const std::filesystem::path& indexFile);
    static Result<Checkpoint> openDirectory(const std::filesystem::path& directory);
    // Fills m_tensors from m_files (sorted by name); fails on a name present in two files.
    Status indexTensors();

    std::filesystem::path m_directory;
    bool m_sharded = false;
    std::vector<SafetensorsFile> m_files;
    std::vector<std::string> m_fileNames;  // parallel to m_files
    std::vector<TensorView> m_tensors;
};

}  // namespace ql
