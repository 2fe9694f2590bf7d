// Fused single-pass Int4Plain fake quant (CPU). Same fp32 operations in the same order as
// torchao's eager sequence (§2.2): amax/amin (NaN-propagating), clamp_min(M-m, 1e-6), /15 (CPU)
// or *fl32(1/15) (CUDA), z = m + s*8, u = (w-m)/s, round-half-even, clamp [0,15], (q-8)*s, + z,
// then RNE to the input dtype. No FMA contraction: mul and add must round separately.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <ATen/Parallel.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "quant/fake_quant.h"

namespace ql::quant {
namespace {

inline float toFloat(float v) { return v; }
inline float toFloat(c10::BFloat16 v) {
    const std::uint32_t bits = static_cast<std::uint32_t>(v.x) << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}
template <typename T> inline T fromFloat(float v);
template <> inline float fromFloat<float>(float v) { return v; }
// c10::BFloat16's round_to_nearest_even, branch-light so the loop vectorizes.
template <> inline c10::BFloat16 fromFloat<c10::BFloat16>(float v) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    const std::uint32_t rne = (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
    return c10::BFloat16(static_cast<std::uint16_t>(v != v ? 0x7FC0u : rne), c10::BFloat16::from_bits());
}

// Round half to even (torch.round). u lies in [0, ~15] or is NaN/inf here; the 1.5*2^23 trick is exact
// RNE for |u| < 2^22 and leaves NaN/inf as they are; larger finite |u| falls back to nearbyint.
inline float roundHalfEven(float u) {
    constexpr float kMagic = 12582912.0f;
    return std::fabs(u) < 4194304.0f ? (u + kMagic) - kMagic : std::nearbyint(u);
}

// torch.clamp semantics: NaN passes through.
inline float clampCode(float r) { return r < 0.0f ? 0.0f : (r > 15.0f ? 15.0f : r); }

template <typename T>
void fakeQuantGroup(const T* in, T* out, int64_t g, bool cuda) {
    float mx = -std::numeric_limits<float>::infinity();
    float mn = std::numeric_limits<float>::infinity();
    bool nan = false;
    for (int64_t e = 0; e < g; ++e) {
        const float v = toFloat(in[e]);
        nan |= std::isnan(v);
        mx = v > mx ? v : mx;
        mn = v < mn ? v : mn;
    }
    if (nan) {
        mx = mn = std::numeric_limits<float>::quiet_NaN();
    }
    float range = mx - mn;
    range = range < 1e-6f ? 1e-6f : range;  // clamp(min=1e-6); NaN stays NaN
    const float s = cuda ? range * (1.0f / 15.0f) : range / 15.0f;
    const float s8 = s * 8.0f;
    const float z = mn + s8;
    for (int64_t e = 0; e < g; ++e) {
        const float u = (toFloat(in[e]) - mn) / s;
        const float q = clampCode(roundHalfEven(u)) - 8.0f;
        const float cs = q * s;
        out[e] = fromFloat<T>(cs + z);
    }
}

template <typename T>
void runFused(const at::Tensor& w, at::Tensor& out, int64_t g, bool cuda) {
    const T* in = w.data_ptr<T>();
    T* dst = out.data_ptr<T>();
    const int64_t groups = w.numel() / g;
    const int64_t grain = std::max<int64_t>(1, 32768 / g);
    at::parallel_for(0, groups, grain, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            fakeQuantGroup<T>(in + i * g, dst + i * g, g, cuda);
        }
    });
}

}  // namespace

at::Tensor int4FakeQuantFused(const at::Tensor& w, int groupSize, DeviceSemantics device) {
    at::Tensor out = at::empty_like(w);
    const bool cuda = device == DeviceSemantics::Cuda;
    if (w.scalar_type() == at::kBFloat16) {
        runFused<c10::BFloat16>(w, out, groupSize, cuda);
    } else {
        runFused<float>(w, out, groupSize, cuda);
    }
    return out;
}

}  // namespace ql::quant
