#include "quantlens/safetensors_file.h"

#include <gtest/gtest.h>

#include <cstring>

#include "support/safetensors_writer.h"

namespace ql {
namespace {

using test::buildSafetensors;
using test::TensorSpec;
using test::WriterOptions;

Result<SafetensorsFile> parse(const std::string& bytes, const std::string& name = "t.safetensors") {
    return SafetensorsFile::open(makeMemorySource(std::string_view(bytes), name));
}

// Parses `bytes`, expects failure, and checks the message: one line, starts with the source
// name, contains every string of `parts`.
void expectError(const std::string& bytes, std::initializer_list<std::string> parts) {
    auto file = parse(bytes);
    ASSERT_FALSE(file.ok()) << "parsed although it should not";
    const std::string& message = file.error().message;
    EXPECT_EQ(file.error().code, ErrorCode::InvalidInput) << message;
    EXPECT_EQ(message.rfind("t.safetensors: ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    for (const auto& part : parts) {
        EXPECT_NE(message.find(part), std::string::npos) << "missing '" << part << "' in: " << message;
    }
}

std::string withHeader(const std::string& json, const std::string& data = "") {
    WriterOptions options;
    options.rawHeader = json;
    return buildSafetensors({}, options) + data;
}

std::string header(std::uint64_t n) {
    std::string out(8, '\0');
    std::memcpy(out.data(), &n, 8);  // little-endian host (x86-64, aarch64)
    return out;
}

constexpr DType kAllDTypes[] = {DType::Bool,        DType::F4,      DType::F6_E2M3, DType::F6_E3M2, DType::U8,
                                DType::I8,          DType::F8_E5M2, DType::F8_E4M3, DType::F8_E8M0, DType::F8_E4M3FNUZ,
                                DType::F8_E5M2FNUZ, DType::I16,     DType::U16,     DType::F16,     DType::BF16,
                                DType::I32,         DType::U32,     DType::F32,     DType::C64,     DType::F64,
                                DType::I64,         DType::U64};

TEST(SafetensorsFile, ReadsEveryDType) {
    std::vector<TensorSpec> specs;
    for (const DType dtype : kAllDTypes) {
        specs.push_back({"t." + std::string(dtypeName(dtype)), std::string(dtypeName(dtype)), {2, 4}, std::nullopt});
    }
    const std::string bytes = buildSafetensors(specs);
    auto file = parse(bytes);
    ASSERT_TRUE(file.ok()) << file.error().message;
    ASSERT_EQ(file->tensors().size(), std::size(kAllDTypes));
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const TensorInfo* info = file->find(specs[i].name);
        ASSERT_NE(info, nullptr) << specs[i].name;
        EXPECT_EQ(info->dtype, kAllDTypes[i]);
        EXPECT_EQ(info->shape, (std::vector<std::int64_t>{2, 4}));
        EXPECT_EQ(info->numel(), 8u);
        EXPECT_EQ(info->byteSize(), 8u * static_cast<unsigned>(dtypeBits(kAllDTypes[i])) / 8);
        const auto expected = test::patternBytes(specs[i]);
        const auto data = file->data(*info);
        ASSERT_EQ(data.size(), expected.size());
        EXPECT_EQ(std::memcmp(data.data(), expected.data(), data.size()), 0) << specs[i].name;
    }
}

TEST(SafetensorsFile, SubByteSizes) {
    // F4: 4 bits per element, F6: 6 bits (safetensors tensor.rs Dtype::bitsize); numel x bits must
    // fill whole bytes.
    auto ok = parse(buildSafetensors({{"a", "F4", {3, 2}, std::nullopt}, {"b", "F6_E2M3", {4}, std::nullopt}}));
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->find("a")->byteSize(), 3u);
    EXPECT_EQ(ok->find("b")->byteSize(), 3u);
    expectError(buildSafetensors({{"odd", "F4", {3}, std::vector<std::byte>(2)}}),
                {"does not fill whole bytes", "'odd'", "divisible by 8", "F4 [3]"});
    expectError(buildSafetensors({{"six", "F6_E3M2", {2}, std::vector<std::byte>(2)}}),
                {"does not fill whole bytes", "'six'"});
}

TEST(SafetensorsFile, ScalarZeroSizeAndEmptyFile) {
    auto file = parse(buildSafetensors({{"empty1", "F32", {0, 3}, std::nullopt},
                                        {"scalar", "F32", {}, std::nullopt},
                                        {"empty2", "BF16", {4, 0}, std::nullopt}}));
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->find("scalar")->numel(), 1u);
    EXPECT_EQ(file->find("scalar")->byteSize(), 4u);
    EXPECT_EQ(file->find("empty1")->byteSize(), 0u);
    EXPECT_EQ(file->find("empty2")->numel(), 0u);
    EXPECT_TRUE(file->data(*file->find("empty2")).empty());
    auto none = parse(withHeader("{}"));
    ASSERT_TRUE(none.ok()) << none.error().message;
    EXPECT_TRUE(none->tensors().empty());
    expectError(withHeader("{}", "x"), {"not exactly covered", "1 trailing bytes"});
}

