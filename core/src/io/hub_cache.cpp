// Offline resolution of Hub ids in the local Hugging Face cache (see hub_cache.h).
#include "quantlens/hub_cache.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ql {
namespace {

namespace fs = std::filesystem;

bool isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Python's posixpath.expandvars: "$name" / "${name}" replaced when set, left as is otherwise.
std::string expandVars(const std::string& path, const EnvLookup& env) {
    std::string out;
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] != '$') {
            out += path[i++];
            continue;
        }
        std::size_t end = i + 1;
        std::string name;
        if (end < path.size() && path[end] == '{') {
            const auto close = path.find('}', end + 1);
            if (close == std::string::npos) {
                out += path.substr(i);
                break;
            }
            name = path.substr(end + 1, close - end - 1);
            end = close + 1;
        } else {
            while (end < path.size() && isWordChar(path[end])) ++end;
            name = path.substr(i + 1, end - i - 1);
        }
        const auto value = name.empty() ? std::nullopt : env(name);
        out += value ? *value : path.substr(i, end - i);
        if (end == i + 1) {  // a lone '$'
            ++i;
            continue;
        }
        i = end;
    }
    return out;
}

std::string homeDirectory(const EnvLookup& env) {
    if (auto home = env("HOME")) return *home;
    if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) return pw->pw_dir;
    return "/";
}

// Python's posixpath.expanduser for "~" and "~user" prefixes.
std::string expandUser(const std::string& path, const EnvLookup& env) {
    if (path.empty() || path[0] != '~') return path;
    auto slash = path.find('/', 1);
    if (slash == std::string::npos) slash = path.size();
    std::string home;
    if (slash == 1) {
        home = homeDirectory(env);
    } else {
        const passwd* pw = ::getpwnam(path.substr(1, slash - 1).c_str());
        if (pw == nullptr || pw->pw_dir == nullptr) return path;
        home = pw->pw_dir;
    }
    while (!home.empty() && home.back() == '/') home.pop_back();
    const std::string out = home + path.substr(slash);
    return out.empty() ? "/" : out;
}

std::string expanded(const std::string& path, const EnvLookup& env) {
    return expandVars(expandUser(path, env), env);
}

std::string joinPath(const std::string& a, const std::string& b) {
    return (fs::path(a) / b).string();
}

