// bfloat16 <-> float on raw bits, as c10::BFloat16 converts (c10/util/BFloat16.h): widening is exact,
// narrowing rounds to nearest even and maps every NaN to 0x7FC0. Header-only so kernels inline it.
#pragma once

#include <cstdint>
#include <cstring>

namespace ql::bf16 {

inline float toFloat(std::uint16_t bits) {
    const std::uint32_t wide = static_cast<std::uint32_t>(bits) << 16;
    float f;
    std::memcpy(&f, &wide, sizeof f);
    return f;
}

inline std::uint16_t fromFloat(float v) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    if (v != v) return 0x7FC0u;
    return static_cast<std::uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

}  // namespace ql::bf16
