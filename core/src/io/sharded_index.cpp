#include "sharded_index.h"

#include <set>
#include <system_error>

#include "safetensors_json.h"

namespace ql::detail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Error indexError(const std::string& source, const std::string& what, const std::string& tensor,
                 const std::string& detail) {
    return makeError(ErrorCode::InvalidInput, source + ": " + what + " (tensor " + quoteName(tensor) + "): " + detail);
}

bool endsWith(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Lexical checks of a shard name; returns the problem or "" when acceptable.
std::string lexicalProblem(const std::string& shard) {
    if (shard.empty()) {
        return "an empty name";
    }
    if (shard.front() == '/') {
        return "an absolute path";
    }
    for (const unsigned char c : shard) {
        if (c < 0x20 || c == 0x7F) {
            return "a name with control characters";
        }
    }
    for (const auto& part : fs::path(shard)) {
        if (part == ".." || part == ".") {
            return "a path with a '" + part.string() + "' component";
        }
    }
    if (!endsWith(shard, ".safetensors")) {
        return "a name not ending in .safetensors";
    }
    return "";
}

bool isInside(const fs::path& child, const fs::path& parent) {
    const fs::path relative = child.lexically_relative(parent);
    return !relative.empty() && *relative.begin() != ".." && relative.is_relative();
}

// Where the files of a hub cache snapshot (<repo>/snapshots/<rev>) really live, or "".
fs::path hubCacheBlobs(const fs::path& canonicalDir) {
    if (canonicalDir.parent_path().filename() != "snapshots") {
        return {};
    }
    return canonicalDir.parent_path().parent_path() / "blobs";
}

// Follows symlinks; the shard must stay inside `directory` (or the hub cache's blobs).
std::string resolutionProblem(const fs::path& directory, const std::string& shard) {
    std::error_code ec;
    const fs::path dir = fs::weakly_canonical(directory, ec);
    if (ec) {
        return "a path that cannot be resolved (" + ec.message() + ")";
    }
    const fs::path target = fs::weakly_canonical(directory / shard, ec);
    if (ec) {
        return "a path that cannot be resolved (" + ec.message() + ")";
    }
    if (isInside(target, dir)) {
        return "";
    }
    const fs::path blobs = hubCacheBlobs(dir);
    if (!blobs.empty() && isInside(target, blobs)) {
        return "";
    }
    return "a path that resolves outside the directory (to " + quoteName(target.string()) + ")";
}

Status checkShardName(const std::string& source, const std::string& tensor, const std::string& shard,
                      const fs::path& directory) {
    std::string problem = lexicalProblem(shard);
    if (problem.empty()) {
        problem = resolutionProblem(directory, shard);
    }
    if (!problem.empty()) {
        return indexError(source, "bad shard file in weight_map", tensor,
                          "expected a .safetensors file inside " + quoteName(directory.string()) + ", got " +
                              quoteName(shard) + ", " + problem);
    }
    return Ok{};
}

Result<json> parseIndexObject(std::string_view text, const std::string& source) {
    if (auto bad = findInvalidUtf8(text)) {
        return makeError(ErrorCode::InvalidInput, source +
                                                      ": index is not valid UTF-8: expected UTF-8 text, got an "
                                                      "ill-formed byte at offset " +
                                                      std::to_string(*bad));
    }
    auto parsed = parseStrictJson(text, source, "index");
    if (!parsed) {
        return parsed.error();
    }
    if (!parsed->is_object()) {
        return makeError(ErrorCode::InvalidInput, source +
                                                      ": index is not a JSON object: expected an object with "
                                                      "weight_map, got " +
                                                      jsonTypeName(*parsed));
    }
    if (parsed->contains("metadata") && !(*parsed)["metadata"].is_object()) {
        return makeError(ErrorCode::InvalidInput, source + ": bad field 'metadata': expected an object, got " +
                                                      jsonTypeName((*parsed)["metadata"]));
    }
    const auto it = parsed->find("weight_map");
    if (it == parsed->end() || !it->is_object() || it->empty()) {
        const std::string got = it == parsed->end() ? "no weight_map"
                                : it->is_object()   ? "an empty object"
                                                    : jsonTypeName(*it);
        return makeError(ErrorCode::InvalidInput, source +
                                                      ": bad field 'weight_map': expected a non-empty object "
                                                      "of tensor name -> shard file, got " +
                                                      got);
    }
    return std::move(*it);
}

}  // namespace

Result<ShardedIndex> parseShardedIndex(std::string_view jsonText, const fs::path& directory,
                                       const std::string& sourceName) {
    auto weightMap = parseIndexObject(jsonText, sourceName);
    if (!weightMap) {
        return weightMap.error();
    }
    ShardedIndex index;
    std::set<std::string> checked;
    for (const auto& [tensor, value] : weightMap->items()) {
        if (!value.is_string()) {
            return indexError(sourceName, "bad weight_map entry", tensor,
                              "expected a shard file name string, got " + jsonTypeName(value));
        }
        const auto& shard = value.get_ref<const std::string&>();
        if (checked.insert(shard).second) {
            if (auto ok = checkShardName(sourceName, tensor, shard, directory); !ok) {
                return ok.error();
            }
        }
        index.weightMap.emplace(tensor, shard);
    }
    index.shards.assign(checked.begin(), checked.end());
    return index;
}

}  // namespace ql::detail
