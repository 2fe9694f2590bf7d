// Private: the parser of model.safetensors.index.json ({"metadata": {...}, "weight_map":
// {name: shard}}, as transformers utils/hub.py get_checkpoint_shard_files reads it), separate from
// the file system walk so that it can be fuzzed on text alone.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "quantlens/result.h"

namespace ql::detail {

struct ShardedIndex {
    // weight_map: tensor name -> shard file name (relative to the directory, as written).
    std::map<std::string, std::string, std::less<>> weightMap;
    // Distinct shard file names, sorted.
    std::vector<std::string> shards;
};

// Parses and validates the index text. `sourceName` names the index file in messages.
// Rules: UTF-8, strict JSON (no duplicate keys), an object with a non-empty object `weight_map`
// of string values (optional `metadata` object, other keys ignored); each shard name is a
// relative path ending in ".safetensors" without "." / ".." components, control characters or a
// leading "/", and resolves inside `directory` after following symlinks (weakly_canonical).
// One exception: a Hugging Face hub cache snapshot (`<repo>/snapshots/<rev>/`) may link into
// `<repo>/blobs/`. Errors are InvalidInput and name the index, the tensor and the shard.
Result<ShardedIndex> parseShardedIndex(std::string_view jsonText, const std::filesystem::path& directory,
                                       const std::string& sourceName);

}  // namespace ql::detail