TEST(SafetensorsFile, MetadataAndLookups) {
    WriterOptions options;
    options.metadata = {{"format", "pt"}, {"note", "ü"}};
    auto file = parse(buildSafetensors({{"w", "F16", {2}, std::nullopt}}, options));
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->metadata().at("format"), "pt");
    EXPECT_EQ(file->metadata().at("note"), "ü");
    EXPECT_EQ(file->find("__metadata__"), nullptr);
    EXPECT_EQ(file->find("missing"), nullptr);
    EXPECT_EQ(file->sourceName(), "t.safetensors");
    EXPECT_EQ(file->headerSize() % 8, 0u);
}

TEST(SafetensorsFile, TensorsInOffsetOrderWhateverTheJsonOrder) {
    const std::string json = R"({"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]},)"
                             R"("a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})";
    auto file = parse(withHeader(json, "xyz"));
    ASSERT_TRUE(file.ok()) << file.error().message;
    ASSERT_EQ(file->tensors().size(), 2u);
    EXPECT_EQ(file->tensors()[0].name, "a");
    EXPECT_EQ(file->tensors()[1].name, "b");
    const auto data = file->data(*file->find("b"));
    EXPECT_EQ(static_cast<char>(data[0]), 'z');
}

TEST(SafetensorsFile, UnalignedDataIsZeroCopyAndIntact) {
    WriterOptions options;
    options.padHeader = false;
    options.extraPadding = 3;
    const TensorSpec spec{"w", "F64", {3}, std::nullopt};
    const std::string bytes = buildSafetensors({spec}, options);
    ASSERT_NE((bytes.size() - 24) % 8, 0u);  // the data starts off an 8-byte boundary
    auto source = makeMemorySource(std::string_view(bytes), "t.safetensors");
    auto file = SafetensorsFile::open(source);
    ASSERT_TRUE(file.ok()) << file.error().message;
    const auto data = file->data(*file->find("w"));
    const auto all = source->bytes();
    EXPECT_EQ(data.data(), all.data() + all.size() - 24);  // a view into the source, not a copy
    const auto expected = test::patternBytes(spec);
    EXPECT_EQ(std::memcmp(data.data(), expected.data(), 24), 0);
}

TEST(SafetensorsFile, CopiesShareTheSource) {
    std::optional<SafetensorsFile> copy;
    const TensorSpec spec{"w", "I32", {5}, std::nullopt};
    {
        auto file = parse(buildSafetensors({spec}));
        ASSERT_TRUE(file.ok());
        copy = *file;
    }
    const auto data = copy->data(*copy->find("w"));
    const auto expected = test::patternBytes(spec);
    ASSERT_EQ(data.size(), 20u);
    EXPECT_EQ(std::memcmp(data.data(), expected.data(), 20), 0);
}

TEST(SafetensorsFile, OpenFileMapsFromDisk) {
    test::TempDir dir;
    test::writeBytes(dir.path() / "m.safetensors", buildSafetensors({{"w", "F32", {2}, std::nullopt}}));
    auto file = SafetensorsFile::openFile(dir.path() / "m.safetensors");
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->sourceName(), (dir.path() / "m.safetensors").string());
    auto missing = SafetensorsFile::openFile(dir.path() / "x.safetensors");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

// Header length: read_metadata's HeaderTooSmall, HeaderTooLarge, InvalidHeaderLength.
TEST(SafetensorsFileRules, HeaderLength) {
    expectError("", {"too small", "at least 8 bytes, got 0"});
    expectError("1234567", {"too small", "got 7"});
    expectError(header(100'000'001) + "{}", {"header length too large", "at most 100000000", "got 100000001"});
    expectError(header(100'000'000) + "{}", {"past end of file"});  // allowed size, but not there
    expectError(header(UINT64_MAX), {"header length too large"});
    expectError(header(10) + "{}", {"past end of file", "8 + 10", "file size 10"});
}

