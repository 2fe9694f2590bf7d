// Built with -ffp-contract=off (core/CMakeLists.txt): the only fused multiply-adds are the explicit
// __builtin_fmaf of the delta chain; every other product and sum rounds on its own.
#include "quant/lora_kernels.h"

#include <cstring>

#include "util/bf16_bits.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define QL_KERNEL __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define QL_KERNEL
#endif
#define QL_INLINE_FMA inline __attribute__((always_inline))
#pragma GCC diagnostic ignored "-Wpsabi"

namespace ql::quant::kernels {
namespace {

constexpr std::int64_t kLanes = 16;  // output columns per accumulator register
typedef float VecF __attribute__((vector_size(64)));

}  // namespace

// One fused multiply-add per lane (the vector form of __builtin_fmaf; GCC emits vfmadd in the
// AVX2 / AVX-512 clones and a libm fmaf per lane in the baseline one).
QL_INLINE_FMA VecF fma16(VecF x, VecF y, VecF z) {
    VecF out;
    for (int l = 0; l < kLanes; ++l) out[l] = __builtin_fmaf(x[l], y[l], z[l]);
    return out;
}

QL_INLINE_FMA VecF broadcast(float v) {
    VecF out;
    for (int l = 0; l < kLanes; ++l) out[l] = v;  // vbroadcastss (v + 0 would turn -0 into +0)
    return out;
}

QL_INLINE_FMA VecF load16(const float* p) {
    VecF v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// One output row's chunk of 64 columns (four accumulators hide the FMA latency).
QL_INLINE_FMA void deltaChunk1(const float* bi, const float* a, float* oi, std::int64_t r, std::int64_t k, VecF s) {
    VecF acc0 = {}, acc1 = {}, acc2 = {}, acc3 = {};
    for (std::int64_t j = 0; j < r; ++j) {
        const VecF bij = broadcast(bi[j]);
        const float* aj = a + j * k;
        acc0 = fma16(bij, load16(aj), acc0);
        acc1 = fma16(bij, load16(aj + kLanes), acc1);
        acc2 = fma16(bij, load16(aj + 2 * kLanes), acc2);
        acc3 = fma16(bij, load16(aj + 3 * kLanes), acc3);
    }
    acc0 *= s, acc1 *= s, acc2 *= s, acc3 *= s;
    std::memcpy(oi, &acc0, sizeof acc0);
    std::memcpy(oi + kLanes, &acc1, sizeof acc1);
    std::memcpy(oi + 2 * kLanes, &acc2, sizeof acc2);
    std::memcpy(oi + 3 * kLanes, &acc3, sizeof acc3);
}

// Two output rows' chunks of 64 columns sharing the loads of lora_A.
QL_INLINE_FMA void deltaChunk2(const float* b0, const float* b1, const float* a, float* o0, float* o1, std::int64_t r,
                               std::int64_t k, VecF s) {
    VecF p0 = {}, p1 = {}, p2 = {}, p3 = {}, q0 = {}, q1 = {}, q2 = {}, q3 = {};
    for (std::int64_t j = 0; j < r; ++j) {
        const VecF x = broadcast(b0[j]), y = broadcast(b1[j]);
        const float* aj = a + j * k;
        const VecF a0 = load16(aj), a1 = load16(aj + kLanes), a2 = load16(aj + 2 * kLanes),
                   a3 = load16(aj + 3 * kLanes);
        p0 = fma16(x, a0, p0), p1 = fma16(x, a1, p1), p2 = fma16(x, a2, p2), p3 = fma16(x, a3, p3);
        q0 = fma16(y, a0, q0), q1 = fma16(y, a1, q1), q2 = fma16(y, a2, q2), q3 = fma16(y, a3, q3);
    }
    p0 *= s, p1 *= s, p2 *= s, p3 *= s, q0 *= s, q1 *= s, q2 *= s, q3 *= s;
    std::memcpy(o0, &p0, sizeof p0), std::memcpy(o0 + kLanes, &p1, sizeof p1);
    std::memcpy(o0 + 2 * kLanes, &p2, sizeof p2), std::memcpy(o0 + 3 * kLanes, &p3, sizeof p3);
    std::memcpy(o1, &q0, sizeof q0), std::memcpy(o1 + kLanes, &q1, sizeof q1);
    std::memcpy(o1 + 2 * kLanes, &q2, sizeof q2), std::memcpy(o1 + 3 * kLanes, &q3, sizeof q3);
}

// The columns past the last full chunk, one at a time.
QL_INLINE_FMA void deltaTail(const float* bi, const float* a, float* oi, std::int64_t r, std::int64_t k,
                             std::int64_t c0, float scaling) {
    for (std::int64_t c = c0; c < k; ++c) {
        float acc = 0.0f;
        for (std::int64_t j = 0; j < r; ++j) {
            acc = __builtin_fmaf(bi[j], a[j * k + c], acc);
        }
        oi[c] = acc * scaling;
    }
}

QL_KERNEL void loraDeltaRows(const float* b, const float* a, float* out, std::int64_t rows, std::int64_t r,
                             std::int64_t k, float scaling) {
    constexpr std::int64_t kChunk = 4 * kLanes;
    const VecF s = broadcast(scaling);
    const std::int64_t full = k / kChunk * kChunk;
    std::int64_t i = 0;
    for (; i + 2 <= rows; i += 2) {
        for (std::int64_t c0 = 0; c0 < full; c0 += kChunk) {
            deltaChunk2(b + i * r, b + (i + 1) * r, a + c0, out + i * k + c0, out + (i + 1) * k + c0, r, k, s);
        }
        deltaTail(b + i * r, a, out + i * k, r, k, full, scaling);
        deltaTail(b + (i + 1) * r, a, out + (i + 1) * k, r, k, full, scaling);
    }
    for (; i < rows; ++i) {
        for (std::int64_t c0 = 0; c0 < full; c0 += kChunk) {
            deltaChunk1(b + i * r, a + c0, out + i * k + c0, r, k, s);
        }
        deltaTail(b + i * r, a, out + i * k, r, k, full, scaling);
    }
}

QL_KERNEL void rowAbsMaxSumSq(const float* d, std::int64_t rows, std::int64_t k, double* rowMax, double* rowSumSq) {
    typedef double VecD __attribute__((vector_size(64)));
    typedef float VecF8 __attribute__((vector_size(32)));
    for (std::int64_t i = 0; i < rows; ++i) {
        const float* p = d + i * k;
        VecD sq = {};
        VecF8 mx = {};
        std::int64_t j = 0;
        for (; j + 8 <= k; j += 8) {
            VecF8 v;
            std::memcpy(&v, p + j, sizeof v);
            const VecF8 a = v < 0.0f ? -v : v;
            mx = a > mx ? a : mx;  // NaN lanes compare false and are skipped
            const VecD w = __builtin_convertvector(v, VecD);
            sq += w * w;
        }
        double lanes[8];
        std::memcpy(lanes, &sq, sizeof lanes);
        float m = 0.0f;
        for (int l = 0; l < 8; ++l) m = mx[l] > m ? mx[l] : m;
        for (; j < k; ++j) {
            const float a = p[j] < 0.0f ? -p[j] : p[j];
            m = a > m ? a : m;
            lanes[j % 8] += static_cast<double>(p[j]) * p[j];
        }
        double s = 0.0;
        for (int l = 0; l < 8; ++l) s += lanes[l];
        rowMax[i] = m;
        rowSumSq[i] = s;
    }
}

QL_KERNEL float absMax(const float* d, std::int64_t n) {
    typedef float VecF8 __attribute__((vector_size(32)));
    VecF8 mx = {};
    std::int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        VecF8 v;
        std::memcpy(&v, d + j, sizeof v);
        const VecF8 a = v < 0.0f ? -v : v;
        mx = a > mx ? a : mx;
    }
    float m = 0.0f;
    for (int l = 0; l < 8; ++l) m = mx[l] > m ? mx[l] : m;
    for (; j < n; ++j) {
        const float a = d[j] < 0.0f ? -d[j] : d[j];
        m = a > m ? a : m;
    }
    return m;
}

QL_KERNEL void bf16ToF32(const std::uint16_t* in, float* out, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
        out[i] = bf16::toFloat(in[i]);
    }
}

QL_KERNEL void mergeIntoBf16(const std::uint16_t* w, const float* delta, std::uint16_t* out, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
        out[i] = bf16::fromFloat(bf16::toFloat(w[i]) + delta[i]);
    }
}

QL_KERNEL void addDeltaBf16(const std::uint16_t* w, const float* delta, float* out, std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
        out[i] = bf16::toFloat(w[i]) + delta[i];
    }
}

}  // namespace ql::quant::kernels
