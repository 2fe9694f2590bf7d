// int4 PLAIN dequant and dequant-matmul with the deployed kernel's arithmetic (torchao
// int4_tensor.py's F.linear: torch.ops.mslk.bf16i4bf16_rowwise, then res + bias):
// ŵ = T(T(c·s) + z) with the scale/zero dtype T (bf16 in practice), fp32 accumulation, output
// rounded to T, then `+ bias` as a separate T-precision add. Each dequant step is an fp32 op rounded
// to T, exactly as the CPU emulation (at::mul / at::add on bf16 tensors) computes it.
// The matmul is a plain shared-memory tiled kernel (64x64 outputs per block, K in slices of 32,
// 4x4 outputs per thread); correctness first, it is not a tensor-core kernel.
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>

#include <type_traits>

#include "cuda/cuda_kernels.h"
#include "cuda/device_math.cuh"

namespace ql::cuda::detail {
namespace {

using dev::Scalar;

constexpr int kBm = 64, kBn = 64, kBk = 32, kThreads = 256;

struct Int4Args {
    const std::int8_t* q;  // [N, K/2]
    const void* scale;     // [K/g, N]
    const void* zero;
    int n, k, g;
};

__device__ inline int code(const std::int8_t* q, int n, int k, int kk) {
    const int byte = q[static_cast<std::int64_t>(n) * (k / 2) + kk / 2];
    return (kk & 1) ? (byte >> 4) : (((byte & 0xF) ^ 8) - 8);  // both nibbles sign-extended
}

template <typename T>
__device__ inline float dequant(const Int4Args& w, int n, int kk) {
    const std::int64_t gi = static_cast<std::int64_t>(kk / w.g) * w.n + n;
    const float s = Scalar<T>::toFloat(static_cast<const T*>(w.scale)[gi]);
    const float z = Scalar<T>::toFloat(static_cast<const T*>(w.zero)[gi]);
    const float cs = dev::roundTrip<T>(__fmul_rn(static_cast<float>(code(w.q, n, w.k, kk)), s));
    return dev::roundTrip<T>(__fadd_rn(cs, z));
}

template <typename T>
__global__ void dequantKernel(Int4Args w, T* out) {
    const std::int64_t total = static_cast<std::int64_t>(w.n) * w.k;
    for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < total;
         i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
        out[i] = Scalar<T>::fromFloat(dequant<T>(w, static_cast<int>(i / w.k), static_cast<int>(i % w.k)));
    }
}

template <typename T>
__device__ void loadSlice(const T* x, const Int4Args& w, int m, int m0, int n0, int k0, float (*xs)[kBm + 1],
                          float (*ws)[kBn + 1]) {
    for (int idx = threadIdx.x; idx < kBm * kBk; idx += kThreads) {
        const int r = idx / kBk, kk = idx % kBk, gk = k0 + kk;
        const bool inK = gk < w.k;
        xs[kk][r] = (m0 + r < m && inK) ? Scalar<T>::toFloat(x[static_cast<std::int64_t>(m0 + r) * w.k + gk]) : 0.0f;
        ws[kk][r] = (n0 + r < w.n && inK) ? dequant<T>(w, n0 + r, gk) : 0.0f;
    }
}

// out: fp32 accumulators when OutT is float and T is not, else T(acc) then T(out + bias).
template <typename T, typename OutT>
__global__ void __launch_bounds__(kThreads) linearKernel(const T* x, Int4Args w, int m, const T* bias, OutT* out) {
    __shared__ float xs[kBk][kBm + 1];
    __shared__ float ws[kBk][kBn + 1];
    const int m0 = blockIdx.y * kBm, n0 = blockIdx.x * kBn;
    const int tr = threadIdx.x / 16, tc = threadIdx.x % 16;
    float acc[4][4] = {};
    for (int k0 = 0; k0 < w.k; k0 += kBk) {
        loadSlice<T>(x, w, m, m0, n0, k0, xs, ws);
        __syncthreads();
#pragma unroll 8
        for (int kk = 0; kk < kBk; ++kk) {
#pragma unroll
            for (int i = 0; i < 4; ++i) {
#pragma unroll
                for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(xs[kk][tr + 16 * i], ws[kk][tc + 16 * j], acc[i][j]);
            }
        }
        __syncthreads();
    }
    for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 4; ++j) {
            const int r = m0 + tr + 16 * i, c = n0 + tc + 16 * j;
            if (r >= m || c >= w.n) continue;
            float v = acc[i][j];
            if constexpr (!std::is_same_v<OutT, float> || std::is_same_v<T, float>) {
                v = dev::roundTrip<T>(v);
                if (bias) v = dev::roundTrip<T>(__fadd_rn(v, Scalar<T>::toFloat(bias[c])));
            }
            out[static_cast<std::int64_t>(r) * w.n + c] = static_cast<OutT>(Scalar<OutT>::fromFloat(v));
        }
    }
}

