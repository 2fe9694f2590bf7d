// Prefill forward of QuantLens on a checkpoint, for tests/bench/forward_vs_transformers.py (not a
// Google Benchmark loop: one timed forward per process so peak RSS is that of one run).
// Usage: ql_forward_bench MODEL_DIR [TOKENS=512] [THREADS=0 (libtorch default)] [eager|sdpa]
// Prints one JSON line: {"impl":"quantlens","seconds":...,"cpu_seconds":...,"peak_rss_kb":...,
// "threads":...,"checksum":...,"bits":...}; cpu_seconds is user + system time of all threads during
// the forward, bits an FNV-1a hash of the raw logit bytes (compares two builds bit for bit).
// QL_BENCH_PROFILE=1 also prints ATen's per-op time (inclusive, by op and input shapes) to stderr.
// Token ids: (i * 7919 + 13) % vocab_size, the same formula as the Python script.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <sys/resource.h>
#include <torch/csrc/autograd/profiler_kineto.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "model/causal_lm.h"

namespace {

// User + system CPU time of the process (all threads) so far.
double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

void startProfile() {
    namespace tp = torch::profiler::impl;
    const tp::ProfilerConfig config(tp::ProfilerState::KINETO, /*report_input_shapes=*/true);
    torch::autograd::profiler::prepareProfiler(config, {tp::ActivityType::CPU});
    torch::autograd::profiler::enableProfiler(config, {tp::ActivityType::CPU});
}

// The 45 (op, shapes) pairs with the most inclusive time, to stderr.
void printProfile() {
    auto result = torch::autograd::profiler::disableProfiler();
    std::map<std::string, std::pair<double, int>> byKey;
    for (const auto& e : result->events()) {
        std::string key = e.name() + " ";
        for (const auto& shape : e.shapes()) {
            key += "[";
            for (auto d : shape) key += std::to_string(d) + ",";
            key += "]";
        }
        byKey[key].first += static_cast<double>(e.durationNs()) / 1e6;
        ++byKey[key].second;
    }
    std::vector<std::pair<double, std::string>> rows;
    for (const auto& [key, v] : byKey) rows.emplace_back(v.first, key + " n=" + std::to_string(v.second));
    std::sort(rows.rbegin(), rows.rend());
    for (std::size_t i = 0; i < rows.size() && i < 45; ++i) {
        std::fprintf(stderr, "%9.1f ms  %s\n", rows[i].first, rows[i].second.c_str());
    }
}

std::uint64_t fnv1a(const at::Tensor& t) {
    const at::Tensor bytes = t.contiguous();
    const auto* data = static_cast<const unsigned char*>(bytes.data_ptr());
    std::uint64_t h = 1469598103934665603ull;
    for (std::size_t i = 0; i < bytes.nbytes(); ++i) {
        h = (h ^ data[i]) * 1099511628211ull;
    }
    return h;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s MODEL_DIR [TOKENS] [THREADS] [eager|sdpa]\n", argv[0]);
        return 2;
    }
    const std::int64_t tokens = argc > 2 ? std::atoll(argv[2]) : 512;
    if (argc > 3 && std::atoi(argv[3]) > 0) {
        at::set_num_threads(std::atoi(argv[3]));
    }
    const bool eager = argc > 4 && std::string(argv[4]) == "eager";
    const bool profile = std::getenv("QL_BENCH_PROFILE") != nullptr;
    auto lm = ql::model::CausalLm::open(argv[1]);
    if (!lm) {
        std::fprintf(stderr, "error: %s\n", lm.error().message.c_str());
        return 2;
    }
    at::Tensor ids = (at::arange(tokens, at::kLong) * 7919 + 13).remainder(lm->config().vocabSize).unsqueeze(0);
    ql::model::ForwardOptions o;
    o.run.dtype = at::kBFloat16;
    o.attention = eager ? ql::AttentionImpl::Eager : ql::AttentionImpl::Sdpa;
    if (profile) {
        startProfile();
    }
    const double cpu0 = cpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    auto logits = lm->forward(ids, o);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpuSeconds() - cpu0;
    if (profile) {
        printProfile();
    }
    if (!logits) {
        std::fprintf(stderr, "error: %s\n", logits.error().message.c_str());
        return 1;
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double checksum = logits->to(at::kDouble).sum().item<double>();
    std::printf(
        "{\"impl\":\"quantlens\",\"seconds\":%.4f,\"cpu_seconds\":%.4f,\"peak_rss_kb\":%ld,\"threads\":%d,"
        "\"checksum\":%.17g,\"bits\":\"%016llx\"}\n",
        seconds, cpu, usage.ru_maxrss, at::get_num_threads(), checksum,
        static_cast<unsigned long long>(fnv1a(*logits)));
    return 0;
}
