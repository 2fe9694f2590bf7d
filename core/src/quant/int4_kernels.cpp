// GCC/Clang vector extensions, 16 fp32 lanes. Built with -ffp-contract=off (core/CMakeLists.txt):
// a multiply followed by an add must round twice, as torchao's separate ops do.
#include "quant/int4_kernels.h"

#include <cmath>
#include <cstring>
#include <limits>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define QL_KERNEL __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define QL_KERNEL
#endif
// Helpers are inlined into each ISA clone of the kernels (a helper left out of line would be built
// for the baseline ISA only). 64-byte vectors pass between them only inside a clone.
#define QL_INLINE inline __attribute__((always_inline))
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ql::quant::kernels {
namespace {

constexpr int kLanes = 16;
typedef float VecF __attribute__((vector_size(64)));
typedef std::int32_t VecI __attribute__((vector_size(64)));
typedef std::uint32_t VecU __attribute__((vector_size(64)));
typedef std::uint16_t VecH __attribute__((vector_size(32)));
typedef std::int8_t VecB __attribute__((vector_size(16)));

constexpr float kRoundMagic = 8388608.0f;  // 2^23: (u + 2^23) - 2^23 is round-half-even for u in [0, 2^23)

QL_INLINE VecF splat(float v) { return VecF{} + v; }

QL_INLINE VecF load(const float* p) {
    VecF v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
QL_INLINE VecF load(const std::uint16_t* p) {
    VecH h;
    std::memcpy(&h, p, sizeof h);
    return reinterpret_cast<VecF>(__builtin_convertvector(h, VecU) << 16);
}
QL_INLINE VecU bf16Bits(VecF v) {
    const VecU bits = reinterpret_cast<VecU>(v);
    const VecU rne = (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
    return (v != v) ? VecU{} + 0x7FC0u : rne;
}
QL_INLINE void store(float* p, VecF v) { std::memcpy(p, &v, sizeof v); }
QL_INLINE void store(std::uint16_t* p, VecF v) {
    const VecH h = __builtin_convertvector(bf16Bits(v), VecH);
    std::memcpy(p, &h, sizeof h);
}
QL_INLINE VecF roundBf16(VecF v) { return reinterpret_cast<VecF>(bf16Bits(v) << 16); }

QL_INLINE float loadScalar(float v) { return v; }
QL_INLINE float loadScalar(std::uint16_t v) {
    const std::uint32_t bits = static_cast<std::uint32_t>(v) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}
QL_INLINE std::uint32_t bf16BitsScalar(float v) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    return v != v ? 0x7FC0u : (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
}
QL_INLINE void storeScalar(float* p, float v) { *p = v; }
QL_INLINE void storeScalar(std::uint16_t* p, float v) { *p = static_cast<std::uint16_t>(bf16BitsScalar(v)); }

struct GroupParams {
    float min, scale, zero;
};

// torch.amax / amin over the group (NaN anywhere -> NaN), then torchao's scale and zero.
template <typename T>
QL_INLINE GroupParams groupParams(const T* in, std::int64_t g, bool cudaDivision) {
    float mx = -std::numeric_limits<float>::infinity();
    float mn = std::numeric_limits<float>::infinity();
    bool nan = false;
    std::int64_t e = 0;
    if (g >= kLanes) {
        VecF vmx = splat(mx), vmn = splat(mn);
        VecI vnan = {};
        for (; e + kLanes <= g; e += kLanes) {
            const VecF v = load(in + e);
            vnan |= (v != v);
            vmx = v > vmx ? v : vmx;
            vmn = v < vmn ? v : vmn;
        }
        for (int l = 0; l < kLanes; ++l) {
            nan |= vnan[l] != 0;
            mx = vmx[l] > mx ? vmx[l] : mx;
            mn = vmn[l] < mn ? vmn[l] : mn;
        }
    }
    for (; e < g; ++e) {
        const float v = loadScalar(in[e]);
        nan |= v != v;
        mx = v > mx ? v : mx;
        mn = v < mn ? v : mn;
    }
    if (nan) {
        mx = mn = std::numeric_limits<float>::quiet_NaN();
    }
    float range = mx - mn;
    range = range < 1e-6f ? 1e-6f : range;  // clamp(min=1e-6); NaN stays NaN
    const float s = cudaDivision ? range * (1.0f / 15.0f) : range / 15.0f;
    return {mn, s, mn + s * 8.0f};
}

// clamp(round((w - m) / s), 0, 15) - 8 as float. Clamping before rounding gives the same result for
// every u (u >= 0 or NaN here) and keeps u below 2^23 for the magic-number rounding.
QL_INLINE VecF codeOf(VecF w, VecF mn, VecF s) {
    VecF u = (w - mn) / s;
    u = u < 0.0f ? splat(0.0f) : u;
    u = u > 15.0f ? splat(15.0f) : u;
    return ((u + kRoundMagic) - kRoundMagic) - 8.0f;
}
QL_INLINE float codeOf(float w, float mn, float s) {
    float u = (w - mn) / s;
    u = u < 0.0f ? 0.0f : (u > 15.0f ? 15.0f : u);
    return ((u + kRoundMagic) - kRoundMagic) - 8.0f;
}

template <typename T>
QL_INLINE void fakeQuantGroups(const T* in, T* out, std::int64_t groups, std::int64_t g, bool cudaDivision) {
    for (std::int64_t i = 0; i < groups; ++i, in += g, out += g) {
        const GroupParams p = groupParams(in, g, cudaDivision);
        const VecF mn = splat(p.min), s = splat(p.scale), z = splat(p.zero);
        std::int64_t e = 0;
        for (; e + kLanes <= g; e += kLanes) {
            const VecF cs = codeOf(load(in + e), mn, s) * s;
            store(out + e, cs + z);
        }
        for (; e < g; ++e) {
            const float cs = codeOf(loadScalar(in[e]), p.min, p.scale) * p.scale;
            storeScalar(out + e, cs + p.zero);
        }
    }
}

template <typename T>
QL_INLINE void codeGroups(const T* in, std::int8_t* codes, float* scale, float* zero, std::int64_t groups, std::int64_t g,
                bool cudaDivision) {
    for (std::int64_t i = 0; i < groups; ++i, in += g, codes += g) {
        const GroupParams p = groupParams(in, g, cudaDivision);
        scale[i] = p.scale;
        zero[i] = p.zero;
        const VecF mn = splat(p.min), s = splat(p.scale);
        std::int64_t e = 0;
        for (; e + kLanes <= g; e += kLanes) {
            const VecF c = codeOf(load(in + e), mn, s);
            const VecI ci = (c != c) ? VecI{} : __builtin_convertvector(c, VecI);
            const VecB cb = __builtin_convertvector(ci, VecB);
            std::memcpy(codes + e, &cb, sizeof cb);
        }
        for (; e < g; ++e) {
            const float c = codeOf(loadScalar(in[e]), p.min, p.scale);
            codes[e] = c != c ? 0 : static_cast<std::int8_t>(c);
        }
    }
}

QL_INLINE void fakeAndDequantGroups(const std::uint16_t* in, std::uint16_t* fake, float* dequant, float* scale,
                                    float* zero, std::int64_t groups, std::int64_t g, bool cudaDivision) {
    for (std::int64_t i = 0; i < groups; ++i, in += g, fake += g, dequant += g) {
        const GroupParams p = groupParams(in, g, cudaDivision);
        scale[i] = p.scale;
        zero[i] = p.zero;
        const float sb = roundToBf16(p.scale), zb = roundToBf16(p.zero);
        const VecF mn = splat(p.min), s = splat(p.scale), z = splat(p.zero), vsb = splat(sb), vzb = splat(zb);
        std::int64_t e = 0;
        for (; e + kLanes <= g; e += kLanes) {
            const VecF c = codeOf(load(in + e), mn, s);
            const VecF cs = c * s;
            store(fake + e, cs + z);
            // The int8 code as the kernel sees it (NaN -> 0), then bf16(bf16(c·s_bf16) + z_bf16).
            const VecF ci = (c != c) ? VecF{} : c;
            store(dequant + e, roundBf16(roundBf16(ci * vsb) + vzb));
        }
        for (; e < g; ++e) {
            const float c = codeOf(loadScalar(in[e]), p.min, p.scale);
            const float cs = c * p.scale;
            storeScalar(fake + e, cs + p.zero);
            const float ci = c != c ? 0.0f : c;
            dequant[e] = roundToBf16(roundToBf16(ci * sb) + zb);
        }
    }
}

}  // namespace

QL_KERNEL void int4FakeAndDequantBf16(const std::uint16_t* in, std::uint16_t* fake, float* dequant, float* scale,
                                      float* zero, std::int64_t groups, std::int64_t groupSize, bool cudaDivision) {
    fakeAndDequantGroups(in, fake, dequant, scale, zero, groups, groupSize, cudaDivision);
}

QL_KERNEL void int4FakeQuantBf16(const std::uint16_t* in, std::uint16_t* out, std::int64_t groups,
                                 std::int64_t groupSize, bool cudaDivision) {
    fakeQuantGroups(in, out, groups, groupSize, cudaDivision);
}

QL_KERNEL void int4FakeQuantF32(const float* in, float* out, std::int64_t groups, std::int64_t groupSize,
                                bool cudaDivision) {
    fakeQuantGroups(in, out, groups, groupSize, cudaDivision);
}

QL_KERNEL void int4CodesBf16(const std::uint16_t* in, std::int8_t* codes, float* scale, float* zero,
                             std::int64_t groups, std::int64_t groupSize, bool cudaDivision) {
    codeGroups(in, codes, scale, zero, groups, groupSize, cudaDivision);
}

QL_KERNEL void int4CodesF32(const float* in, std::int8_t* codes, float* scale, float* zero, std::int64_t groups,
                            std::int64_t groupSize, bool cudaDivision) {
    codeGroups(in, codes, scale, zero, groups, groupSize, cudaDivision);
}

QL_KERNEL void int4DequantBf16ToF32(const std::int8_t* codes, const float* scale, const float* zero, float* out,
                                    std::int64_t groups, std::int64_t g) {
    for (std::int64_t i = 0; i < groups; ++i, codes += g, out += g) {
        const VecF s = splat(scale[i]), z = splat(zero[i]);
        std::int64_t e = 0;
        for (; e + kLanes <= g; e += kLanes) {
            VecB cb;
            std::memcpy(&cb, codes + e, sizeof cb);
            // int8 -> int32 -> fp32 (a direct int8 -> fp32 conversion is scalarized by GCC 12)
            const VecF c = __builtin_convertvector(__builtin_convertvector(cb, VecI), VecF);
            store(out + e, roundBf16(roundBf16(c * s) + z));
        }
        for (; e < g; ++e) {
            out[e] = roundToBf16(roundToBf16(static_cast<float>(codes[e]) * scale[i]) + zero[i]);
        }
    }
}

float roundToBf16(float v) {
    const std::uint32_t bits = bf16BitsScalar(v) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

}  // namespace ql::quant::kernels
