#include "verify/value_histogram.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "verify/diff_kernel.h"
#include "verify/metrics.h"

namespace ql::checks {
namespace {

float bf16Value(std::uint32_t pattern) {
    const std::uint32_t bits = pattern << 16;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// The edges of the bins histc used: [lo, hi], widened to [lo - 1, hi + 1] when every value is equal
// (aten/src/ATen/native/SummaryOps.cpp), so a constant module's bar sits at its value.
Histogram withEdges(double lo, double hi, std::vector<std::uint64_t> counts) {
    if (lo == hi) {
        lo -= 1;
        hi += 1;
    }
    Histogram h;
    const auto bins = static_cast<int>(counts.size());
    for (int i = 0; i <= bins; ++i) {
        h.edges.push_back(lo + (hi - lo) * i / bins);
    }
    h.counts = std::move(counts);
    return h;
}

}  // namespace

ValueHistogram::ValueHistogram(int bins)
    : m_bins(bins), m_patterns(static_cast<std::size_t>(std::max(1, at::get_num_threads()))) {}

void ValueHistogram::add(const at::Tensor& rows) {
    if (rows.scalar_type() != at::kBFloat16) {
        const at::Tensor block = rows.to(at::kCPU).reshape(-1);
        std::lock_guard<std::mutex> lock(m_blocksMutex);
        m_blocks.push_back(block);
        return;
    }
    if (!rows.is_cpu()) {  // the same tally on the device: bincount of the bit patterns
        const at::Tensor patterns = rows.contiguous().view(at::kShort).reshape(-1).to(at::kInt).bitwise_and(0xFFFF);
        const at::Tensor counts = at::bincount(patterns, {}, 65536).to(at::kCPU, at::kLong).contiguous();
        m_patterns[0].resize(65536, 0);
        const auto* c = counts.data_ptr<std::int64_t>();
        for (std::size_t p = 0; p < 65536; ++p) m_patterns[0][p] += static_cast<std::uint32_t>(c[p]);
        return;
    }
    const at::Tensor t = rows.contiguous();
    const auto* v = static_cast<const std::uint16_t*>(t.data_ptr());
    auto tally = [&](std::size_t thread, std::int64_t b, std::int64_t e) {
        std::vector<std::uint32_t>& counts = m_patterns.at(thread);
        counts.resize(2 * 65536, 0);  // two interleaved tallies: a repeated value does not wait on itself
        std::uint32_t* even = counts.data();
        std::uint32_t* odd = even + 65536;
        std::int64_t i = b;
        for (; i + 1 < e; i += 2) {
            ++even[v[i]];
            ++odd[v[i + 1]];
        }
        for (; i < e; ++i) {
            ++even[v[i]];
        }
    };
    if (at::in_parallel_region()) {
        // Called from a worker of an enclosing parallel_for (the walk's concurrent row blocks): a nested
        // parallel_for would run inline with at::get_thread_num() reset to 0 on every worker, and the
        // workers would share counters. The worker's own number is distinct.
        tally(static_cast<std::size_t>(at::get_thread_num()), 0, t.numel());
        return;
    }
    at::parallel_for(0, t.numel(), 1 << 16, [&](std::int64_t b, std::int64_t e) {
        tally(static_cast<std::size_t>(at::get_thread_num()), b, e);
    });
}

Histogram ValueHistogram::finish() const {
    std::vector<std::uint64_t> counts(static_cast<std::size_t>(m_bins), 0);
    if (!m_blocks.empty()) {  // every block: the finite range, then histc
        const at::Tensor all = at::cat(m_blocks);
        at::Tensor v = all.to(at::kFloat);
        v = v.masked_select(at::isfinite(v));
        if (v.numel() == 0) return {};
        const double lo = v.min().item<double>(), hi = v.max().item<double>();
        addHistc(all, lo, hi, counts);
        return withEdges(lo, hi, std::move(counts));
    }
    std::vector<std::uint64_t> patterns(65536, 0);
    for (const auto& perThread : m_patterns) {
        for (std::size_t p = 0; p < perThread.size(); ++p) {
            patterns[p % 65536] += perThread[p];
        }
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::uint32_t p = 0; p < patterns.size(); ++p) {
        const float f = bf16Value(p);
        if (patterns[p] != 0 && std::isfinite(f)) {
            lo = std::min<double>(lo, f);
            hi = std::max<double>(hi, f);
        }
    }
    if (!(lo <= hi)) return {};
    const double wlo = lo == hi ? lo - 1 : lo, whi = lo == hi ? hi + 1 : hi;  // histc widens an empty range
    for (std::uint32_t p = 0; p < patterns.size(); ++p) {
        if (patterns[p] == 0) continue;
        const std::int64_t bin =
            kernels::histcBin(bf16Value(p), static_cast<float>(wlo), static_cast<float>(whi), m_bins);
        if (bin >= 0) counts[static_cast<std::size_t>(bin)] += patterns[p];
    }
    return withEdges(lo, hi, std::move(counts));
}

}  // namespace ql::checks