// Rule 4: UTF-8 (tensor names included).
TEST(SafetensorsFileRules, Utf8) {
    expectError(withHeader("{\"a\xff\":1}"), {"not valid UTF-8", "offset 3"});
    expectError(withHeader("{\"\xc0\x80\":1}"), {"not valid UTF-8"});          // overlong NUL
    expectError(withHeader("{\"\xed\xa0\x80\":1}"), {"not valid UTF-8"});      // surrogate
    expectError(withHeader("{\"\xf4\x90\x80\x80\":1}"), {"not valid UTF-8"});  // above U+10FFFF
    expectError(withHeader("{\"\xe2\x82\":1}"), {"not valid UTF-8"});          // cut sequence
    expectError(withHeader(R"({"\ud800":1})"), {"not valid JSON"});            // escaped lone surrogate
    auto ok = parse(buildSafetensors({{"wäöü€😀", "U8", {1}, std::nullopt}}));
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_NE(ok->find("wäöü€😀"), nullptr);
}

// Rule 5: JSON shape.
TEST(SafetensorsFileRules, JsonShape) {
    expectError(withHeader("{\"a\": "), {"header is not valid JSON"});
    expectError(withHeader("[1,2]"), {"not a JSON object", "got a JSON array"});
    expectError(withHeader("\"s\""), {"not a JSON object", "got a JSON string"});
    expectError(withHeader(R"({"w":[1]})"), {"bad tensor entry", "'w'", "exactly dtype, shape and data_offsets"});
    expectError(withHeader(R"({"w":{"shape":[],"data_offsets":[0,0]}})"), {"missing field", "'w'", "got no dtype"});
    expectError(withHeader(R"({"w":{"dtype":"U8","data_offsets":[0,0]}})"), {"missing field", "got no shape"});
    expectError(withHeader(R"({"w":{"dtype":"U8","shape":[]}})"), {"missing field", "got no data_offsets"});
    expectError(withHeader(R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[0,0],"x":1}})"), {"unknown field", "'x'"});
    expectError(withHeader(R"({"w":{"dtype":8,"shape":[0],"data_offsets":[0,0]}})"),
                {"bad dtype", "expected a string"});
    expectError(withHeader(R"({"w":{"dtype":"F128","shape":[0],"data_offsets":[0,0]}})"),
                {"unknown dtype", "'w'", "expected one of BOOL, F4, F6_E2M3", "BF16", "U64", "got 'F128'"});
    expectError(withHeader(R"({"w":{"dtype":"bf16","shape":[0],"data_offsets":[0,0]}})"), {"unknown dtype"});
}

TEST(SafetensorsFileRules, ShapeAndOffsetValues) {
    const auto entry = [](const std::string& shape, const std::string& offsets) {
        return withHeader(R"({"w":{"dtype":"U8","shape":)" + shape + R"(,"data_offsets":)" + offsets + "}}");
    };
    expectError(entry("[-1]", "[0,0]"), {"bad shape", "'w'", "[0, 2^48-1]", "got -1 in dim 0"});
    expectError(entry("[2, 1.5]", "[0,0]"), {"bad shape", "non-integer", "dim 1"});
    expectError(entry("[281474976710656]", "[0,0]"), {"bad shape", "got 281474976710656"});
    expectError(entry("[\"3\"]", "[0,0]"), {"bad shape", "a JSON string"});
    expectError(entry("3", "[0,0]"), {"bad shape", "expected an array"});
    expectError(entry("[]", "[0]"), {"bad data_offsets", "array of 1 values"});
    expectError(entry("[]", "[0,1,2]"), {"bad data_offsets"});
    expectError(entry("[]", "[-1,0]"), {"bad data_offsets"});
    expectError(entry("[]", "{}"), {"bad data_offsets", "a JSON object"});
    // 2^48-1 is a valid dim; the file then fails on its byte count, not on the shape.
    expectError(entry("[281474976710655]", "[0,1]"), {"wrong byte count", "expected 281474976710655 bytes"});
}

