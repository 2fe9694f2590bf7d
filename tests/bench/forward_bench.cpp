// Prefill forward of QuantLens on a checkpoint, for tests/bench/forward_vs_transformers.py (not a
// Google Benchmark loop: one timed forward per process so peak RSS is that of one run).
// Usage: ql_forward_bench MODEL_DIR [TOKENS=512] [THREADS=0 (libtorch default)] [eager|sdpa]
// Prints one JSON line: {"impl":"quantlens","seconds":...,"peak_rss_kb":...,"checksum":...}.
// Token ids: (i * 7919 + 13) % vocab_size, the same formula as the Python script.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "model/causal_lm.h"

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
    auto lm = ql::model::CausalLm::open(argv[1]);
    if (!lm) {
        std::fprintf(stderr, "error: %s\n", lm.error().message.c_str());
        return 2;
    }
    at::Tensor ids = (at::arange(tokens, at::kLong) * 7919 + 13).remainder(lm->config().vocabSize).unsqueeze(0);
    ql::model::ForwardOptions o;
    o.run.dtype = at::kBFloat16;
    o.attention = eager ? ql::AttentionImpl::Eager : ql::AttentionImpl::Sdpa;
    const auto t0 = std::chrono::steady_clock::now();
    auto logits = lm->forward(ids, o);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!logits) {
        std::fprintf(stderr, "error: %s\n", logits.error().message.c_str());
        return 1;
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double checksum = logits->to(at::kDouble).sum().item<double>();
    std::printf("{\"impl\":\"quantlens\",\"seconds\":%.4f,\"peak_rss_kb\":%ld,\"threads\":%d,\"checksum\":%.17g}\n",
                seconds, usage.ru_maxrss, at::get_num_threads(), checksum);
    return 0;
}
