// Strict safetensors reader. Checks follow the reference reader's order (safetensors/src/tensor.rs
// SafeTensors::read_metadata, Metadata::validate); on top of it: duplicate keys, unknown entry
// fields and dims above 2^48-1 are rejected.
#include "quantlens/safetensors_file.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include "safetensors_json.h"

namespace ql {
namespace {

using detail::jsonTypeName;
using detail::quoteName;
using nlohmann::json;

constexpr std::uint64_t kMaxDim = (std::uint64_t{1} << 48) - 1;

struct ParsedHeader {
    std::vector<TensorInfo> tensors;
    std::map<std::string, std::string> metadata;
};

Error invalid(const std::string& source, const std::string& what, const std::string& detail) {
    return makeError(ErrorCode::InvalidInput, source + ": " + what + ": " + detail);
}

Error tensorError(const std::string& source, const std::string& what, const std::string& name,
                  const std::string& detail) {
    return invalid(source, what + " (tensor " + quoteName(name) + ")", detail);
}

std::string validDTypeList() {
    std::string list;
    for (int i = 0; i <= static_cast<int>(DType::U64); ++i) {
        list += (i == 0 ? "" : ", ") + std::string(dtypeName(static_cast<DType>(i)));
    }
    return list;
}

Result<DType> parseDType(const std::string& source, const std::string& name, const json& value) {
    if (!value.is_string()) {
        return tensorError(source, "bad dtype", name, "expected a string, got " + jsonTypeName(value));
    }
    const auto& text = value.get_ref<const std::string&>();
    if (auto dtype = dtypeFromName(text)) {
        return *dtype;
    }
    return tensorError(source, "unknown dtype", name,
                       "expected one of " + validDTypeList() + ", got " + quoteName(text));
}

Result<std::vector<std::int64_t>> parseShape(const std::string& source, const std::string& name, const json& value) {
    if (!value.is_array()) {
        return tensorError(source, "bad shape", name, "expected an array of integers, got " + jsonTypeName(value));
    }
    std::vector<std::int64_t> shape;
    for (const json& dim : value) {
        if (!dim.is_number_unsigned() || dim.get<std::uint64_t>() > kMaxDim) {
            const std::string got = dim.is_number_integer() ? dim.dump() : jsonTypeName(dim);
            return tensorError(
                source, "bad shape", name,
                "expected integers in [0, 2^48-1], got " + got + " in dim " + std::to_string(shape.size()));
        }
        shape.push_back(static_cast<std::int64_t>(dim.get<std::uint64_t>()));
    }
    return shape;
}

Status parseOffsets(const std::string& source, const std::string& name, const json& value, TensorInfo& info) {
    const bool ok =
        value.is_array() && value.size() == 2 && value[0].is_number_unsigned() && value[1].is_number_unsigned();
    if (!ok) {
        const std::string got =
            value.is_array() ? "an array of " + std::to_string(value.size()) + " values" : jsonTypeName(value);
        return tensorError(source, "bad data_offsets", name,
                           "expected [begin, end] as two non-negative integers, got " + got);
    }
    info.dataBegin = value[0].get<std::uint64_t>();
    info.dataEnd = value[1].get<std::uint64_t>();
    return Ok{};
}

Result<TensorInfo> parseEntry(const std::string& source, const std::string& name, const json& entry) {
    static const char* kExpected = "expected an object with exactly dtype, shape and data_offsets";
    if (!entry.is_object()) {
        return tensorError(source, "bad tensor entry", name, std::string(kExpected) + ", got " + jsonTypeName(entry));
    }
    for (const char* field : {"dtype", "shape", "data_offsets"}) {
        if (!entry.contains(field)) {
            return tensorError(source, "missing field", name, std::string(kExpected) + ", got no " + field);
        }
    }
    if (entry.size() != 3) {
        for (const auto& [key, unused] : entry.items()) {
            if (key != "dtype" && key != "shape" && key != "data_offsets") {
                return tensorError(source, "unknown field", name,
                                   std::string(kExpected) + ", got also " + quoteName(key));
            }
        }
    }
    TensorInfo info;
    info.name = name;
    auto dtype = parseDType(source, name, entry["dtype"]);
    if (!dtype) {
        return dtype.error();
    }
    info.dtype = *dtype;
    auto shape = parseShape(source, name, entry["shape"]);
    if (!shape) {
        return shape.error();
    }
    info.shape = std::move(*shape);
    if (auto offsets = parseOffsets(source, name, entry["data_offsets"], info); !offsets) {
        return offsets.error();
    }
    return info;
}

Status parseMetadata(const std::string& source, const json& value, std::map<std::string, std::string>& out) {
    if (!value.is_object()) {
        return invalid(source, "bad __metadata__", "expected an object of strings, got " + jsonTypeName(value));
    }
    for (const auto& [key, item] : value.items()) {
        if (!item.is_string()) {
            return invalid(source, "bad __metadata__ (field " + quoteName(key) + ")",
                           "expected a string value, got " + jsonTypeName(item));
        }
        out.emplace(key, item.get<std::string>());
    }
    return Ok{};
}

Result<ParsedHeader> parseHeaderJson(const std::string& source, std::string_view text) {
    if (auto bad = detail::findInvalidUtf8(text)) {
        return invalid(source, "header is not valid UTF-8",
                       "expected UTF-8 text (tensor names included), got an ill-formed byte at header offset " +
                           std::to_string(*bad));
    }
    auto parsed = detail::parseStrictJson(text, source, "header");
    if (!parsed) {
        return parsed.error();
    }
    if (!parsed->is_object()) {
        return invalid(source, "header is not a JSON object", "expected an object, got " + jsonTypeName(*parsed));
    }
    ParsedHeader header;
    for (const auto& [key, value] : parsed->items()) {
        if (key == "__metadata__") {
            if (auto ok = parseMetadata(source, value, header.metadata); !ok) {
                return ok.error();
            }
            continue;
        }
        auto info = parseEntry(source, key, value);
        if (!info) {
            return info.error();
        }
        header.tensors.push_back(std::move(*info));
    }
    return header;
}

// Offsets of `info` must start where the previous tensor ended (Metadata::validate, InvalidOffset).
Status checkContiguous(const std::string& source, const TensorInfo& info, std::uint64_t start) {
    const std::string offsets = "[" + std::to_string(info.dataBegin) + ", " + std::to_string(info.dataEnd) + "]";
    if (info.dataBegin != start) {
        const char* kind =
            info.dataBegin < start ? " (overlaps the previous tensor)" : " (gap after the previous tensor)";
        return tensorError(source, "data_offsets not contiguous", info.name,
                           "expected begin " + std::to_string(start) + ", got " + offsets + kind);
    }
    if (info.dataEnd < info.dataBegin) {
        return tensorError(source, "bad data_offsets", info.name, "expected end >= begin, got " + offsets);
    }
    return Ok{};
}

// numel × bits with the reference's overflow checks: like Rust's checked_mul fold, an
// intermediate product that overflows is an error even when a later dimension is 0.
std::optional<std::uint64_t> checkedBits(const TensorInfo& info) {
    std::uint64_t numel = 1;
    for (const std::int64_t dim : info.shape) {
        if (__builtin_mul_overflow(numel, static_cast<std::uint64_t>(dim), &numel)) {
            return std::nullopt;
        }
    }
    std::uint64_t bits = 0;
    if (__builtin_mul_overflow(numel, static_cast<std::uint64_t>(dtypeBits(info.dtype)), &bits)) {
        return std::nullopt;
    }
    return bits;
}

// Byte size = numel × bits / 8 (Metadata::validate: MisalignedSlice, TensorInvalidInfo).
Status checkByteCount(const std::string& source, const TensorInfo& info) {
    const std::string what = std::string(dtypeName(info.dtype)) + " " + formatShape(info.shape);
    const auto bits = checkedBits(info);
    if (!bits) {
        return tensorError(source, "tensor size overflows", info.name, "expected numel x bits below 2^64, got " + what);
    }
    if (*bits % 8 != 0) {
        return tensorError(source, "tensor does not fill whole bytes", info.name,
                           "expected numel x bits divisible by 8, got " + what);
    }
    if (info.byteSize() != *bits / 8) {
        return tensorError(source, "wrong byte count", info.name,
                           "expected " + std::to_string(*bits / 8) + " bytes for " + what + ", got " +
                               std::to_string(info.byteSize()));
    }
    return Ok{};
}

Status validateLayout(const std::string& source, std::vector<TensorInfo>& tensors, std::uint64_t bufferSize) {
    std::ranges::stable_sort(tensors, [](const TensorInfo& a, const TensorInfo& b) {
        return std::pair(a.dataBegin, a.dataEnd) < std::pair(b.dataBegin, b.dataEnd);
    });
    std::uint64_t start = 0;
    for (const TensorInfo& info : tensors) {
        if (auto ok = checkContiguous(source, info, start); !ok) {
            return ok;
        }
        start = info.dataEnd;
        if (auto ok = checkByteCount(source, info); !ok) {
            return ok;
        }
    }
    if (start != bufferSize) {
        const std::string why = start < bufferSize
                                    ? " (" + std::to_string(bufferSize - start) + " trailing bytes)"
                                    : " (file truncated: " + std::to_string(start - bufferSize) + " bytes missing)";
        return invalid(source, "data buffer not exactly covered",
                       "expected " + std::to_string(start) +
                           " data bytes after the header (end of the last tensor), got " + std::to_string(bufferSize) +
                           why);
    }
    return Ok{};
}

// read_metadata's HeaderTooSmall, HeaderTooLarge (N > 100,000,000), InvalidHeaderLength checks;
// returns N, the header length.
Result<std::uint64_t> readHeaderLength(const std::string& source, std::span<const std::byte> bytes) {
    if (bytes.size() < 8) {
        return invalid(source, "file too small for a safetensors header",
                       "expected at least 8 bytes, got " + std::to_string(bytes.size()));
    }
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i) {
        length = (length << 8) | static_cast<std::uint8_t>(bytes[static_cast<std::size_t>(i)]);
    }
    if (length > SafetensorsFile::kMaxHeaderSize) {
        return invalid(source, "header length too large",
                       "expected at most " + std::to_string(SafetensorsFile::kMaxHeaderSize) + " bytes, got " +
                           std::to_string(length));
    }
    if (length > bytes.size() - 8) {
        return invalid(
            source, "header length past end of file",
            "expected 8 + " + std::to_string(length) + " <= file size, got file size " + std::to_string(bytes.size()));
    }
    return length;
}

}  // namespace

