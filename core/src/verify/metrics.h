// Small metric functions over at::Tensor used by every check. Each is a pure
// function of its inputs; tests/reference/ql_ref/scenarios.py computes the same quantities with
// torch ops (same definitions, stated below) for the golden comparison.
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "quantlens/verify_report.h"

namespace ql::checks {

// Train side `a`, eval side `b`, same shape, compared as fp32 (exact for fp32, bf16 and fp16 inputs),
// differences and sums in float64 (per row in a fixed lane order, rows added in order).
//   differing: raw values unequal (a != b compared in float64; NaN vs NaN at the same place counts equal)
//   outOfTolerance: finite pairs with |a-b| > atol AND |a-b| > rtol*|b| (Polygraphy), plus non-finite
//   mismatches; maxAbs/meanAbs/rmse over finite pairs; sqnrDb = 10 log10(sum b^2 / sum (a-b)^2)
//   (+inf when the sum of squared differences is 0); cosine = <a,b>/(|a||b|) (1 when both are zero).
DiffMetrics diffMetrics(const at::Tensor& a, const at::Tensor& b, const Tolerance& tolerance);

// Merges per-module metrics into a total (sums weighted by element count; max of maxima).
// sqnr/cosine need the raw sums, so the accumulator keeps them.
struct DiffAccumulator {
    std::uint64_t total = 0, differing = 0, outOfTolerance = 0, nonFinite = 0;
    double maxAbs = 0.0, sumAbs = 0.0, sumSq = 0.0, sumB2 = 0.0, sumA2 = 0.0, sumAB = 0.0;
    void add(const at::Tensor& a, const at::Tensor& b, const Tolerance& tolerance);
    void merge(const DiffAccumulator& other);
    DiffMetrics result() const;
};

// The fixed log-spaced edges of every |Δ| histogram: 10^(k/4), k = -40 .. 12 (1e-10 .. 1e3), 53 edges.
std::vector<double> logHistogramEdges();

// |a-b| counted into logHistogramEdges() bins: bin i holds [edges[i], edges[i+1]) (torch.bucketize
// with right=True, minus one); values in (0, edges[0]) go to bin 0; exact zeros to `zeros`;
// >= the last edge or non-finite to `overflow`.
Histogram absDiffHistogram(const at::Tensor& a, const at::Tensor& b);

// Adds torch.histc(x.float(), counts.size(), lo, hi) to `counts`, computed as ATen's histc kernel does
// (bin = trunc((v - lo)·bins / (hi - lo)) in fp32, the last bin closed; NaN and values outside
// [lo, hi] not counted; lo == hi widened to [lo - 1, hi + 1]). x: any floating dtype, CPU.
void addHistc(const at::Tensor& x, double lo, double hi, std::vector<std::uint64_t>& counts);

// Per-group max |a-b| of a [N, K] weight pair with groups of `groupSize` along K (groupSize <= 0 or
// not dividing K: one group per row), then max-pooled in blocks of ceil(N/maxCells) rows x
// ceil(G/maxCells) groups (zero padding at the ragged end).
GroupErrorMap groupErrorMap(const at::Tensor& a, const at::Tensor& b, int groupSize, std::int64_t maxCells = 256);

// The `count` largest |a-b| of a 2-D pair, largest first (ties: smaller flat index first; NaN counts
// as 0, inf as the largest double, as torch.nan_to_num), with `original` at the same place.
std::vector<WorstElement> worstElements(const at::Tensor& a, const at::Tensor& b, const at::Tensor& original,
                                        int count = 32);

// KL(train || eval) per position of logits [S, V] (or [1, S, V]): sum p_t (log p_t - log p_e) with
// log_softmax in float64.
at::Tensor klPerPosition(const at::Tensor& train, const at::Tensor& eval);

// Fraction of positions with equal argmax, and mean |topk(train) ∩ topk(eval)| / k.
double topKAgreement(const at::Tensor& train, const at::Tensor& eval, int k);

struct Quantiles {
    double mean = 0.0, median = 0.0, p99 = 0.0, max = 0.0;
};
// torch.quantile (linear interpolation) over a 1-D float64 tensor; zeros for an empty one.
Quantiles quantiles(const at::Tensor& values);

}  // namespace ql::checks