TEST(SafetensorsFileRules, DuplicateKeysAndMetadata) {
    expectError(withHeader(R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[0,0]},)"
                           R"("w":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}})"),
                {"duplicate key 'w'", "expected each key once"});
    expectError(withHeader(R"({"w":{"dtype":"U8","dtype":"U8","shape":[0],"data_offsets":[0,0]}})"),
                {"duplicate key 'dtype'"});
    expectError(withHeader(R"({"__metadata__":{"a":"x","a":"y"}})"), {"duplicate key 'a'"});
    expectError(withHeader(R"({"__metadata__":{"format":1}})"),
                {"bad __metadata__ (field 'format')", "expected a string value", "got a non-negative integer"});
    expectError(withHeader(R"({"__metadata__":["pt"]})"), {"bad __metadata__", "expected an object of strings"});
    expectError(withHeader(R"({"__metadata__":{"a":)" + std::string(100, '[') + std::string(100, ']') + "}}"),
                {"nesting depth"});
}

// Rule 6: contiguity from 0, no gap, no overlap.
TEST(SafetensorsFileRules, Offsets) {
    const auto twoTensors = [](std::uint64_t b1, std::uint64_t e1, std::uint64_t b2, std::uint64_t e2) {
        WriterOptions options;
        options.editHeader = [=](nlohmann::ordered_json& h) {
            h["a"]["data_offsets"] = {b1, e1};
            h["b"]["data_offsets"] = {b2, e2};
        };
        return buildSafetensors({{"a", "U8", {4}, std::nullopt}, {"b", "U8", {4}, std::nullopt}}, options);
    };
    expectError(twoTensors(0, 4, 2, 6), {"not contiguous", "'b'", "expected begin 4, got [2, 6]", "overlaps"});
    expectError(twoTensors(0, 4, 5, 9), {"not contiguous", "'b'", "expected begin 4", "gap"});
    expectError(twoTensors(1, 5, 5, 9), {"not contiguous", "'a'", "expected begin 0"});
    expectError(twoTensors(0, 4, 4, 2), {"'b'"});  // end < begin: sorts first, breaks contiguity
    expectError(twoTensors(0, 4, 4, 4000), {"wrong byte count", "'b'", "expected 4 bytes for U8 [4], got 3996"});
    expectError(twoTensors(0, 0, 0, 4), {"wrong byte count", "'a'", "expected 4 bytes", "got 0"});
}

// Rule 7: overflow, bits % 8, byte count.
TEST(SafetensorsFileRules, SizeChecks) {
    const auto sized = [](const std::string& dtype, const std::string& shape, std::uint64_t end) {
        return withHeader(R"({"w":{"dtype":")" + dtype + R"(","shape":)" + shape + R"(,"data_offsets":[0,)" +
                          std::to_string(end) + "]}}");
    };
    expectError(sized("U8", "[140737488355328,140737488355328]", 0), {"tensor size overflows", "'w'", "below 2^64"});
    // Like the reference's checked_mul fold, an overflowing prefix fails even before a 0 dim.
    expectError(sized("U8", "[140737488355328,140737488355328,0]", 0), {"tensor size overflows"});
    expectError(sized("U64", "[4294967296,536870912]", 0), {"tensor size overflows"});  // numel ok, bits not
    expectError(sized("F32", "[2,3]", 20), {"wrong byte count", "expected 24 bytes for F32 [2, 3], got 20"});
}

// Rule 8: the data buffer is covered exactly.
TEST(SafetensorsFileRules, BufferCoverage) {
    WriterOptions trailing;
    trailing.trailing = "xx";
    expectError(buildSafetensors({{"w", "F32", {2}, std::nullopt}}, trailing),
                {"not exactly covered", "expected 8 data bytes", "got 10", "2 trailing bytes"});
    WriterOptions truncated;
    truncated.truncateBy = 3;
    expectError(buildSafetensors({{"w", "F32", {2}, std::nullopt}}, truncated),
                {"not exactly covered", "got 5", "file truncated: 3 bytes missing"});
}

TEST(SafetensorsFileRules, MessagesStayOnOneLine) {
    expectError(withHeader(R"({"a\nb":{"dtype":"X","shape":[],"data_offsets":[0,0]}})"), {"'a\\x0ab'"});
    expectError(withHeader(R"({"it's":{"dtype":"X","shape":[],"data_offsets":[0,0]}})"), {"'it\\'s'"});
}

}  // namespace
}  // namespace ql
