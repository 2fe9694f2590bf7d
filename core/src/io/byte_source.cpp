// ByteSource implementations: a read-only memory-mapped file and an owned in-memory buffer.
#include "quantlens/byte_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace ql {
namespace {

// Owns one read-only mapping; unmaps on destruction. An empty file has no mapping.
class MappedFile final : public ByteSource {
public:
    MappedFile(void* address, std::size_t size, std::string name)
        : m_address(address), m_size(size), m_name(std::move(name)) {}
    ~MappedFile() override {
        if (m_address != nullptr) {
            ::munmap(m_address, m_size);
        }
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::span<const std::byte> bytes() const override { return {static_cast<const std::byte*>(m_address), m_size}; }
    const std::string& name() const override { return m_name; }

private:
    void* m_address;
    std::size_t m_size;
    std::string m_name;
};

class MemorySource final : public ByteSource {
public:
    MemorySource(std::vector<std::byte> bytes, std::string name) : m_bytes(std::move(bytes)), m_name(std::move(name)) {}
    std::span<const std::byte> bytes() const override { return m_bytes; }
    const std::string& name() const override { return m_name; }

private:
    std::vector<std::byte> m_bytes;
    std::string m_name;
};

// Closes a file descriptor when it goes out of scope.
struct FdGuard {
    int fd;
    ~FdGuard() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

Error systemError(ErrorCode code, const std::string& name, const char* what, int err) {
    return makeError(code, name + ": " + what + ": " + std::strerror(err));
}

}  // namespace

Result<std::shared_ptr<const ByteSource>> openMappedFile(const std::filesystem::path& path) {
    const std::string name = path.string();
    // O_NONBLOCK keeps a FIFO from blocking the open; it has no effect on regular files.
    FdGuard guard{::open(name.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
    if (guard.fd < 0) {
        const int err = errno;
        return systemError(err == ENOENT ? ErrorCode::NotFound : ErrorCode::Io, name, "cannot open for reading", err);
    }
    struct stat info {};
    if (::fstat(guard.fd, &info) != 0) {
        return systemError(ErrorCode::Io, name, "cannot stat", errno);
    }
    if (S_ISDIR(info.st_mode)) {
        return makeError(ErrorCode::InvalidInput, name + ": expected a file, got a directory");
    }
    if (!S_ISREG(info.st_mode)) {
        return makeError(ErrorCode::InvalidInput, name + ": expected a regular file, got a device, FIFO or socket");
    }
    const auto size = static_cast<std::size_t>(info.st_size);
    if (size == 0) {
        return std::shared_ptr<const ByteSource>(std::make_shared<MappedFile>(nullptr, 0, name));
    }
    void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, guard.fd, 0);
    if (address == MAP_FAILED) {
        return systemError(ErrorCode::Io, name, "cannot map", errno);
    }
    return std::shared_ptr<const ByteSource>(std::make_shared<MappedFile>(address, size, name));
}

std::shared_ptr<const ByteSource> makeMemorySource(std::vector<std::byte> bytes, std::string name) {
    return std::make_shared<MemorySource>(std::move(bytes), std::move(name));
}

std::shared_ptr<const ByteSource> makeMemorySource(std::string_view bytes, std::string name) {
    std::vector<std::byte> copy(bytes.size());
    if (!bytes.empty()) {
        std::memcpy(copy.data(), bytes.data(), bytes.size());
    }
    return makeMemorySource(std::move(copy), std::move(name));
}

}  // namespace ql
