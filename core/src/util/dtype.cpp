#include "quantlens/dtype.h"

#include <array>

namespace ql {
namespace {

struct DTypeRow {
    DType dtype;
    std::string_view name;       // safetensors (Rust enum Dtype)
    std::string_view torchName;  // str(torch.dtype) without "torch."; "" where torch has no such dtype
    int bits;
    bool floating;
};

constexpr std::array<DTypeRow, 22> kDTypes{{
    {DType::Bool, "BOOL", "bool", 8, false},
    {DType::F4, "F4", "", 4, true},
    {DType::F6_E2M3, "F6_E2M3", "", 6, true},
    {DType::F6_E3M2, "F6_E3M2", "", 6, true},
    {DType::U8, "U8", "uint8", 8, false},
    {DType::I8, "I8", "int8", 8, false},
    {DType::F8_E5M2, "F8_E5M2", "float8_e5m2", 8, true},
    {DType::F8_E4M3, "F8_E4M3", "float8_e4m3fn", 8, true},
    {DType::F8_E8M0, "F8_E8M0", "float8_e8m0fnu", 8, true},
    {DType::F8_E4M3FNUZ, "F8_E4M3FNUZ", "float8_e4m3fnuz", 8, true},
    {DType::F8_E5M2FNUZ, "F8_E5M2FNUZ", "float8_e5m2fnuz", 8, true},
    {DType::I16, "I16", "int16", 16, false},
    {DType::U16, "U16", "uint16", 16, false},
    {DType::F16, "F16", "float16", 16, true},
    {DType::BF16, "BF16", "bfloat16", 16, true},
    {DType::I32, "I32", "int32", 32, false},
    {DType::U32, "U32", "uint32", 32, false},
    {DType::F32, "F32", "float32", 32, true},
    {DType::C64, "C64", "complex64", 64, true},
    {DType::F64, "F64", "float64", 64, true},
    {DType::I64, "I64", "int64", 64, false},
    {DType::U64, "U64", "uint64", 64, false},
}};

const DTypeRow& row(DType dtype) {
    return kDTypes[static_cast<std::size_t>(dtype)];
}

}  // namespace

std::string_view dtypeName(DType dtype) {
    return row(dtype).name;
}

std::optional<DType> dtypeFromName(std::string_view name) {
    for (const auto& r : kDTypes) {
        if (r.name == name) {
            return r.dtype;
        }
    }
    return std::nullopt;
}

std::string_view torchDtypeName(DType dtype) {
    return row(dtype).torchName;
}

std::optional<DType> dtypeFromTorchName(std::string_view name) {
    for (const auto& r : kDTypes) {
        if (!r.torchName.empty() && r.torchName == name) {
            return r.dtype;
        }
    }
    return std::nullopt;
}

int dtypeBits(DType dtype) {
    return row(dtype).bits;
}

bool dtypeIsFloatingPoint(DType dtype) {
    return row(dtype).floating;
}

}  // namespace ql
