// Checkpoint discovery: single file, sharded index, or a directory holding one of those.
// Pickle files are recognised only to refuse them with a conversion hint; they are never read.
#include "quantlens/checkpoint.h"

#include <algorithm>
#include <map>
#include <system_error>

#include "safetensors_json.h"
#include "sharded_index.h"

namespace ql {
namespace {

namespace fs = std::filesystem;
using detail::quoteName;

bool endsWith(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool isPickleName(const std::string& name) {
    for (const char* ext : {".bin", ".pt", ".pth", ".ckpt", ".pkl", ".bin.index.json"}) {
        if (endsWith(name, ext)) {
            return true;
        }
    }
    return false;
}

Error pickleError(const fs::path& where, const std::string& names) {
    const std::string dir = where.string();
    return makeError(ErrorCode::Unsupported,
                     dir + ": only pickle checkpoint files (" + names +
                         "): expected safetensors, got pickle, which QuantLens never unpickles (loading a pickle "
                         "runs arbitrary code); convert it first, e.g. python -c \"from transformers import "
                         "AutoModelForCausalLM as M; M.from_pretrained('" +
                         dir + "').save_pretrained('OUT', safe_serialization=True)\"");
}

struct DirectoryListing {
    std::vector<std::string> safetensors;  // *.safetensors
    std::vector<std::string> indexes;      // *.safetensors.index.json
    std::vector<std::string> pickles;
    std::vector<std::string> others;
};

Result<DirectoryListing> listDirectory(const fs::path& directory) {
    std::error_code ec;
    DirectoryListing listing;
    for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.starts_with('.')) {
            continue;  // hidden files (.gitkeep, .DS_Store, .cache) are not checkpoint content
        }
        if (endsWith(name, ".safetensors")) {
            listing.safetensors.push_back(name);
        } else if (endsWith(name, ".safetensors.index.json")) {
            listing.indexes.push_back(name);
        } else if (isPickleName(name)) {
            listing.pickles.push_back(name);
        } else {
            listing.others.push_back(name);
        }
    }
    if (ec) {
        return makeError(ErrorCode::Io, directory.string() + ": cannot list directory: " + ec.message());
    }
    for (auto* names : {&listing.safetensors, &listing.indexes, &listing.pickles, &listing.others}) {
        std::ranges::sort(*names);
    }
    return listing;
}

std::string joinNames(const std::vector<std::string>& names) {
    std::string text;
    for (std::size_t i = 0; i < names.size() && i < 6; ++i) {
        text += (i == 0 ? "" : ", ") + quoteName(names[i]);
    }
    return names.size() > 6 ? text + ", ..." : text;
}

// Reads an index file (mmapped, read-only) as text.
Result<std::shared_ptr<const ByteSource>> readIndexFile(const fs::path& indexFile) {
    return openMappedFile(indexFile);
}

// Every tensor in the index must be in its shard, and every shard tensor listed under that shard.
Status crossCheck(const std::string& indexName, const detail::ShardedIndex& index,
                  const std::vector<SafetensorsFile>& files, const std::vector<std::string>& names) {
    std::map<std::string_view, std::size_t> fileOf;
    for (std::size_t i = 0; i < names.size(); ++i) {
        fileOf.emplace(names[i], i);
    }
    for (const auto& [tensor, shard] : index.weightMap) {
        if (files[fileOf.at(shard)].find(tensor) == nullptr) {
            return makeError(ErrorCode::NotFound, indexName + ": tensor missing from its shard (tensor " +
                                                      quoteName(tensor) + "): expected it in " + quoteName(shard) +
                                                      ", got a shard without it");
        }
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        for (const TensorInfo& info : files[i].tensors()) {
            const auto it = index.weightMap.find(info.name);
            if (it == index.weightMap.end() || it->second != names[i]) {
                const std::string listed =
                    it == index.weightMap.end() ? "not listed" : "listed under " + quoteName(it->second);
                return makeError(ErrorCode::InvalidInput,
                                 indexName + ": shard tensor not where the index puts it (tensor " +
                                     quoteName(info.name) + "): expected the index to list it under " +
                                     quoteName(names[i]) + ", got " + listed);
            }
        }
    }
    return Ok{};
}

// Opens one shard named by the index; a missing one is named with a tensor it should hold.
Result<SafetensorsFile> openShard(const std::string& indexName, const fs::path& directory, const std::string& shard,
                                  const detail::ShardedIndex& index) {
    std::error_code ec;
    if (!fs::exists(directory / shard, ec)) {
        std::string tensor;
        for (const auto& [name, file] : index.weightMap) {
            if (file == shard) {
                tensor = name;
                break;
            }
        }
        return makeError(ErrorCode::NotFound, indexName + ": missing shard (tensor " + quoteName(tensor) +
                                                  "): expected file " + quoteName(shard) + " in " +
                                                  quoteName(directory.string()) + ", got no such file");
    }
    return SafetensorsFile::openFile(directory / shard);
}

}  // namespace

Result<Checkpoint> Checkpoint::open(const fs::path& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!fs::exists(status)) {
        return makeError(ErrorCode::NotFound, path.string() +
                                                  ": no such file or directory: expected a checkpoint "
                                                  "directory or a .safetensors file");
    }
    if (fs::is_directory(status)) {
        return openDirectory(path);
    }
    const std::string name = path.filename().string();
    if (endsWith(name, ".safetensors")) {
        return openSingle(path);
    }
    if (endsWith(name, ".safetensors.index.json")) {
        return openSharded(path);
    }
    if (isPickleName(name)) {
        return pickleError(path, quoteName(name));
    }
    return makeError(ErrorCode::InvalidInput, path.string() +
                                                  ": not a checkpoint: expected a directory, a "
                                                  ".safetensors file or a .safetensors.index.json, got " +
                                                  quoteName(name));
}

