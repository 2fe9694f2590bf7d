#include "quantlens/byte_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "quantlens/tensor_info.h"
#include "support/safetensors_writer.h"

namespace ql {
namespace {

std::string asString(std::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// The permission field ("r--p" ...) of the /proc/self/maps line containing `address`.
std::string mappingPermissions(const void* address) {
    const auto target = reinterpret_cast<std::uintptr_t>(address);
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        std::istringstream fields(line);
        std::string range;
        std::string perms;
        fields >> range >> perms;
        const auto dash = range.find('-');
        const auto begin = std::stoull(range.substr(0, dash), nullptr, 16);
        const auto end = std::stoull(range.substr(dash + 1), nullptr, 16);
        if (target >= begin && target < end) {
            return perms;
        }
    }
    return "";
}

TEST(ByteSource, MapsFileContentReadOnlyAndPrivate) {
    test::TempDir dir;
    const std::string bytes("hello\0world\xff", 12);
    test::writeBytes(dir.path() / "f.bin", bytes);
    auto source = openMappedFile(dir.path() / "f.bin");
    ASSERT_TRUE(source.ok()) << source.error().message;
    EXPECT_EQ(asString((*source)->bytes()), bytes);
    EXPECT_EQ((*source)->name(), (dir.path() / "f.bin").string());
    EXPECT_EQ(mappingPermissions((*source)->bytes().data()), "r--p");
}

TEST(ByteSource, EmptyFileGivesEmptySpan) {
    test::TempDir dir;
    test::writeBytes(dir.path() / "empty", "");
    auto source = openMappedFile(dir.path() / "empty");
    ASSERT_TRUE(source.ok()) << source.error().message;
    EXPECT_TRUE((*source)->bytes().empty());
}

TEST(ByteSource, MissingFileIsNotFound) {
    test::TempDir dir;
    auto source = openMappedFile(dir.path() / "nope.safetensors");
    ASSERT_FALSE(source.ok());
    EXPECT_EQ(source.error().code, ErrorCode::NotFound);
    EXPECT_NE(source.error().message.find("nope.safetensors"), std::string::npos);
}

TEST(ByteSource, DirectoryIsInvalidInput) {
    test::TempDir dir;
    auto source = openMappedFile(dir.path());
    ASSERT_FALSE(source.ok());
    EXPECT_EQ(source.error().code, ErrorCode::InvalidInput);
    EXPECT_NE(source.error().message.find("directory"), std::string::npos);
}

TEST(ByteSource, FifoIsRefusedWithoutBlocking) {
    test::TempDir dir;
    const auto fifo = dir.path() / "pipe";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto source = openMappedFile(fifo);
    ASSERT_FALSE(source.ok());
    EXPECT_EQ(source.error().code, ErrorCode::InvalidInput);
    EXPECT_NE(source.error().message.find("regular file"), std::string::npos);
}

TEST(ByteSource, MemorySourceCopiesAndKeepsName) {
    std::string text("ab\0c", 4);
    auto source = makeMemorySource(std::string_view(text), "mem");
    text[0] = 'X';
    EXPECT_EQ(asString(source->bytes()), std::string("ab\0c", 4));
    EXPECT_EQ(source->name(), "mem");
    auto empty = makeMemorySource(std::vector<std::byte>{}, "none");
    EXPECT_TRUE(empty->bytes().empty());
}

TEST(TensorInfo, NumelAndFormatShape) {
    TensorInfo info;
    EXPECT_EQ(info.numel(), 1u);  // scalar
    info.shape = {2, 3, 4};
    EXPECT_EQ(info.numel(), 24u);
    info.shape = {0, 5};
    EXPECT_EQ(info.numel(), 0u);
    info.shape = {std::int64_t{1} << 40, std::int64_t{1} << 40, 0};
    EXPECT_EQ(info.numel(), 0u);  // a zero dim wins over overflow
    info.shape = {std::int64_t{1} << 40, std::int64_t{1} << 40};
    EXPECT_EQ(info.numel(), UINT64_MAX);  // saturates
    EXPECT_EQ(formatShape({4096, 2560}), "[4096, 2560]");
    EXPECT_EQ(formatShape({}), "[]");
    EXPECT_EQ(formatShape({7}), "[7]");
}

}  // namespace
}  // namespace ql
