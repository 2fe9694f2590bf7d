// GCC/Clang vector extensions, 16 fp32 lanes. Built with -ffp-contract=off (core/CMakeLists.txt):
// a multiply followed by an add must round twice, as torchao's separate ops do.
#include "quant/int4_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <limits>

#include "util/bf16_bits.h"

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

QL_INLINE VecF splat(float v) {
    return VecF{} + v;
}

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
QL_INLINE void store(float* p, VecF v) {
    std::memcpy(p, &v, sizeof v);
}
QL_INLINE void store(std::uint16_t* p, VecF v) {
    const VecH h = __builtin_convertvector(bf16Bits(v), VecH);
    std::memcpy(p, &h, sizeof h);
}
QL_INLINE VecF roundBf16(VecF v) {
    return reinterpret_cast<VecF>(bf16Bits(v) << 16);
}

QL_INLINE float loadScalar(float v) {
    return v;
}
QL_INLINE float loadScalar(std::uint16_t v) {
    return bf16::toFloat(v);
}
QL_INLINE void storeScalar(float* p, float v) {
    *p = v;
}
QL_INLINE void storeScalar(std::uint16_t* p, float v) {
    *p = bf16::fromFloat(v);
}

struct GroupParams {
    float min, scale, zero, reciprocal;
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
        // Halve the lanes four times (max / min of exact values: the order does not matter).
        const VecI half8 = {8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7};
        const VecI half4 = {4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11};
        const VecI half2 = {2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13};
        const VecI half1 = {1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14};
        for (const VecI& m : {half8, half4, half2, half1}) {
            const VecF x = __builtin_shuffle(vmx, m), y = __builtin_shuffle(vmn, m);
            vmx = x > vmx ? x : vmx;
            vmn = y < vmn ? y : vmn;
            vnan |= __builtin_shuffle(vnan, m);
        }
        nan = vnan[0] != 0;
        mx = vmx[0];
        mn = vmn[0];
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
    return {mn, s, mn + s * 8.0f, 1.0f / s};
}

// clamp(round((w - m) / s), 0, 15) - 8 as float. Clamping before rounding gives the same result for
// every u (u >= 0 or NaN here) and keeps u below 2^23 for the magic-number rounding.
QL_INLINE VecF codeOf(VecF w, VecF mn, VecF s) {
    VecF u = (w - mn) / s;
    u = u < 0.0f ? splat(0.0f) : u;
    u = u > 15.0f ? splat(15.0f) : u;
    return ((u + kRoundMagic) - kRoundMagic) - 8.0f;
}
QL_INLINE bool anyLane(VecI m) {
    std::uint64_t words[8];
    std::memcpy(words, &m, sizeof words);
    return (words[0] | words[1] | words[2] | words[3] | words[4] | words[5] | words[6] | words[7]) != 0;
}

QL_INLINE float codeOf(float w, float mn, float s) {
    float u = (w - mn) / s;
    u = u < 0.0f ? 0.0f : (u > 15.0f ? 15.0f : u);
    return ((u + kRoundMagic) - kRoundMagic) - 8.0f;
}

constexpr std::int64_t kMaxFastGroup = 1024;  // groups up to this size take groupCodes' fast path

