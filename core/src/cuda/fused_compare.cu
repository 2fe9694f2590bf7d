// Fused int4 fake quant of both sides + diff metrics + per-group max |Δ| + log |Δ| histogram, one read
// of each input (see cuda_kernels.h). A block takes a row tile of `tile` elements (a multiple of both
// sides' groups and of the map group) at a time, grid-stride over all tiles:
//   1. stage the tile(s) in shared memory as fp32 (16-byte vector loads when aligned);
//   2. per group and side, one warp reduces max/min (NaN flag apart) -> (m, s, z) in shared memory;
//   3. per element, both sides' fake quant (torchao op order, _rn intrinsics), rounded to the weight
//      dtype; metrics accumulate per thread in double exactly as checks::DiffAccumulator defines them,
//      the map cell's max via a warp max + shared atomicMax on the float bits (|Δ| >= 0, NaN on top),
//      histogram bins via shared atomics;
//   4. block partials (double) and histogram counts go to global memory; the host sums the partials
//      in a fixed order, so results are deterministic.
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>

#include "cuda/cuda_kernels.h"
#include "cuda/device_math.cuh"

namespace ql::cuda::detail {
namespace {

using dev::GroupQuant;
using dev::Scalar;

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int kBins = kHistEdges - 1;
constexpr int kHistSlots = kBins + 2;  // bins, zeros, overflow

struct Pointers {
    const void* a;
    const void* b;
    void* outA;
    void* outB;
    double* partials;
    unsigned long long* hist;
    float* groupMax;
    std::int64_t k;
    std::int64_t tiles;
    bool sameInput;
    bool vectorLoad;
};

template <typename T>
__device__ void loadTile(const T* src, float* dst, int tile, bool vectorLoad) {
    constexpr int kVec = 16 / sizeof(T);
    if (vectorLoad) {
        for (int i = threadIdx.x * kVec; i < tile; i += kThreads * kVec) {
            const uint4 raw = *reinterpret_cast<const uint4*>(src + i);
            const T* v = reinterpret_cast<const T*>(&raw);
#pragma unroll
            for (int j = 0; j < kVec; ++j) dst[i + j] = Scalar<T>::toFloat(v[j]);
        }
    } else {
        for (int i = threadIdx.x; i < tile; i += kThreads) dst[i] = Scalar<T>::toFloat(src[i]);
    }
}

// Step 2 for one side: (m, s, z) of each of the tile's groups.
__device__ void groupParams(const float* vals, const SideParams& side, int tile, GroupQuant* out) {
    if (!side.quantize) return;
    const int g = side.groupSize, lane = threadIdx.x & 31;
    for (int grp = threadIdx.x >> 5; grp < tile / g; grp += kWarps) {
        float mx = -INFINITY, mn = INFINITY;
        bool nan = false;
        for (int e = lane; e < g; e += 32) {
            const float v = vals[grp * g + e];
            nan |= isnan(v);
            mx = fmaxf(mx, v);
            mn = fminf(mn, v);
        }
        mx = dev::warpMax(mx);
        mn = dev::warpMin(mn);
        nan = __any_sync(0xffffffffu, nan);
        if (lane == 0) out[grp] = dev::groupQuant(mx, mn, nan, side.cudaDiv);
    }
}

template <typename T>
__device__ inline float sideValue(float v, const SideParams& side, const GroupQuant* q, int i) {
    return side.quantize ? dev::roundTrip<T>(dev::fakeQuantValue(v, q[i / side.groupSize])) : v;
}

struct Stats {
    double v[kStatCount] = {};
};

// checks::DiffAccumulator::add for one pair, train x, eval y (double).
__device__ inline void accumulate(Stats& st, double x, double y, double atol, double rtol) {
    const bool fin = isfinite(x) && isfinite(y);
    const bool unequal = x != y && !(isnan(x) && isnan(y));
    const double d = fin ? __dsub_rn(x, y) : 0.0;
    const double ad = fabs(d);
    const bool bad = ad > atol && ad > __dmul_rn(rtol, fabs(y));
    st.v[kDiffering] += unequal;
    st.v[kOutOfTol] += bad || (!fin && unequal);
    st.v[kNonFinite] += !fin;
    st.v[kMaxAbs] = fmax(st.v[kMaxAbs], ad);
    st.v[kSumAbs] += ad;
    st.v[kSumSq] += __dmul_rn(d, d);
    const double xf = fin ? x : 0.0, yf = fin ? y : 0.0;
    st.v[kSumA2] += __dmul_rn(xf, xf);
    st.v[kSumB2] += __dmul_rn(yf, yf);
    st.v[kSumAB] += __dmul_rn(xf, yf);
}

// checks::absDiffHistogram's slot of |x - y|: torch.bucketize(right=True) - 1 clamped at 0.
__device__ inline int histSlot(double x, double y, const double* edges) {
    const double d = fabs(__dsub_rn(x, y));
    if (d == 0.0) return kBins;
    if (!isfinite(d)) return kBins + 1;
    int lo = 0, hi = kHistEdges;
    while (lo < hi) {
        const int mid = (lo + hi) >> 1;
        if (edges[mid] <= d) lo = mid + 1; else hi = mid;
    }
    const int bin = lo > 0 ? lo - 1 : 0;
    return bin < kBins ? bin : kBins + 1;
}

__device__ inline void mapMax(unsigned* cell, float fa, float fb, bool warpUniformCell) {
    const unsigned bits = __float_as_uint(fabsf(__fsub_rn(fa, fb)));  // |Δ| >= 0: uint order = float order
    if (warpUniformCell) {
        const unsigned m = __reduce_max_sync(0xffffffffu, bits);
        if ((threadIdx.x & 31) == 0) atomicMax(cell, m);
    } else {
        atomicMax(cell, bits);
    }
}

__device__ void finishBlock(Stats& st, const Pointers& ptr, unsigned* shist) {
    __shared__ double red[kStatCount][kWarps];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    for (int s = 0; s < kStatCount; ++s) {
        const double r = s == kMaxAbs ? dev::warpMaxD(st.v[s]) : dev::warpSum(st.v[s]);
        if (lane == 0) red[s][warp] = r;
    }
    __syncthreads();
    if (threadIdx.x < kStatCount) {
        const int s = threadIdx.x;
        double r = red[s][0];
        for (int w = 1; w < kWarps; ++w) r = s == kMaxAbs ? fmax(r, red[s][w]) : r + red[s][w];
        ptr.partials[blockIdx.x * kStatCount + s] = r;
    }
    for (int c = threadIdx.x; c < kHistSlots; c += kThreads) {
        if (shist[c] != 0) atomicAdd(ptr.hist + c, static_cast<unsigned long long>(shist[c]));
    }
}

template <typename T, bool kCompare>
__global__ void __launch_bounds__(kThreads) fusedKernel(Pointers ptr, const __grid_constant__ CompareParams p) {
    extern __shared__ float smem[];
    const int tile = p.tile;
    float* sa = smem;
    float* sb = ptr.sameInput ? sa : sa + tile;
    GroupQuant* qa = reinterpret_cast<GroupQuant*>(ptr.sameInput ? sa + tile : sa + 2 * tile);
    GroupQuant* qb = qa + (p.train.quantize ? tile / p.train.groupSize : 0);
    unsigned* smap = reinterpret_cast<unsigned*>(qb + (p.eval.quantize ? tile / p.eval.groupSize : 0));
    unsigned* shist = smap + tile / p.mapGroup;
    const T* a = static_cast<const T*>(ptr.a);
    const T* b = static_cast<const T*>(ptr.b);
    T* outA = static_cast<T*>(ptr.outA);
    T* outB = static_cast<T*>(ptr.outB);
    const std::int64_t tilesPerRow = ptr.k / tile;
    const bool warpCell = p.mapGroup % 32 == 0;
    Stats st;
    if (kCompare) {
        for (int c = threadIdx.x; c < kHistSlots; c += kThreads) shist[c] = 0;
    }
    for (std::int64_t t = blockIdx.x; t < ptr.tiles; t += gridDim.x) {
        const std::int64_t row = t / tilesPerRow, col0 = (t % tilesPerRow) * tile, base = row * ptr.k + col0;
        loadTile<T>(a + base, sa, tile, ptr.vectorLoad);
        if (!ptr.sameInput) loadTile<T>(b + base, sb, tile, ptr.vectorLoad);
        if (kCompare) {
            for (int c = threadIdx.x; c < tile / p.mapGroup; c += kThreads) smap[c] = 0u;
        }
        __syncthreads();
        groupParams(sa, p.train, tile, qa);
        groupParams(sb, p.eval, tile, qb);
        __syncthreads();
        for (int i = threadIdx.x; i < tile; i += kThreads) {
            const float ya = sideValue<T>(sa[i], p.train, qa, i);
            if (outA) outA[base + i] = Scalar<T>::fromFloat(ya);
            if (!kCompare) continue;
            const float yb = sideValue<T>(sb[i], p.eval, qb, i);
            if (outB) outB[base + i] = Scalar<T>::fromFloat(yb);
            accumulate(st, ya, yb, p.atol, p.rtol);
            atomicAdd(shist + histSlot(ya, yb, p.edges), 1u);
            mapMax(smap + i / p.mapGroup, ya, yb, warpCell);
        }
        __syncthreads();
        if (kCompare) {
            const std::int64_t cells = ptr.k / p.mapGroup;
            for (int c = threadIdx.x; c < tile / p.mapGroup; c += kThreads) {
                ptr.groupMax[row * cells + col0 / p.mapGroup + c] = __uint_as_float(smap[c]);
            }
            __syncthreads();
        }
    }
    if (kCompare) finishBlock(st, ptr, shist);
}

std::size_t sharedBytes(const CompareParams& p, bool sameInput, bool compare) {
    std::size_t floats = static_cast<std::size_t>(p.tile) * (sameInput ? 1 : 2);
    std::size_t groups = (p.train.quantize ? p.tile / p.train.groupSize : 0) +
                         (p.eval.quantize ? p.tile / p.eval.groupSize : 0);
    std::size_t words = compare ? static_cast<std::size_t>(p.tile / p.mapGroup + kHistSlots) : 0;
    return (floats + words) * sizeof(float) + groups * sizeof(GroupQuant);
}

template <bool kCompare>
void launch(const at::Tensor& a, Pointers ptr, const CompareParams& p, int grid) {
    const c10::cuda::CUDAGuard guard(a.device());
    auto stream = at::cuda::getCurrentCUDAStream();
    const std::size_t shm = sharedBytes(p, ptr.sameInput, kCompare);
    TORCH_CHECK(shm <= 48 * 1024, "fused compare: tile ", p.tile, " needs ", shm, " bytes of shared memory");
    switch (a.scalar_type()) {
        case at::kBFloat16:
            fusedKernel<__nv_bfloat16, kCompare><<<grid, kThreads, shm, stream>>>(ptr, p);
            break;
        case at::kHalf: fusedKernel<__half, kCompare><<<grid, kThreads, shm, stream>>>(ptr, p); break;
        case at::kFloat: fusedKernel<float, kCompare><<<grid, kThreads, shm, stream>>>(ptr, p); break;
        default: TORCH_CHECK(false, "fused compare: unsupported dtype ", a.scalar_type());
    }
    C10_CUDA_KERNEL_LAUNCH_CHECK();
}

bool aligned16(const at::Tensor& t) { return reinterpret_cast<std::uintptr_t>(t.data_ptr()) % 16 == 0; }

}  // namespace

int compareGridSize(std::int64_t tiles) {
    const int sms = at::cuda::getCurrentDeviceProperties()->multiProcessorCount;
    return static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>(tiles, 8LL * sms)));
}

