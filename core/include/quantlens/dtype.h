// Element types of the safetensors format (huggingface/safetensors safetensors/src/tensor.rs, enum
// Dtype), with their safetensors and torch spellings: the one table of dtype names.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ql {

// Declaration order follows safetensors' Rust enum (the writer's sort order).
enum class DType : std::uint8_t {
    Bool,
    F4,
    F6_E2M3,
    F6_E3M2,
    U8,
    I8,
    F8_E5M2,
    F8_E4M3,
    F8_E8M0,
    F8_E4M3FNUZ,
    F8_E5M2FNUZ,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    C64,
    F64,
    I64,
    U64,
};

// The safetensors spelling ("BF16", "F8_E4M3", ...).
std::string_view dtypeName(DType dtype);

// Parses the safetensors spelling; nullopt for an unknown string.
std::optional<DType> dtypeFromName(std::string_view name);

// torch's spelling ("bfloat16", "float8_e4m3fn", ...: str(torch.dtype) without "torch."); "" for the
// safetensors-only types (F4, F6_*).
std::string_view torchDtypeName(DType dtype);

// Parses torch's spelling; nullopt for an unknown string.
std::optional<DType> dtypeFromTorchName(std::string_view name);

// Bits per element (4 for F4, 6 for F6_*, 8 for BOOL ...).
int dtypeBits(DType dtype);

bool dtypeIsFloatingPoint(DType dtype);

}  // namespace ql