Int4Args argsOf(const at::Tensor& qdata, const at::Tensor& scale, const at::Tensor& zero, int g) {
    return {qdata.data_ptr<std::int8_t>(), scale.data_ptr(), zero.data_ptr(), static_cast<int>(qdata.size(0)),
            static_cast<int>(qdata.size(1) * 2), g};
}

template <typename T>
void linearFor(const at::Tensor& x, const Int4Args& w, const at::Tensor& bias, at::Tensor& out, cudaStream_t st) {
    const int m = static_cast<int>(x.size(0));
    const dim3 grid((w.n + kBn - 1) / kBn, (m + kBm - 1) / kBm);
    const T* xp = static_cast<const T*>(x.data_ptr());
    const T* bp = bias.defined() ? static_cast<const T*>(bias.data_ptr()) : nullptr;
    if (out.scalar_type() == at::kFloat) {
        linearKernel<T, float><<<grid, kThreads, 0, st>>>(xp, w, m, bp, out.data_ptr<float>());
    } else {
        linearKernel<T, T><<<grid, kThreads, 0, st>>>(xp, w, m, bp, static_cast<T*>(out.data_ptr()));
    }
}

}  // namespace

void launchInt4Dequant(const at::Tensor& qdata, const at::Tensor& scale, const at::Tensor& zero, int groupSize,
                       at::Tensor& out) {
    const c10::cuda::CUDAGuard guard(qdata.device());
    auto stream = at::cuda::getCurrentCUDAStream();
    const Int4Args w = argsOf(qdata, scale, zero, groupSize);
    const int grid = static_cast<int>(std::min<std::int64_t>((out.numel() + 255) / 256, 65535));
    switch (scale.scalar_type()) {
        case at::kBFloat16:
            dequantKernel<__nv_bfloat16><<<grid, 256, 0, stream>>>(w, static_cast<__nv_bfloat16*>(out.data_ptr()));
            break;
        case at::kHalf: dequantKernel<__half><<<grid, 256, 0, stream>>>(w, static_cast<__half*>(out.data_ptr())); break;
        case at::kFloat: dequantKernel<float><<<grid, 256, 0, stream>>>(w, out.data_ptr<float>()); break;
        default: TORCH_CHECK(false, "int4 dequant: unsupported scale dtype ", scale.scalar_type());
    }
    C10_CUDA_KERNEL_LAUNCH_CHECK();
}

void launchInt4Linear(const at::Tensor& x, const at::Tensor& qdata, const at::Tensor& scale, const at::Tensor& zero,
                      int groupSize, const at::Tensor& bias, at::Tensor& out) {
    const c10::cuda::CUDAGuard guard(qdata.device());
    auto stream = at::cuda::getCurrentCUDAStream();
    const Int4Args w = argsOf(qdata, scale, zero, groupSize);
    switch (scale.scalar_type()) {
        case at::kBFloat16: linearFor<__nv_bfloat16>(x, w, bias, out, stream); break;
        case at::kHalf: linearFor<__half>(x, w, bias, out, stream); break;
        case at::kFloat: linearFor<float>(x, w, bias, out, stream); break;
        default: TORCH_CHECK(false, "int4 linear: unsupported scale dtype ", scale.scalar_type());
    }
    C10_CUDA_KERNEL_LAUNCH_CHECK();
}

}  // namespace ql::cuda::detail
