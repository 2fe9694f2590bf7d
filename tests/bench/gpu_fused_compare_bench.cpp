// GPU benchmarks (CUDA builds; every benchmark reports an error without a device):
//   bmFusedCompare   fused kernel: both sides' int4 g128 fake quant (CPU vs CUDA semantics) + metrics +
//                    group map + histogram, one read of the bf16 weight (bytes = weight bytes)
//   bmAtenCompare    the same through plain ATen on the GPU (quant::compareInt4Aten)
//   bmFakeQuant      int4 fake quant kernel alone (read + write)
//   bmCopy           a device-to-device clone of the weight (read + write): the bandwidth ceiling
//   bmInt4Linear     int4 PLAIN dequant-matmul [M, 2560] x [9728, 2560]ᵀ, tiled kernel
//   bmDequantCublas  the same via the dequant kernel + at::matmul (cuBLAS bf16, fp32 accumulation)
// Run: ql_gpu_fused_compare_bench --benchmark_min_time=0.5s (see tests/bench/README.md "## GPU").
#include <ATen/ATen.h>
#include <benchmark/benchmark.h>

#ifdef QL_WITH_CUDA
#include <c10/cuda/CUDAFunctions.h>
#endif

#include "cuda/cuda_dispatch.h"
#include "quant/int4_convert.h"

namespace {

using ql::quant::DeviceSemantics;

struct Shape {
    const char* name;
    int64_t n, k;
};
constexpr Shape kShapes[] = {{"w4096x4096", 4096, 4096}, {"w9728x2560", 9728, 2560}, {"w151936x2560", 151936, 2560}};

void sync() {
#ifdef QL_WITH_CUDA
    c10::cuda::device_synchronize();
#endif
}

bool needCuda(benchmark::State& state) {
    if (ql::cuda::cudaKernelsAvailable()) return true;
    state.SkipWithError("no CUDA device or no CUDA kernels in this build");
    return false;
}

at::Tensor weight(const Shape& s) {
    at::manual_seed(0);
    at::Tensor w = at::randn({s.n, s.k}, at::TensorOptions().device(at::kCUDA));
    return (w * at::randn_like(w).pow(3) * 0.02).to(at::kBFloat16);  // heavy-tailed
}

ql::quant::CompareRequest request() {
    ql::quant::CompareRequest r;
    r.train = {true, 128, DeviceSemantics::Cpu};
    r.eval = {true, 128, DeviceSemantics::Cuda};
    r.tolerance = {1e-3, 1e-2};
    return r;
}

template <typename Fn>
void runWeight(benchmark::State& state, int64_t bytesPerElement, Fn fn) {
    if (!needCuda(state)) return;
    const Shape& s = kShapes[state.range(0)];
    const at::Tensor w = weight(s);
    for (auto _ : state) {
        fn(w);
        sync();
    }
    state.SetBytesProcessed(state.iterations() * w.numel() * bytesPerElement);
    state.SetLabel(s.name);
}

void bmFusedCompare(benchmark::State& state) {
    runWeight(state, 2, [](const at::Tensor& w) {
        auto r = ql::cuda::fusedInt4Compare(w, w, request());
        benchmark::DoNotOptimize(r.ok());
    });
}

void bmAtenCompare(benchmark::State& state) {
    runWeight(state, 2, [](const at::Tensor& w) {
        auto r = ql::quant::compareInt4Aten(w, w, request());
        benchmark::DoNotOptimize(r.ok());
    });
}

void bmFakeQuant(benchmark::State& state) {
    runWeight(state, 4, [](const at::Tensor& w) {
        auto r = ql::cuda::int4FakeQuantCuda(w, 128, DeviceSemantics::Cuda);
        benchmark::DoNotOptimize(r.ok());
    });
}

void bmCopy(benchmark::State& state) {
    runWeight(state, 4, [](const at::Tensor& w) { benchmark::DoNotOptimize(w.clone().data_ptr()); });
}

ql::quant::Int4PlainWeight int4Weight() {
    auto w = ql::quant::int4PlainConvert(weight(kShapes[1]).cpu(), 128, DeviceSemantics::Cuda);
    return {w->qdata.cuda(), w->scale.cuda(), w->zeroPoint.cuda(), 128};
}

template <typename Fn>
void runLinear(benchmark::State& state, Fn fn) {
    if (!needCuda(state)) return;
    static const ql::quant::Int4PlainWeight w = int4Weight();
    const at::Tensor x =
        (at::randn({state.range(0), 2560}, at::TensorOptions().device(at::kCUDA)) * 0.5).to(at::kBFloat16);
    for (auto _ : state) {
        fn(x, w);
        sync();
    }
    state.SetItemsProcessed(state.iterations() * 2 * state.range(0) * 9728 * 2560);  // flops
}

void bmInt4Linear(benchmark::State& state) {
    runLinear(state, [](const at::Tensor& x, const ql::quant::Int4PlainWeight& w) {
        benchmark::DoNotOptimize(ql::cuda::int4PlainLinearCuda(x, w, std::nullopt).ok());
    });
}

void bmDequantCublas(benchmark::State& state) {
    runLinear(state, [](const at::Tensor& x, const ql::quant::Int4PlainWeight& w) {
        auto wd = ql::cuda::int4PlainDequantizeCuda(w);
        benchmark::DoNotOptimize(at::matmul(x, wd->t()).data_ptr());
    });
}

}  // namespace

BENCHMARK(bmFusedCompare)->DenseRange(0, 2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(bmAtenCompare)->DenseRange(0, 2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(bmFakeQuant)->DenseRange(0, 2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(bmCopy)->DenseRange(0, 2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(bmInt4Linear)->Arg(16)->Arg(512)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(bmDequantCublas)->Arg(16)->Arg(512)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
