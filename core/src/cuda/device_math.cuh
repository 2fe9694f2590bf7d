// Device-side scalar helpers shared by the .cu files (never included by host-only code).
// Every fp32 operation uses an explicit _rn intrinsic so nvcc cannot contract a mul and an add into
// an FMA: the results must round exactly as PyTorch's separate eager kernels do.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace ql::cuda::dev {

template <typename T> struct Scalar;
template <> struct Scalar<float> {
    using Raw = float;
    __device__ static float toFloat(float v) { return v; }
    __device__ static float fromFloat(float v) { return v; }
};
template <> struct Scalar<__nv_bfloat16> {
    __device__ static float toFloat(__nv_bfloat16 v) { return __bfloat162float(v); }
    __device__ static __nv_bfloat16 fromFloat(float v) { return __float2bfloat16_rn(v); }
};
template <> struct Scalar<__half> {
    __device__ static float toFloat(__half v) { return __half2float(v); }
    __device__ static __half fromFloat(float v) { return __float2half_rn(v); }
};

// fp32 value of `v` after a round trip through T (what `.to(T)` then `.to(float)` gives).
template <typename T> __device__ inline float roundTrip(float v) { return Scalar<T>::toFloat(Scalar<T>::fromFloat(v)); }

// Per-group parameters of torchao's Int4WeightFakeQuantizer._bf16_activations_forward
// (qat/fake_quantizer.py), from the group's NaN-propagating max/min:
// s = clamp_min(M - m, 1e-6) / 15 (CPU: true division; CUDA: * fl32(1/15)), z = m + s*8.
struct GroupQuant {
    float mn, s, z;
};

__device__ inline GroupQuant groupQuant(float mx, float mn, bool anyNan, bool cudaDiv) {
    if (anyNan) {
        mx = mn = __int_as_float(0x7fc00000);
    }
    float range = __fsub_rn(mx, mn);
    range = range < 1e-6f ? 1e-6f : range;  // clamp(min=1e-6): NaN stays NaN
    const float s = cudaDiv ? __fmul_rn(range, 1.0f / 15.0f) : __fdiv_rn(range, 15.0f);
    return {mn, s, __fadd_rn(mn, __fmul_rn(s, 8.0f))};
}

// One element: y = (clamp(round((v - m) / s), 0, 15) - 8) * s + z, each op rounded separately (fp32).
__device__ inline float fakeQuantValue(float v, const GroupQuant& p) {
    const float u = __fdiv_rn(__fsub_rn(v, p.mn), p.s);
    float r = rintf(u);                              // torch.round: half to even
    r = r < 0.0f ? 0.0f : (r > 15.0f ? 15.0f : r);  // torch.clamp: NaN passes through
    return __fadd_rn(__fmul_rn(__fsub_rn(r, 8.0f), p.s), p.z);
}

// Warp reductions (all 32 lanes active).
__device__ inline float warpMax(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}
__device__ inline float warpMin(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fminf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}
__device__ inline double warpSum(double v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ inline double warpMaxD(double v) {
    for (int o = 16; o > 0; o >>= 1) v = fmax(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

}  // namespace ql::cuda::dev