Result<SafetensorsFile> SafetensorsFile::open(std::shared_ptr<const ByteSource> source) {
    if (!source) {
        return makeError(ErrorCode::Internal, "SafetensorsFile::open: null byte source");
    }
    const std::string& name = source->name();
    const auto bytes = source->bytes();
    auto length = readHeaderLength(name, bytes);
    if (!length) {
        return length.error();
    }
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + 8, *length);
    auto header = parseHeaderJson(name, text);
    if (!header) {
        return header.error();
    }
    if (auto ok = validateLayout(name, header->tensors, bytes.size() - 8 - *length); !ok) {
        return ok.error();
    }
    SafetensorsFile file;
    file.m_source = std::move(source);
    file.m_headerSize = *length;
    file.m_tensors = std::move(header->tensors);
    file.m_metadata = std::move(header->metadata);
    for (std::size_t i = 0; i < file.m_tensors.size(); ++i) {
        file.m_index.emplace(file.m_tensors[i].name, i);
    }
    return file;
}

Result<SafetensorsFile> SafetensorsFile::openFile(const std::filesystem::path& path) {
    auto source = openMappedFile(path);
    if (!source) {
        return source.error();
    }
    return open(std::move(*source));
}

const TensorInfo* SafetensorsFile::find(std::string_view name) const {
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

// `tensor` must come from this file (or a copy); an out-of-range one gives an empty span.
std::span<const std::byte> SafetensorsFile::data(const TensorInfo& tensor) const {
    const auto all = m_source->bytes();
    const std::uint64_t base = 8 + m_headerSize;
    if (tensor.dataEnd < tensor.dataBegin || base + tensor.dataEnd > all.size()) {
        return {};
    }
    return all.subspan(base + tensor.dataBegin, tensor.byteSize());
}
}  // namespace ql
