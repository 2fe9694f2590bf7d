// The per-row comparison kernel behind every metric of metrics.h, torch-free: one pass over a row
// pair of fp32 values accumulates the DiffAccumulator sums (float64, in a fixed lane order so the
// result does not depend on threads or blocking), the |Δ| log histogram, the per-group max |Δ| map
// and the candidates for the worst elements.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace ql::checks::kernels {

// One row's contribution. Definitions as in metrics.h (x = a, y = b converted to float64):
//   finite pair: both finite; differing: x != y unless both NaN; outOfTolerance: finite pairs with
//   |x-y| > atol AND > rtol·|y|, plus non-finite unequal pairs; zeros: finite pairs with x == y;
//   overflow: non-finite pairs + finite |x-y| >= the last histogram edge.
struct RowDiff {
    std::uint64_t differing = 0, outOfTolerance = 0, nonFinite = 0, zeros = 0, overflow = 0;
    double maxAbs = 0.0, sumAbs = 0.0, sumSq = 0.0, sumB2 = 0.0, sumA2 = 0.0, sumAB = 0.0;
};

struct WorstCandidate {
    double key = 0.0;        // |x-y| with NaN -> 0 and inf -> DBL_MAX (torch.nan_to_num)
    std::int64_t index = 0;  // flat index into the whole [N, K] pair
    float a = 0.0f, b = 0.0f, original = 0.0f;
    // The quantization grid (scale, zero) of the element's group, when the caller supplied grids.
    bool hasGrid = false;
    float gridScale = 0.0f, gridZero = 0.0f;
};

// Keeps the `capacity` largest keys seen, ties to the smaller index (elements must arrive in
// increasing index order per sink; merge() combines sinks of disjoint ranges).
class WorstSink {
public:
    explicit WorstSink(std::size_t capacity = 32) : m_capacity(capacity) {}
    // Elements with key <= threshold() cannot enter the sink (+inf for a sink of capacity 0).
    double threshold() const { return m_capacity == 0 ? kNever : (m_items.size() < m_capacity ? -1.0 : m_minKey); }
    bool enabled() const { return m_capacity > 0; }
    void offer(const WorstCandidate& c);
    void merge(const WorstSink& other);
    // Visits the kept candidates (to annotate them), in no particular order.
    template <typename Fn>
    void forEach(Fn fn) {
        for (WorstCandidate& c : m_items) fn(c);
    }
    // The candidates by key descending, then index ascending.
    std::vector<WorstCandidate> sorted() const;

private:
    static constexpr double kNever = std::numeric_limits<double>::infinity();
    void refreshMin();
    std::size_t m_capacity;
    std::vector<WorstCandidate> m_items;
    double m_minKey = 0.0;
};

// Histogram bin lookup for ascending positive edges: the largest i with edges[i] <= d (torch.bucketize
// right=True, minus one; 0 below edges[0]) from d's binary exponent and at most a few comparisons.
class HistogramBins {
public:
    explicit HistogramBins(std::vector<double> edges);
    const std::vector<double>& edges() const { return m_edges; }
    std::size_t bins() const { return m_edges.size() - 1; }
    double last() const { return m_edges.back(); }
    // d positive, finite and < last().
    int binOf(double d) const;

private:
    std::vector<double> m_edges;
    std::vector<int> m_firstBin;  // per binary exponent from m_minExponent: bin holding 2^e
    int m_minExponent = 0;
};

struct RowDiffParams {
    double atol = 0.0, rtol = 0.0;
    const HistogramBins* bins = nullptr;  // null: no histogram bins (zeros and overflow still counted)
    double lastEdge = 0.0;                // |Δ| at or above it counts as overflow
    std::int64_t mapGroup = 0;            // > 0 and dividing k: per-group max |a-b| into groupMax
    bool portable = false;                // true: the scalar path even where AVX-512 runs (tests)
};

// A row of fp32 values, or of bf16 values (their uint16 bit patterns) read as fp32.
struct RowValues {
    const void* data = nullptr;
    bool bf16 = false;
    float at(std::int64_t i) const {
        if (!bf16) {
            return static_cast<const float*>(data)[i];
        }
        const std::uint32_t bits = static_cast<std::uint32_t>(static_cast<const std::uint16_t*>(data)[i]) << 16;
        float f;
        __builtin_memcpy(&f, &bits, sizeof f);
        return f;
    }
    RowValues offset(std::int64_t elements) const {
        if (data == nullptr) {
            return *this;
        }
        const auto* p = static_cast<const char*>(data) + elements * (bf16 ? 2 : 4);
        return {p, bf16};
    }
};

// Compares a[0, k) with b[0, k); `original` (data may be null) is recorded with the worst candidates;
// `rowIndex · k` is the flat index of the row's first element. hist has params.bins->bins() bins.
void diffRow(RowValues a, RowValues b, RowValues original, std::int64_t k, std::int64_t rowIndex,
             const RowDiffParams& params, RowDiff& out, std::uint64_t* hist, float* groupMax, WorstSink& worst);

// torch.histc's CPU bin rule (LINEAR_INTERPOLATION without local search) for fp32 lo < hi:
// counts[trunc((v - lo)·bins / (hi - lo))] += 1 in fp32, the last bin closed, NaN and values outside
// [lo, hi] skipped. x: n values; counts: `bins` entries (added to).
// The bin of one value under histcCount's rule, or -1 when the value is not counted.
inline std::int64_t histcBin(float v, float lo, float hi, std::int64_t bins) {
    if (!(v >= lo && v <= hi)) {
        return -1;
    }
    const auto pos = static_cast<std::int64_t>((v - lo) * static_cast<float>(bins) / (hi - lo));
    return pos >= bins ? bins - 1 : pos;
}

void histcCount(RowValues x, std::int64_t n, float lo, float hi, std::int64_t bins, std::uint64_t* counts,
                bool portable = false);

}  // namespace ql::checks::kernels
