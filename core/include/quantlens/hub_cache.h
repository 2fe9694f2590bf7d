// Hugging Face Hub ids ("Qwen/Qwen3-4B") resolved in the local Hub cache, offline, exactly as
// huggingface_hub resolves them with local_files_only=True (huggingface_hub/constants.py for the cache
// folder; _snapshot_download.py and file_download.py::try_to_load_from_cache for the layout):
//   <cache>/models--<org>--<name>/refs/<revision>   holds a commit hash
//   <cache>/models--<org>--<name>/snapshots/<hash>/  holds the files (links into ../../blobs/)
// Nothing is ever downloaded; a missing model is an error that names the folder searched and the
// command that downloads it.
#pragma once

#include <quantlens/result.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ql {

// Reads one environment variable; nullopt when unset (a set but empty variable is "").
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv).
EnvLookup processEnvironment();

// The cache folder huggingface_hub uses, and which rule chose it.
struct HubCacheLocation {
    std::filesystem::path dir;
    // "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME/hub", "XDG_CACHE_HOME/huggingface/hub" or
    // "~/.cache/huggingface/hub".
    std::string rule;
};

// HF_HUB_CACHE, else the legacy HUGGINGFACE_HUB_CACHE, else HF_HOME/hub, else
// XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub; "~" and "$VAR"/"${VAR}" expanded
// like Python's os.path.expanduser/expandvars.
HubCacheLocation hubCacheLocation(const EnvLookup& env = processEnvironment());

// Whether `text` has the shape of a repo id ("name" or "org/name": letters, digits, '-', '_', '.',
// no "--" or "..", not starting or ending with '-' or '.'), as huggingface_hub's validate_repo_id.
bool looksLikeHubRepoId(std::string_view text);

// Whether `revision` may name a ref or commit: non-empty, no ".." or "." component, not absolute,
// no control characters (refs may contain '/', e.g. "refs/pr/1").
bool isSafeHubRevision(std::string_view revision);

struct HubSnapshot {
    std::string repoId;                 // "Qwen/Qwen3-4B"
    std::string revision;               // as asked ("main" when none was given)
    std::string commitHash;             // the snapshot folder's name
    bool revisionIsCommit = false;      // the revision was a 40-hex commit hash (no refs/ lookup)
    std::filesystem::path snapshotDir;  // <cache>/models--org--name/snapshots/<hash>
    HubCacheLocation cache;
};

// Resolves `repoId` at `revision` ("" = "main") in `cache`. A 40-hex revision is a commit hash;
// otherwise refs/<revision> is read. Errors (NotFound, one line): the repo is not in the cache (names
// the folder searched, the rule that chose it, and `hf download <repo>`), the revision has no ref
// (lists the refs present), or the snapshot folder is missing.
Result<HubSnapshot> resolveHubSnapshot(std::string_view repoId, std::string_view revision,
                                       const HubCacheLocation& cache);

// "hf download Qwen/Qwen3-4B [--revision R]  (or: huggingface-cli download ...)".
std::string hubDownloadCommand(std::string_view repoId, std::string_view revision);

// The refs (branch/tag names, "/" for nested ones) present for `repoId` in `cache`, sorted.
std::vector<std::string> hubCachedRefs(std::string_view repoId, const HubCacheLocation& cache);

}  // namespace ql