// The codes of one group (floats in [-8, 7], or NaN), into c[0, g). Without the division where that
// gives the same codes: q = (w - m)·fl(1/s) is within 1.5·2^-23 (relative) of the exact quotient, so
// below 16 it is within 2^-18.4 of the correctly rounded (w - m) / s, and both round to the same
// integer (half to even, after the clamp to [0, 15]) unless q lies within 2^-17 of a half-integer.
// When any element of the group does, the whole group is redone with the division. NaN stays NaN.
template <typename T>
QL_INLINE void groupCodes(const T* in, std::int64_t g, const GroupParams& p, float* c) {
    const VecF mn = splat(p.min), s = splat(p.scale), r = splat(p.reciprocal);
    VecI near = {};
    std::int64_t e = 0;
    for (; e + kLanes <= g; e += kLanes) {
        VecF u = (load(in + e) - mn) * r;
        u = u < 0.0f ? splat(0.0f) : u;
        u = u > 15.0f ? splat(15.0f) : u;
        const VecF n = (u + kRoundMagic) - kRoundMagic;
        const VecF off = n - u;
        const VecF dist = off < 0.0f ? -off : off;  // in [0, 0.5]; NaN lanes never count as near
        near |= splat(0.5f) - dist < splat(0x1.0p-17f);
        store(c + e, n - 8.0f);
    }
    for (; e < g; ++e) {
        c[e] = codeOf(loadScalar(in[e]), p.min, p.scale);
    }
    if (anyLane(near)) {
        for (e = 0; e + kLanes <= g; e += kLanes) {
            store(c + e, codeOf(load(in + e), mn, s));
        }
    }
}

// Where each group's codes go: c·s + z in the input's dtype (fake), the deployed kernel's dequant
// bf16(bf16(c·s_bf16) + z_bf16) in fp32, the fake value in fp32, the fake value plus an fp32 delta
// (the dense map of an unmerged LoRA), the int8 codes. Null pointers are skipped.
template <typename T>
struct GroupOutputs {
    T* fake = nullptr;
    float* dequant = nullptr;
    float* fakeF32 = nullptr;
    const float* delta = nullptr;  // with plusDelta
    float* plusDelta = nullptr;
    std::int8_t* codes = nullptr;
    float* scale = nullptr;  // per group
    float* zero = nullptr;
};

template <typename T>
QL_INLINE void writeGroup(const float* c, std::int64_t g, const GroupParams& p, const GroupOutputs<T>& o,
                          std::int64_t offset) {
    const VecF s = splat(p.scale), z = splat(p.zero);
    const float sb = roundToBf16(p.scale), zb = roundToBf16(p.zero);
    const VecF vsb = splat(sb), vzb = splat(zb);
    std::int64_t e = 0;
    for (; e + kLanes <= g; e += kLanes) {
        const VecF code = load(c + e);
        const VecF fq = code * s + z;  // two roundings: -ffp-contract=off
        if (o.fake) store(o.fake + offset + e, fq);
        if (o.fakeF32 || o.plusDelta) {
            // The fake value as the weight dtype holds it (bf16 for a bf16 weight).
            const VecF held = sizeof(T) == 2 ? roundBf16(fq) : fq;
            if (o.fakeF32) store(o.fakeF32 + offset + e, held);
            if (o.plusDelta) store(o.plusDelta + offset + e, held + load(o.delta + offset + e));
        }
        if (o.dequant) {
            // The int8 code as the kernel sees it (NaN -> 0), then bf16(bf16(c·s_bf16) + z_bf16).
            const VecF ci = (code != code) ? VecF{} : code;
            store(o.dequant + offset + e, roundBf16(roundBf16(ci * vsb) + vzb));
        }
        if (o.codes) {
            const VecI ci = (code != code) ? VecI{} : __builtin_convertvector(code, VecI);
            const VecB cb = __builtin_convertvector(ci, VecB);
            std::memcpy(o.codes + offset + e, &cb, sizeof cb);
        }
    }
    for (; e < g; ++e) {
        const float code = c[e];
        const float fq = code * p.scale + p.zero;
        if (o.fake) storeScalar(o.fake + offset + e, fq);
        const float held = sizeof(T) == 2 ? roundToBf16(fq) : fq;
        if (o.fakeF32) o.fakeF32[offset + e] = held;
        if (o.plusDelta) o.plusDelta[offset + e] = held + o.delta[offset + e];
        if (o.dequant) {
            const float ci = code != code ? 0.0f : code;
            o.dequant[offset + e] = roundToBf16(roundToBf16(ci * sb) + zb);
        }
        if (o.codes) o.codes[offset + e] = code != code ? 0 : static_cast<std::int8_t>(code);
    }
}