Result<Checkpoint> Checkpoint::openDirectory(const fs::path& directory) {
    auto listing = listDirectory(directory);
    if (!listing) {
        return listing.error();
    }
    const auto has = [](const std::vector<std::string>& names, std::string_view name) {
        return std::ranges::find(names, name) != names.end();
    };
    if (has(listing->safetensors, "model.safetensors")) {
        return openSingle(directory / "model.safetensors");
    }
    if (has(listing->indexes, "model.safetensors.index.json")) {
        return openSharded(directory / "model.safetensors.index.json");
    }
    if (listing->indexes.size() == 1) {
        return openSharded(directory / listing->indexes.front());
    }
    if (listing->indexes.empty() && listing->safetensors.size() == 1) {
        return openSingle(directory / listing->safetensors.front());
    }
    const std::string dir = directory.string();
    if (!listing->indexes.empty() || !listing->safetensors.empty()) {
        return makeError(ErrorCode::InvalidInput,
                         dir +
                             ": ambiguous checkpoint: expected model.safetensors, model.safetensors.index.json or "
                             "a single .safetensors file, got " +
                             joinNames(listing->indexes) + (listing->indexes.empty() ? "" : " ") +
                             joinNames(listing->safetensors));
    }
    if (!listing->pickles.empty()) {
        return pickleError(directory, joinNames(listing->pickles));
    }
    if (listing->others.empty()) {
        return makeError(ErrorCode::NotFound, dir +
                                                  ": empty directory: expected model.safetensors, "
                                                  "model.safetensors.index.json or another .safetensors file");
    }
    return makeError(ErrorCode::NotFound, dir +
                                              ": no safetensors checkpoint: expected model.safetensors, "
                                              "model.safetensors.index.json or another .safetensors file, got " +
                                              joinNames(listing->others));
}

Result<Checkpoint> Checkpoint::openSingle(const fs::path& file) {
    auto opened = SafetensorsFile::openFile(file);
    if (!opened) {
        return opened.error();
    }
    Checkpoint checkpoint;
    checkpoint.m_directory = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    checkpoint.m_files.push_back(std::move(*opened));
    checkpoint.m_fileNames.push_back(file.filename().string());
    if (auto ok = checkpoint.indexTensors(); !ok) {
        return ok.error();
    }
    return checkpoint;
}

Result<Checkpoint> Checkpoint::openSharded(const fs::path& indexFile) {
    const fs::path directory = indexFile.parent_path().empty() ? fs::path(".") : indexFile.parent_path();
    const std::string indexName = indexFile.string();
    auto source = readIndexFile(indexFile);
    if (!source) {
        return source.error();
    }
    const auto bytes = (*source)->bytes();
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    auto index = detail::parseShardedIndex(text, directory, indexName);
    if (!index) {
        return index.error();
    }
    Checkpoint checkpoint;
    checkpoint.m_directory = directory;
    checkpoint.m_sharded = true;
    for (const std::string& shard : index->shards) {
        auto file = openShard(indexName, directory, shard, *index);
        if (!file) {
            return file.error();
        }
        checkpoint.m_files.push_back(std::move(*file));
        checkpoint.m_fileNames.push_back(shard);
    }
    if (auto ok = crossCheck(indexName, *index, checkpoint.m_files, checkpoint.m_fileNames); !ok) {
        return ok.error();
    }
    if (auto ok = checkpoint.indexTensors(); !ok) {
        return ok.error();
    }
    return checkpoint;
}

Status Checkpoint::indexTensors() {
    m_tensors.clear();
    for (const SafetensorsFile& file : m_files) {
        for (const TensorInfo& info : file.tensors()) {
            m_tensors.push_back(TensorView{&info, file.data(info), &file});
        }
    }
    std::ranges::sort(m_tensors, [](const TensorView& a, const TensorView& b) { return a.info->name < b.info->name; });
    const auto dup = std::ranges::adjacent_find(
        m_tensors, [](const TensorView& a, const TensorView& b) { return a.info->name == b.info->name; });
    if (dup != m_tensors.end()) {
        return makeError(ErrorCode::InvalidInput,
                         m_directory.string() + ": duplicate tensor (tensor " + quoteName(dup->info->name) +
                             "): expected it in one file, got it in " + quoteName(fileNameOf(*dup)) + " and " +
                             quoteName(fileNameOf(*(dup + 1))));
    }
    return Ok{};
}

std::optional<TensorView> Checkpoint::find(std::string_view name) const {
    const auto it = std::ranges::lower_bound(m_tensors, name, std::less<>{},
                                             [](const TensorView& v) -> std::string_view { return v.info->name; });
    if (it == m_tensors.end() || it->info->name != name) {
        return std::nullopt;
    }
    return *it;
}

std::string Checkpoint::fileNameOf(const TensorView& view) const {
    for (std::size_t i = 0; i < m_files.size(); ++i) {
        if (&m_files[i] == view.file) {
            return m_fileNames[i];
        }
    }
    return {};
}

std::uint64_t Checkpoint::totalBytes() const {
    std::uint64_t total = 0;
    for (const TensorView& view : m_tensors) {
        total += view.info->byteSize();
    }
    return total;
}

}  // namespace ql
