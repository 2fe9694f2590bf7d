#include "quantlens/dtype.h"

#include <array>

namespace ql {
namespace {

struct DTypeRow {
    DType dtype;
    std::string_view name;
    int bits;
    bool floating;
};

constexpr std::array<DTypeRow, 22> kDTypes{{
    {DType::Bool, "BOOL", 8, false},
    {DType::F4, "F4", 4, true},
    {DType::F6_E2M3, "F6_E2M3", 6, true},
    {DType::F6_E3M2, "F6_E3M2", 6, true},
    {DType::U8, "U8", 8, false},
    {DType::I8, "I8", 8, false},
    {DType::F8_E5M2, "F8_E5M2", 8, true},
    {DType::F8_E4M3, "F8_E4M3", 8, true},
    {DType::F8_E8M0, "F8_E8M0", 8, true},
    {DType::F8_E4M3FNUZ, "F8_E4M3FNUZ", 8, true},
    {DType::F8_E5M2FNUZ, "F8_E5M2FNUZ", 8, true},
    {DType::I16, "I16", 16, false},
    {DType::U16, "U16", 16, false},
    {DType::F16, "F16", 16, true},
    {DType::BF16, "BF16", 16, true},
    {DType::I32, "I32", 32, false},
    {DType::U32, "U32", 32, false},
    {DType::F32, "F32", 32, true},
    {DType::C64, "C64", 64, true},
    {DType::F64, "F64", 64, true},
    {DType::I64, "I64", 64, false},
    {DType::U64, "U64", 64, false},
}};

const DTypeRow& row(DType dtype) { return kDTypes[static_cast<std::size_t>(dtype)]; }

}  // namespace

std::string_view dtypeName(DType dtype) { return row(dtype).name; }

std::optional<DType> dtypeFromName(std::string_view name) {
    for (const auto& r : kDTypes) {
        if (r.name == name) {
            return r.dtype;
        }
    }
    return std::nullopt;
}

int dtypeBits(DType dtype) { return row(dtype).bits; }

bool dtypeIsFloatingPoint(DType dtype) { return row(dtype).floating; }

}  // namespace ql
