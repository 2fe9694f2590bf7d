// Int4 g128 fake quant on CPU: fused loop vs the ATen op-for-op reference, plus memcpy bandwidth.
// With QL_FQ_BENCH_IO=DIR the weights are read from DIR/<name>.in (raw bf16, row-major) and the fused
// output is written to DIR/<name>.out, so fake_quant_vs_torchao.py can check bit-identity with torchao.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "quant/fake_quant.h"

namespace {

struct Shape {
    const char* name;
    int64_t n, k;
};
// Sizes from in-cache to DRAM (bf16 input + output): 1 MiB (L2), 16 MiB (L3), 64 MiB, 1.5 GiB.
// fake_quant_vs_torchao.py lists the same shapes.
constexpr Shape kShapes[] = {
    {"w256x1024", 256, 1024}, {"w2048x2048", 2048, 2048}, {"w4096x4096", 4096, 4096}, {"w151936x2560", 151936, 2560}};
constexpr int kLastShape = static_cast<int>(std::size(kShapes)) - 1;

const char* ioDir() {
    return std::getenv("QL_FQ_BENCH_IO");
}

at::Tensor weight(const Shape& s) {
    static std::map<std::string, at::Tensor> cache;
    auto it = cache.find(s.name);
    if (it != cache.end()) return it->second;
    at::Tensor w = at::empty({s.n, s.k}, at::kBFloat16);
    if (ioDir()) {
        std::ifstream in(std::string(ioDir()) + "/" + s.name + ".in", std::ios::binary);
        in.read(static_cast<char*>(w.data_ptr()), static_cast<std::streamsize>(w.nbytes()));
    } else {
        at::manual_seed(0);
        w = (at::randn({s.n, s.k}) * 0.02).to(at::kBFloat16);
    }
    return cache[s.name] = w;
}

void writeOut(const Shape& s, const at::Tensor& out) {
    if (!ioDir()) return;
    std::ofstream o(std::string(ioDir()) + "/" + s.name + ".out", std::ios::binary);
    o.write(static_cast<const char*>(out.data_ptr()), static_cast<std::streamsize>(out.nbytes()));
}

void bmFused(benchmark::State& state) {
    const Shape& s = kShapes[state.range(0)];
    at::Tensor w = weight(s), out;
    for (auto _ : state) {
        out = ql::quant::int4FakeQuantFused(w, 128, ql::quant::DeviceSemantics::Cpu);
        benchmark::DoNotOptimize(out.data_ptr());
    }
    writeOut(s, out);
    state.SetBytesProcessed(state.iterations() * 2 * w.nbytes());  // read + write
    state.SetLabel(s.name);
}

void bmAten(benchmark::State& state) {
    const Shape& s = kShapes[state.range(0)];
    at::Tensor w = weight(s);
    ql::quant::FakeQuantSpec spec;
    for (auto _ : state) {
        auto out = ql::quant::fakeQuantizeReference(w, spec);
        benchmark::DoNotOptimize(out->data_ptr());
    }
    state.SetBytesProcessed(state.iterations() * 2 * w.nbytes());
    state.SetLabel(s.name);
}

// A parallel memcpy of the weight's bytes (read + write): into one preallocated buffer, or (freshOutput)
// into a tensor allocated in each iteration, as int4FakeQuantFused allocates its result, which adds the
// page faults of first-touching fresh output pages (large sizes come from mmap).
void memcpyBench(benchmark::State& state, bool freshOutput) {
    const Shape& s = kShapes[state.range(0)];
    at::Tensor w = weight(s);
    at::Tensor out = at::empty_like(w);
    const int64_t bytes = w.nbytes();
    for (auto _ : state) {
        if (freshOutput) out = at::empty_like(w);
        auto* src = static_cast<const char*>(w.data_ptr());
        auto* dst = static_cast<char*>(out.data_ptr());
        at::parallel_for(0, bytes, 1 << 20, [&](int64_t b, int64_t e) { std::memcpy(dst + b, src + b, e - b); });
        benchmark::DoNotOptimize(out.data_ptr());
    }
    state.SetBytesProcessed(state.iterations() * 2 * bytes);
    state.SetLabel(s.name);
}

void bmMemcpy(benchmark::State& state) {
    memcpyBench(state, false);
}
void bmMemcpyNew(benchmark::State& state) {
    memcpyBench(state, true);
}

}  // namespace

BENCHMARK(bmFused)->DenseRange(0, kLastShape)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bmAten)->DenseRange(0, kLastShape)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bmMemcpy)->DenseRange(0, kLastShape)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bmMemcpyNew)->DenseRange(0, kLastShape)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