void launchFusedCompare(const at::Tensor& a, const at::Tensor& b, const CompareParams& params, CompareOutputs& out) {
    const std::int64_t k = a.size(1), tiles = a.numel() / params.tile;
    const int grid = static_cast<int>(out.partials.size(0));
    TORCH_CHECK(a.numel() / grid < (1LL << 31), "fused compare: too many elements per block for 32-bit bins");
    const std::size_t vec = 16 / a.element_size();
    Pointers ptr{a.data_ptr(), b.data_ptr(),
                 out.outTrain.defined() ? out.outTrain.data_ptr() : nullptr,
                 out.outEval.defined() ? out.outEval.data_ptr() : nullptr,
                 out.partials.data_ptr<double>(),
                 reinterpret_cast<unsigned long long*>(out.hist.data_ptr<std::int64_t>()),
                 out.groupMax.data_ptr<float>(), k, tiles, a.data_ptr() == b.data_ptr(),
                 params.tile % vec == 0 && aligned16(a) && aligned16(b)};
    launch<true>(a, ptr, params, grid);
}

void launchInt4FakeQuant(const at::Tensor& w, const SideParams& side, int tile, at::Tensor& out) {
    CompareParams p;
    p.train = side;
    p.eval.quantize = false;
    p.tile = tile;
    p.mapGroup = tile;
    const std::int64_t tiles = w.numel() / tile;
    const std::size_t vec = 16 / w.element_size();
    Pointers ptr{w.data_ptr(), w.data_ptr(), out.data_ptr(), nullptr, nullptr, nullptr, nullptr,
                 w.size(1), tiles, true, tile % vec == 0 && aligned16(w)};
    launch<false>(w, ptr, p, compareGridSize(tiles));
}

}  // namespace ql::cuda::detail
