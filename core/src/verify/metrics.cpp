#include "verify/metrics.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

#include "verify/diff_kernel.h"
#include "verify/diff_stream.h"

namespace ql::checks {

namespace {

// Rows x cols view of a tensor compared element-wise: the last dimension is the row.
std::pair<std::int64_t, std::int64_t> rowsCols(const at::Tensor& t) {
    const std::int64_t cols = t.dim() == 0 ? 1 : std::max<std::int64_t>(1, t.size(-1));
    return {t.numel() / cols, cols};
}

}  // namespace

void DiffAccumulator::add(const at::Tensor& a, const at::Tensor& b, const Tolerance& tolerance) {
    const auto [rows, cols] = rowsCols(a);
    DiffStream stream(rows, cols, {tolerance, 0, 0, false});
    stream.add(a, b, 0);
    merge(stream.sums());
}

void DiffAccumulator::merge(const DiffAccumulator& o) {
    total += o.total;
    differing += o.differing;
    outOfTolerance += o.outOfTolerance;
    nonFinite += o.nonFinite;
    maxAbs = std::max(maxAbs, o.maxAbs);
    sumAbs += o.sumAbs;
    sumSq += o.sumSq;
    sumB2 += o.sumB2;
    sumA2 += o.sumA2;
    sumAB += o.sumAB;
}

DiffMetrics DiffAccumulator::result() const {
    DiffMetrics m;
    m.total = total;
    m.differing = differing;
    m.outOfTolerance = outOfTolerance;
    m.nonFinite = nonFinite;
    m.maxAbs = maxAbs;
    const double n = static_cast<double>(total - std::min(total, nonFinite));
    m.meanAbs = n > 0 ? sumAbs / n : 0.0;
    m.rmse = n > 0 ? std::sqrt(sumSq / n) : 0.0;
    m.sqnrDb = sumSq == 0.0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(sumB2 / sumSq);
    const double denom = std::sqrt(sumA2) * std::sqrt(sumB2);
    m.cosine = denom == 0.0 ? (sumA2 == sumB2 ? 1.0 : 0.0) : sumAB / denom;
    return m;
}

DiffMetrics diffMetrics(const at::Tensor& a, const at::Tensor& b, const Tolerance& tolerance) {
    DiffAccumulator acc;
    acc.add(a, b, tolerance);
    return acc.result();
}

std::vector<double> logHistogramEdges() {
    std::vector<double> edges;
    for (int k = -40; k <= 12; ++k) {
        edges.push_back(std::pow(10.0, k / 4.0));
    }
    return edges;
}

Histogram absDiffHistogram(const at::Tensor& a, const at::Tensor& b) {
    const auto [rows, cols] = rowsCols(a);
    DiffStream stream(rows, cols, {Tolerance{}, 0, 0});
    stream.add(a, b, 0);
    return stream.histogram();
}

namespace {

void histcChunks(const kernels::RowValues& x, std::int64_t n, float lo, float hi, std::vector<std::uint64_t>& counts) {
    std::mutex merge;
    at::parallel_for(0, n, 1 << 16, [&](std::int64_t begin, std::int64_t end) {
        std::vector<std::uint64_t> local(counts.size(), 0);
        kernels::histcCount(x.offset(begin), end - begin, lo, hi, static_cast<std::int64_t>(counts.size()),
                            local.data());
        std::lock_guard<std::mutex> lock(merge);
        for (std::size_t j = 0; j < local.size(); ++j) {
            counts[j] += local[j];
        }
    });
}

}  // namespace

void addHistc(const at::Tensor& xIn, double lo, double hi, std::vector<std::uint64_t>& counts) {
    if (lo == hi) {
        lo -= 1;
        hi += 1;
    }
    at::Tensor x = xIn.detach().reshape(-1).contiguous();
    if (x.scalar_type() != at::kBFloat16 && x.scalar_type() != at::kFloat) {
        x = x.to(at::kFloat);
    }
    const kernels::RowValues values{x.data_ptr(), x.scalar_type() == at::kBFloat16};
    histcChunks(values, x.numel(), static_cast<float>(lo), static_cast<float>(hi), counts);
}

GroupErrorMap groupErrorMap(const at::Tensor& a, const at::Tensor& b, int groupSize, std::int64_t maxCells) {
    const std::int64_t n = a.size(0), k = a.size(1);
    DiffStream stream(n, k, {Tolerance{}, groupSize > 0 ? groupSize : k, 0, false});
    stream.add(a, b, 0);
    return stream.groupMap(maxCells);
}

std::vector<WorstElement> worstElements(const at::Tensor& a, const at::Tensor& b, const at::Tensor& original,
                                        int count) {
    const std::int64_t cols = a.dim() == 2 ? a.size(1) : std::max<std::int64_t>(1, a.numel());
    DiffStream stream(a.numel() / cols, cols, {Tolerance{}, 0, count, false});
    stream.add(a, b, 0, original);
    return stream.worst();
}

at::Tensor klPerPosition(const at::Tensor& train, const at::Tensor& eval) {
    at::Tensor lt = at::log_softmax(train.detach().to(at::kDouble).reshape({-1, train.size(-1)}), -1);
    at::Tensor le = at::log_softmax(eval.detach().to(at::kDouble).reshape({-1, eval.size(-1)}), -1);
    return (lt.exp() * (lt - le)).sum(-1);
}

double topKAgreement(const at::Tensor& train, const at::Tensor& eval, int k) {
    at::Tensor a = train.detach().to(at::kFloat).reshape({-1, train.size(-1)});
    at::Tensor b = eval.detach().to(at::kFloat).reshape({-1, eval.size(-1)});
    if (a.size(0) == 0) {
        return 1.0;
    }
    if (k == 1) {
        return a.argmax(-1).eq(b.argmax(-1)).to(at::kDouble).mean().item<double>();
    }
    at::Tensor ta = std::get<1>(at::topk(a, k)), tb = std::get<1>(at::topk(b, k));
    at::Tensor hits = ta.unsqueeze(-1).eq(tb.unsqueeze(-2)).any(-1).sum(-1).to(at::kDouble);
    return (hits / k).mean().item<double>();
}

Quantiles quantiles(const at::Tensor& values) {
    Quantiles q;
    at::Tensor v = values.detach().to(at::kDouble).reshape(-1);
    if (v.numel() == 0) {
        return q;
    }
    q.mean = v.mean().item<double>();
    q.median = at::quantile(v, 0.5).item<double>();
    q.p99 = at::quantile(v, 0.99).item<double>();
    q.max = v.max().item<double>();
    return q;
}

}  // namespace ql::checks