bool isCommitHash(std::string_view revision) {
    return revision.size() == 40 && std::all_of(revision.begin(), revision.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

fs::path repoFolder(std::string_view repoId, const HubCacheLocation& cache) {
    std::string name = "models";
    std::size_t start = 0;
    while (true) {
        const auto slash = repoId.find('/', start);
        name += "--" + std::string(repoId.substr(
                           start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return cache.dir / name;
}

std::string searchedText(const HubCacheLocation& cache) {
    return cache.dir.string() + " (the Hugging Face cache, chosen by " + cache.rule + ")";
}

// The text with control characters written as \xNN, so an error stays on one line.
std::string printable(std::string_view text) {
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (const unsigned char c : text) {
        if (c < 0x20 || c == 0x7F)
            out += std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
        else
            out += static_cast<char>(c);
    }
    return out;
}

std::string readWholeFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

EnvLookup processEnvironment() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        return value == nullptr ? std::nullopt : std::optional<std::string>(value);
    };
}

HubCacheLocation hubCacheLocation(const EnvLookup& env) {
    if (auto v = env("HF_HUB_CACHE")) return {expanded(*v, env), "HF_HUB_CACHE"};
    if (auto v = env("HUGGINGFACE_HUB_CACHE")) return {expanded(*v, env), "HUGGINGFACE_HUB_CACHE"};
    if (auto v = env("HF_HOME")) return {joinPath(expanded(*v, env), "hub"), "HF_HOME/hub"};
    if (auto v = env("XDG_CACHE_HOME")) {
        return {joinPath(expanded(joinPath(*v, "huggingface"), env), "hub"), "XDG_CACHE_HOME/huggingface/hub"};
    }
    const std::string home = joinPath(joinPath(expandUser("~", env), ".cache"), "huggingface");
    return {joinPath(expanded(home, env), "hub"), "~/.cache/huggingface/hub"};
}

bool looksLikeHubRepoId(std::string_view text) {
    if (text.empty() || text.size() > 96 || text.find("--") != std::string_view::npos ||
        text.find("..") != std::string_view::npos) {
        return false;
    }
    const auto slash = text.find('/');
    const bool twoParts = slash != std::string_view::npos;
    if (twoParts && text.find('/', slash + 1) != std::string_view::npos) return false;
    auto validPart = [](std::string_view part) {
        if (part.empty() || part.front() == '-' || part.front() == '.' || part.back() == '-' || part.back() == '.') {
            return false;
        }
        return std::all_of(part.begin(), part.end(), [](char c) { return isWordChar(c) || c == '-' || c == '.'; });
    };
    return twoParts ? validPart(text.substr(0, slash)) && validPart(text.substr(slash + 1)) : validPart(text);
}

bool isSafeHubRevision(std::string_view revision) {
    if (revision.empty() || revision.front() == '/') return false;
    for (const unsigned char c : revision) {
        if (c < 0x20 || c == 0x7F || c == '\\') return false;
    }
    for (const auto& part : fs::path(std::string(revision))) {
        if (part == ".." || part == "." || part.empty()) return false;
    }
    return revision.back() != '/';
}

std::string hubDownloadCommand(std::string_view repoId, std::string_view revision) {
    const std::string rev = revision.empty() || revision == "main" ? "" : " --revision " + std::string(revision);
    return "hf download " + std::string(repoId) + rev + " (or: huggingface-cli download " + std::string(repoId) + rev +
           ")";
}

std::vector<std::string> hubCachedRefs(std::string_view repoId, const HubCacheLocation& cache) {
    std::vector<std::string> refs;
    const fs::path dir = repoFolder(repoId, cache) / "refs";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return refs;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (it->is_regular_file(ec)) refs.push_back(it->path().lexically_relative(dir).generic_string());
    }
    std::sort(refs.begin(), refs.end());
    return refs;
}

Result<HubSnapshot> resolveHubSnapshot(std::string_view repoId, std::string_view revision,
                                       const HubCacheLocation& cache) {
    const std::string rev = revision.empty() ? "main" : std::string(revision);
    const std::string id(repoId);
    if (!looksLikeHubRepoId(repoId)) {
        return makeError(ErrorCode::InvalidInput,
                         "'" + printable(id) + "': expected a Hugging Face repo id (org/name)");
    }
    if (!isSafeHubRevision(rev)) {
        return makeError(ErrorCode::InvalidInput,
                         id + ": revision '" + printable(rev) + "': expected a branch, tag or 40-hex commit hash");
    }
    const fs::path repo = repoFolder(repoId, cache);
    std::error_code ec;
    if (!fs::is_directory(repo, ec)) {
        return makeError(ErrorCode::NotFound, id + ": not in the local Hugging Face cache (searched " +
                                                  searchedText(cache) + " for " + repo.filename().string() +
                                                  "); QuantLens never downloads: run `" +
                                                  hubDownloadCommand(repoId, revision) + "`");
    }
    HubSnapshot snap{id, rev, rev, isCommitHash(rev), {}, cache};
    if (!snap.revisionIsCommit) {
        const fs::path ref = repo / "refs" / rev;
        if (!fs::is_regular_file(ref, ec)) {
            std::string present;
            for (const auto& r : hubCachedRefs(repoId, cache)) present += (present.empty() ? "" : ", ") + r;
            return makeError(ErrorCode::NotFound, id + ": revision '" + rev + "' is not in the cache (no " +
                                                      ref.string() +
                                                      "; cached refs: " + (present.empty() ? "none" : present) +
                                                      "); run `" + hubDownloadCommand(repoId, rev) + "`");
        }
        snap.commitHash = readWholeFile(ref);  // as huggingface_hub: the file's content, unstripped
    }
    snap.snapshotDir = repo / "snapshots" / snap.commitHash;
    if (snap.commitHash.empty() || !isSafeHubRevision(snap.commitHash) || !fs::is_directory(snap.snapshotDir, ec)) {
        return makeError(ErrorCode::NotFound, id + ": revision '" + rev + "' names snapshot '" +
                                                  printable(snap.commitHash) + "', which is not in " +
                                                  (repo / "snapshots").string() + " (an interrupted download?); run `" +
                                                  hubDownloadCommand(repoId, rev) + "`");
    }
    return snap;
}

}  // namespace ql
