// Reuse of activation memory across the layers of a forward. glibc hands blocks of a few MiB and
// more back to the kernel on free, so every decoder layer would fault its activations in again,
// page by page (about a quarter of a CPU prefill). While an ActivationCacheScope is alive, CPU
// tensors freed by ATen are kept by exact byte size and handed to the next allocation of that size.
// The values computed are unaffected (same kernels, same 64-byte alignment); only where the bytes
// live changes.
#pragma once

#include <cstddef>

namespace ql::model {

class ActivationCacheScope {
public:
    // The first scope of the process installs the caching allocator as ATen's CPU allocator (a
    // plain aligned malloc/free while no scope is alive). Scopes nest and may overlap across threads.
    ActivationCacheScope();
    ~ActivationCacheScope();  // the last scope to end frees every cached block
    ActivationCacheScope(const ActivationCacheScope&) = delete;
    ActivationCacheScope& operator=(const ActivationCacheScope&) = delete;

    // Frees the cached blocks now (before a step whose sizes never recur, e.g. the LM head).
    static void trim();
    // Bytes currently held in the cache (for tests).
    static std::size_t cachedBytes();
};

}  // namespace ql::model
