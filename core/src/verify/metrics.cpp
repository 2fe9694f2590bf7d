#include "verify/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ql::checks {

void DiffAccumulator::add(const at::Tensor& a, const at::Tensor& b, const Tolerance& tolerance) {
    at::Tensor x = a.detach().reshape(-1).to(at::kDouble);
    at::Tensor y = b.detach().reshape(-1).to(at::kDouble);
    at::Tensor finite = at::isfinite(x) & at::isfinite(y);
    at::Tensor bothNan = at::isnan(x) & at::isnan(y);
    at::Tensor unequal = x.ne(y) & bothNan.logical_not();
    at::Tensor d = at::where(finite, x - y, at::zeros({}, x.options()));
    at::Tensor ad = d.abs();
    at::Tensor bad = (ad > tolerance.atol) & (ad > tolerance.rtol * y.abs());
    at::Tensor nonFiniteMismatch = finite.logical_not() & unequal;
    at::Tensor xf = at::where(finite, x, at::zeros({}, x.options()));
    at::Tensor yf = at::where(finite, y, at::zeros({}, x.options()));
    total += static_cast<std::uint64_t>(x.numel());
    differing += static_cast<std::uint64_t>(unequal.sum().item<std::int64_t>());
    outOfTolerance += static_cast<std::uint64_t>((bad | nonFiniteMismatch).sum().item<std::int64_t>());
    nonFinite += static_cast<std::uint64_t>(finite.logical_not().sum().item<std::int64_t>());
    if (x.numel() > 0) {
        maxAbs = std::max(maxAbs, ad.max().item<double>());
    }
    sumAbs += ad.sum().item<double>();
    sumSq += (d * d).sum().item<double>();
    sumB2 += (yf * yf).sum().item<double>();
    sumA2 += (xf * xf).sum().item<double>();
    sumAB += (xf * yf).sum().item<double>();
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
    Histogram h;
    h.edges = logHistogramEdges();
    const auto bins = static_cast<std::int64_t>(h.edges.size()) - 1;
    h.counts.assign(static_cast<std::size_t>(bins), 0);
    at::Tensor d = (a.detach().reshape(-1).to(at::kDouble) - b.detach().reshape(-1).to(at::kDouble)).abs();
    at::Tensor finite = at::isfinite(d);
    h.zeros = static_cast<std::uint64_t>(d.eq(0).sum().item<std::int64_t>());
    at::Tensor edges = at::tensor(h.edges, at::TensorOptions().dtype(at::kDouble));
    at::Tensor positive = d.masked_select(finite & d.gt(0));
    at::Tensor idx = (at::bucketize(positive, edges, /*out_int32=*/false, /*right=*/true) - 1).clamp_min(0);
    at::Tensor inRange = idx.lt(bins);
    h.overflow = static_cast<std::uint64_t>(finite.logical_not().sum().item<std::int64_t>() +
                                            inRange.logical_not().sum().item<std::int64_t>());
    at::Tensor counts = at::bincount(idx.masked_select(inRange), {}, bins);
    auto acc = counts.accessor<std::int64_t, 1>();
    for (std::int64_t i = 0; i < bins; ++i) {
        h.counts[static_cast<std::size_t>(i)] = static_cast<std::uint64_t>(acc[i]);
    }
    return h;
}

Histogram linearHistogram(const at::Tensor& x, int bins) {
    Histogram h;
    at::Tensor v = x.detach().reshape(-1).to(at::kFloat);
    v = v.masked_select(at::isfinite(v));
    if (v.numel() == 0) {
        return h;
    }
    const double lo = v.min().item<double>(), hi = v.max().item<double>();
    at::Tensor counts = at::histc(v, bins, lo, hi);
    for (int i = 0; i <= bins; ++i) {
        h.edges.push_back(lo + (hi - lo) * i / bins);
    }
    auto acc = counts.accessor<float, 1>();
    for (int i = 0; i < bins; ++i) {
        h.counts.push_back(static_cast<std::uint64_t>(acc[i]));
    }
    return h;
}

GroupErrorMap groupErrorMap(const at::Tensor& a, const at::Tensor& b, int groupSize, std::int64_t maxCells) {
    at::Tensor d = (a.detach().to(at::kFloat) - b.detach().to(at::kFloat)).abs();
    const std::int64_t n = d.size(0), k = d.size(1);
    const std::int64_t g = (groupSize > 0 && k % groupSize == 0) ? groupSize : k;
    at::Tensor groups = d.view({n, k / g, g}).amax(-1);  // [N, G]
    GroupErrorMap map;
    map.rowStride = (n + maxCells - 1) / maxCells;
    map.colStride = (k / g + maxCells - 1) / maxCells;
    map.rows = (n + map.rowStride - 1) / map.rowStride;
    map.cols = (k / g + map.colStride - 1) / map.colStride;
    at::Tensor padded = at::constant_pad_nd(groups, {0, map.cols * map.colStride - k / g, 0,
                                                     map.rows * map.rowStride - n}, 0.0);
    at::Tensor pooled = padded.view({map.rows, map.rowStride, map.cols, map.colStride}).amax({1, 3}).contiguous();
    const float* p = pooled.data_ptr<float>();
    map.maxAbs.assign(p, p + pooled.numel());
    return map;
}

std::vector<WorstElement> worstElements(const at::Tensor& a, const at::Tensor& b, const at::Tensor& original,
                                        int count) {
    at::Tensor af = a.detach().to(at::kDouble), bf = b.detach().to(at::kDouble);
    at::Tensor d = (af - bf).abs().reshape(-1).nan_to_num(0.0);
    const std::int64_t k = std::min<std::int64_t>(count, d.numel());
    auto top = at::topk(d, k);
    at::Tensor idx = std::get<1>(top);
    at::Tensor of = original.detach().to(at::kDouble).reshape(-1);
    const std::int64_t cols = a.dim() == 2 ? a.size(1) : d.numel();
    std::vector<WorstElement> out;
    for (std::int64_t i = 0; i < k; ++i) {
        const std::int64_t flat = idx[i].item<std::int64_t>();
        WorstElement e;
        e.row = flat / cols;
        e.col = flat % cols;
        e.original = of[flat].item<double>();
        e.train = af.reshape(-1)[flat].item<double>();
        e.eval = bf.reshape(-1)[flat].item<double>();
        out.push_back(e);
    }
    return out;
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
