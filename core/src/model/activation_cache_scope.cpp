#include "model/activation_cache_scope.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace ql::model {
namespace {

constexpr std::size_t kAlignment = 64;                  // c10's CPU alignment
constexpr std::size_t kMinCached = 64 * 1024;           // smaller blocks stay with malloc
constexpr std::size_t kMaxCachedBytes = 1024ull << 20;  // beyond this, freed blocks go back

class CachingCpuAllocator final : public c10::Allocator {
public:
    c10::DataPtr allocate(std::size_t n) override {
        void* p = take(n);
        return {p, p, &release, c10::Device(c10::DeviceType::CPU)};
    }
    c10::DeleterFnPtr raw_deleter() const override { return &release; }
    void copy_data(void* dest, const void* src, std::size_t count) const override {
        default_copy_data(dest, src, count);
    }

    void open() {
        std::lock_guard lock(m_mutex);
        ++m_scopes;
    }
    void close() {
        std::lock_guard lock(m_mutex);
        if (--m_scopes == 0) {
            freeCachedLocked();
        }
    }
    void trim() {
        std::lock_guard lock(m_mutex);
        freeCachedLocked();
    }
    std::size_t cachedBytes() {
        std::lock_guard lock(m_mutex);
        return m_cachedBytes;
    }

private:
    static void release(void* p);

    void* take(std::size_t n) {
        if (n == 0) {
            return nullptr;
        }
        std::lock_guard lock(m_mutex);
        if (auto it = m_free.find(n); it != m_free.end() && !it->second.empty()) {
            void* p = it->second.back();
            it->second.pop_back();
            m_cachedBytes -= n;
            return p;
        }
        void* p = nullptr;
        if (posix_memalign(&p, kAlignment, n) != 0 || p == nullptr) {
            throw c10::OutOfMemoryError({__func__, __FILE__, static_cast<std::uint32_t>(__LINE__)},
                                        "activation cache: cannot allocate " + std::to_string(n) + " bytes");
        }
        if (n >= kMinCached) {
            m_sizes.emplace(p, n);
        }
        return p;
    }

    void give(void* p) {
        std::unique_lock lock(m_mutex);
        auto it = m_sizes.find(p);
        if (it == m_sizes.end()) {  // a small block: never cached
            lock.unlock();
            std::free(p);
            return;
        }
        const std::size_t n = it->second;
        if (m_scopes > 0 && m_cachedBytes + n <= kMaxCachedBytes) {
            m_free[n].push_back(p);
            m_cachedBytes += n;
            return;
        }
        m_sizes.erase(it);
        lock.unlock();
        std::free(p);
    }

    void freeCachedLocked() {
        for (auto& [n, blocks] : m_free) {
            for (void* p : blocks) {
                m_sizes.erase(p);
                std::free(p);
            }
        }
        m_free.clear();
        m_cachedBytes = 0;
    }

    std::mutex m_mutex;
    int m_scopes = 0;
    std::size_t m_cachedBytes = 0;
    std::unordered_map<void*, std::size_t> m_sizes;              // live or cached blocks >= kMinCached
    std::unordered_map<std::size_t, std::vector<void*>> m_free;  // cached blocks by exact size
};

// Never destroyed: tensors freed during static destruction still call release().
CachingCpuAllocator& instance() {
    static CachingCpuAllocator* allocator = [] {
        auto* a = new CachingCpuAllocator;
        c10::SetCPUAllocator(a, /*priority=*/0);
        return a;
    }();
    return *allocator;
}

void CachingCpuAllocator::release(void* p) {
    if (p != nullptr) {
        instance().give(p);
    }
}

}  // namespace

ActivationCacheScope::ActivationCacheScope() {
    instance().open();
}

ActivationCacheScope::~ActivationCacheScope() {
    instance().close();
}

void ActivationCacheScope::trim() {
    instance().trim();
}

std::size_t ActivationCacheScope::cachedBytes() {
    return instance().cachedBytes();
}

}  // namespace ql::model