template <typename T>
QL_INLINE void quantGroups(const T* in, std::int64_t groups, std::int64_t g, bool cudaDivision,
                           const GroupOutputs<T>& o) {
    alignas(64) float c[kMaxFastGroup];
    for (std::int64_t i = 0; i < groups; ++i) {
        const T* gin = in + i * g;
        const GroupParams p = groupParams(gin, g, cudaDivision);
        if (o.scale) {
            o.scale[i] = p.scale;
            o.zero[i] = p.zero;
        }
        if (g <= kMaxFastGroup) {
            groupCodes(gin, g, p, c);
            writeGroup(c, g, p, o, i * g);
            continue;
        }
        for (std::int64_t e0 = 0; e0 < g; e0 += kMaxFastGroup) {  // large groups: the division throughout
            const std::int64_t n = std::min(kMaxFastGroup, g - e0);
            for (std::int64_t e = 0; e < n; ++e) c[e] = codeOf(loadScalar(gin[e0 + e]), p.min, p.scale);
            writeGroup(c, n, p, o, i * g + e0);
        }
    }
}

}  // namespace

QL_KERNEL void int4FakeAndDequantBf16(const std::uint16_t* in, std::uint16_t* fake, float* dequant, float* scale,
                                      float* zero, std::int64_t groups, std::int64_t groupSize, bool cudaDivision) {
    GroupOutputs<std::uint16_t> o;
    o.fake = fake, o.dequant = dequant, o.scale = scale, o.zero = zero;
    quantGroups(in, groups, groupSize, cudaDivision, o);
}

QL_KERNEL void int4FakeQuantBf16(const std::uint16_t* in, std::uint16_t* out, std::int64_t groups,
                                 std::int64_t groupSize, bool cudaDivision) {
    GroupOutputs<std::uint16_t> o;
    o.fake = out;
    quantGroups(in, groups, groupSize, cudaDivision, o);
}

QL_KERNEL void int4FakeQuantBf16WithParams(const std::uint16_t* in, std::uint16_t* out, float* scale, float* zero,
                                           std::int64_t groups, std::int64_t groupSize, bool cudaDivision) {
    GroupOutputs<std::uint16_t> o;
    o.fake = out, o.scale = scale, o.zero = zero;
    quantGroups(in, groups, groupSize, cudaDivision, o);
}

QL_KERNEL void int4FakeQuantRowsBf16(const std::uint16_t* in, const Int4RowOutputs& out, std::int64_t groups,
                                     std::int64_t groupSize, bool cudaDivision) {
    GroupOutputs<std::uint16_t> o;
    o.fake = out.fake, o.dequant = out.dequant, o.fakeF32 = out.fakeF32, o.delta = out.delta,
    o.plusDelta = out.plusDelta, o.scale = out.scale, o.zero = out.zero;
    quantGroups(in, groups, groupSize, cudaDivision, o);
}

QL_KERNEL void int4FakeQuantF32(const float* in, float* out, std::int64_t groups, std::int64_t groupSize,
                                bool cudaDivision) {
    GroupOutputs<float> o;
    o.fake = out;
    quantGroups(in, groups, groupSize, cudaDivision, o);
}

QL_KERNEL void int4CodesBf16(const std::uint16_t* in, std::int8_t* codes, float* scale, float* zero,
                             std::int64_t groups, std::int64_t groupSize, bool cudaDivision) {
    GroupOutputs<std::uint16_t> o;
    o.codes = codes, o.scale = scale, o.zero = zero;
    quantGroups(in, groups, groupSize, cudaDivision, o);
}

QL_KERNEL void int4CodesF32(const float* in, std::int8_t* codes, float* scale, float* zero, std::int64_t groups,
                            std::int64_t groupSize, bool cudaDivision) {
    GroupOutputs<float> o;
    o.codes = codes, o.scale = scale, o.zero = zero;
    quantGroups(in, groups, groupSize, cudaDivision, o);
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
    return bf16::toFloat(bf16::fromFloat(v));
}

}  // namespace ql::quant::kernels
