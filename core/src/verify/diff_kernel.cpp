// Two implementations of the lane loop with the same bits: AVX-512 intrinsics (8 float64 lanes),
// picked at run time, and a portable scalar loop that keeps the same 8 lane accumulators (element e
// goes to lane e % 8, lanes are summed 0..7). Built with -ffp-contract=off (core/CMakeLists.txt):
// every product is rounded before it is added, on every path.
#include "verify/diff_kernel.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define QL_HAVE_AVX512_PATH 1
// GCC 12 reports its own _mm512_undefined_* placeholders inside the intrinsics as uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

namespace ql::checks::kernels {
namespace {

constexpr int kLanes = 8;

// Per-lane accumulators of the vector part of a row.
struct Lanes {
    double sumAbs[kLanes] = {}, sumSq[kLanes] = {}, sumB2[kLanes] = {}, sumA2[kLanes] = {}, sumAB[kLanes] = {};
    double maxAbs = 0.0;
    std::uint64_t differing = 0, outOfTolerance = 0, nonFinite = 0, zeros = 0, overflow = 0;
};

double worstKey(double x, double y) {
    const double d = std::fabs(x - y);
    return std::isnan(d) ? 0.0 : (std::isinf(d) ? DBL_MAX : d);
}

// The definition of one element, shared by every path.
struct Element {
    bool finite, unequal;
    double d;
};

inline Element classify(double x, double y) {
    const bool finite = std::isfinite(x) && std::isfinite(y);
    const bool bothNan = std::isnan(x) && std::isnan(y);
    return {finite, !(x == y) && !bothNan, finite ? x - y : 0.0};
}

// Counts and sums of element (x, y) into lane `l`.
inline void scalarElement(double x, double y, const RowDiffParams& p, Lanes& s, int l) {
    const Element e = classify(x, y);
    const double ad = std::fabs(e.d);
    s.differing += e.unequal ? 1 : 0;
    s.outOfTolerance += ((ad > p.atol && ad > p.rtol * std::fabs(y)) || (!e.finite && e.unequal)) ? 1 : 0;
    s.nonFinite += e.finite ? 0 : 1;
    s.zeros += (e.finite && x == y) ? 1 : 0;
    s.overflow += (!e.finite || ad >= p.lastEdge) ? 1 : 0;
    s.maxAbs = ad > s.maxAbs ? ad : s.maxAbs;
    s.sumAbs[l] += ad;
    const double sq = e.d * e.d;
    s.sumSq[l] += sq;
    const double xf = e.finite ? x : 0.0, yf = e.finite ? y : 0.0;
    const double b2 = yf * yf, a2 = xf * xf, ab = xf * yf;
    s.sumB2[l] += b2;
    s.sumA2[l] += a2;
    s.sumAB[l] += ab;
}

// Histogram bin and worst candidate of element i (only called where they may be needed).
void rareElement(RowValues a, RowValues b, RowValues original, std::int64_t i, std::int64_t base,
                 const RowDiffParams& p, std::uint64_t* hist, WorstSink& worst) {
    const double x = a.at(i), y = b.at(i);
    const Element e = classify(x, y);
    const double ad = std::fabs(e.d);
    if (p.bins && e.finite && ad > 0.0 && ad < p.bins->last()) {
        ++hist[p.bins->binOf(ad)];
    }
    const double key = e.finite ? ad : worstKey(x, y);
    if (key > worst.threshold()) {
        worst.offer({key, base + i, a.at(i), b.at(i), original.data ? original.at(i) : 0.0f});
    }
}

bool needsRare(double ad, bool finite, const RowDiffParams& p, const WorstSink& worst) {
    return (p.bins && ad > 0.0) || (worst.enabled() && (!finite || ad > worst.threshold()));
}

void lanesScalar(RowValues a, RowValues b, RowValues original, std::int64_t n, std::int64_t base,
                 const RowDiffParams& p, Lanes& s, std::uint64_t* hist, WorstSink& worst) {
    for (std::int64_t e = 0; e < n; ++e) {
        scalarElement(a.at(e), b.at(e), p, s, static_cast<int>(e % kLanes));
        const Element el = classify(a.at(e), b.at(e));
        if (needsRare(std::fabs(el.d), el.finite, p, worst)) {
            rareElement(a, b, original, e, base, p, hist, worst);
        }
    }
}

void groupMaximaScalar(RowValues a, RowValues b, std::int64_t k, std::int64_t g, float* groupMax) {
    for (std::int64_t start = 0; start < k; start += g) {
        float m = 0.0f;
        bool nan = false;
        for (std::int64_t e = start; e < start + g; ++e) {
            const float ad = std::fabs(a.at(e) - b.at(e));
            nan |= ad != ad;
            m = ad > m ? ad : m;
        }
        groupMax[start / g] = nan ? std::numeric_limits<float>::quiet_NaN() : m;
    }
}

#ifdef QL_HAVE_AVX512_PATH
__attribute__((target("avx512f,avx512dq"))) inline __m256 load8(RowValues v, std::int64_t e) {
    if (!v.bf16) {
        return _mm256_loadu_ps(static_cast<const float*>(v.data) + e);
    }
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const std::uint16_t*>(v.data) + e));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

__attribute__((target("avx512f,avx512dq"))) inline __m512 load16(RowValues v, std::int64_t e) {
    if (!v.bf16) {
        return _mm512_loadu_ps(static_cast<const float*>(v.data) + e);
    }
    const __m256i h =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(static_cast<const std::uint16_t*>(v.data) + e));
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
}

bool haveAvx512() {
    static const bool kHave = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
    return kHave;
}

__attribute__((target("avx512f,avx512dq"))) void lanesAvx512(RowValues a, RowValues b, RowValues original,
                                                             std::int64_t n, std::int64_t base, const RowDiffParams& p,
                                                             Lanes& s, std::uint64_t* hist, WorstSink& worst) {
    const __m512d zero = _mm512_setzero_pd(), atol = _mm512_set1_pd(p.atol), rtol = _mm512_set1_pd(p.rtol);
    const __m512d last = _mm512_set1_pd(p.lastEdge);
    const bool histogram = p.bins != nullptr, keepWorst = worst.enabled();
    __m512d sAbs = zero, sSq = zero, sB2 = zero, sA2 = zero, sAB = zero, vmax = zero;
    std::uint64_t differing = 0, bad = 0, nonFinite = 0, zeros = 0, overflow = 0;
    for (std::int64_t e = 0; e + kLanes <= n; e += kLanes) {
        const __m512d x = _mm512_cvtps_pd(load8(a, e));
        const __m512d y = _mm512_cvtps_pd(load8(b, e));
        const __mmask8 finite = _mm512_cmp_pd_mask(_mm512_sub_pd(x, x), zero, _CMP_EQ_OQ) &
                                _mm512_cmp_pd_mask(_mm512_sub_pd(y, y), zero, _CMP_EQ_OQ);
        const __mmask8 eq = _mm512_cmp_pd_mask(x, y, _CMP_EQ_OQ);
        const __mmask8 bothNan = _mm512_cmp_pd_mask(x, x, _CMP_UNORD_Q) & _mm512_cmp_pd_mask(y, y, _CMP_UNORD_Q);
        const auto unequal = static_cast<__mmask8>(~eq & ~bothNan);
        const auto notFinite = static_cast<__mmask8>(~finite);
        const __m512d d = _mm512_maskz_sub_pd(finite, x, y);
        const __m512d ad = _mm512_abs_pd(d);
        const __mmask8 over = _mm512_cmp_pd_mask(ad, atol, _CMP_GT_OQ) &
                              _mm512_cmp_pd_mask(ad, _mm512_mul_pd(rtol, _mm512_abs_pd(y)), _CMP_GT_OQ);
        differing += static_cast<std::uint64_t>(__builtin_popcount(unequal));
        bad += static_cast<std::uint64_t>(__builtin_popcount(static_cast<__mmask8>(over | (notFinite & unequal))));
        nonFinite += static_cast<std::uint64_t>(__builtin_popcount(notFinite));
        zeros += static_cast<std::uint64_t>(__builtin_popcount(static_cast<__mmask8>(finite & eq)));
        overflow += static_cast<std::uint64_t>(
            __builtin_popcount(static_cast<__mmask8>(notFinite | _mm512_cmp_pd_mask(ad, last, _CMP_GE_OQ))));
        vmax = _mm512_max_pd(vmax, ad);
        sAbs = _mm512_add_pd(sAbs, ad);
        sSq = _mm512_add_pd(sSq, _mm512_mul_pd(d, d));
        const __m512d xf = _mm512_maskz_mov_pd(finite, x), yf = _mm512_maskz_mov_pd(finite, y);
        sB2 = _mm512_add_pd(sB2, _mm512_mul_pd(yf, yf));
        sA2 = _mm512_add_pd(sA2, _mm512_mul_pd(xf, xf));
        sAB = _mm512_add_pd(sAB, _mm512_mul_pd(xf, yf));
        __mmask8 hot = 0;
        if (histogram) {
            hot |= _mm512_cmp_pd_mask(ad, zero, _CMP_GT_OQ);
        }
        if (keepWorst) {
            hot |= notFinite | _mm512_cmp_pd_mask(ad, _mm512_set1_pd(worst.threshold()), _CMP_GT_OQ);
        }
        for (; hot != 0; hot = static_cast<__mmask8>(hot & (hot - 1))) {
            rareElement(a, b, original, e + __builtin_ctz(hot), base, p, hist, worst);
        }
    }
    double lanes[kLanes];
    _mm512_storeu_pd(lanes, sAbs);
    std::copy(lanes, lanes + kLanes, s.sumAbs);
    _mm512_storeu_pd(lanes, sSq);
    std::copy(lanes, lanes + kLanes, s.sumSq);
    _mm512_storeu_pd(lanes, sB2);
    std::copy(lanes, lanes + kLanes, s.sumB2);
    _mm512_storeu_pd(lanes, sA2);
    std::copy(lanes, lanes + kLanes, s.sumA2);
    _mm512_storeu_pd(lanes, sAB);
    std::copy(lanes, lanes + kLanes, s.sumAB);
    s.maxAbs = _mm512_reduce_max_pd(vmax);
    s.differing = differing;
    s.outOfTolerance = bad;
    s.nonFinite = nonFinite;
    s.zeros = zeros;
    s.overflow = overflow;
}

__attribute__((target("avx512f,avx512dq"))) void groupMaximaAvx512(RowValues a, RowValues b, std::int64_t k,
                                                                   std::int64_t g, float* groupMax) {
    for (std::int64_t start = 0; start < k; start += g) {
        __m512 vm = _mm512_setzero_ps();
        __mmask16 nan = 0;
        for (std::int64_t e = start; e < start + g; e += 16) {
            const __m512 ad = _mm512_abs_ps(_mm512_sub_ps(load16(a, e), load16(b, e)));
            nan |= _mm512_cmp_ps_mask(ad, ad, _CMP_UNORD_Q);
            vm = _mm512_max_ps(vm, ad);
        }
        groupMax[start / g] = nan != 0 ? std::numeric_limits<float>::quiet_NaN() : _mm512_reduce_max_ps(vm);
    }
}

__attribute__((target("avx512f,avx512dq"))) void histcAvx512(RowValues x, std::int64_t n, float lo, float hi,
                                                             std::int64_t bins, std::uint64_t* counts) {
    const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
    const __m512 vbins = _mm512_set1_ps(static_cast<float>(bins)), width = _mm512_set1_ps(hi - lo);
    const __m512i last = _mm512_set1_epi32(static_cast<int>(bins - 1));
    std::uint64_t sub[4][256] = {};  // interleaved partial counts: consecutive equal bins do not stall
    alignas(64) std::int32_t pos[16];
    std::int64_t e = 0;
    for (; e + 16 <= n; e += 16) {
        const __m512 v = load16(x, e);
        const __mmask16 in = _mm512_cmp_ps_mask(v, vlo, _CMP_GE_OQ) & _mm512_cmp_ps_mask(v, vhi, _CMP_LE_OQ);
        const __m512 t = _mm512_div_ps(_mm512_mul_ps(_mm512_sub_ps(v, vlo), vbins), width);
        const __m512i p = _mm512_max_epi32(_mm512_min_epi32(_mm512_cvttps_epi32(t), last), _mm512_setzero_si512());
        _mm512_store_si512(pos, p);  // lanes outside [lo, hi] (any index) add 0 below
        for (int l = 0; l < 16; ++l) {
            sub[l & 3][pos[l]] += (in >> l) & 1u;
        }
    }
    for (int j = 0; j < 4; ++j) {
        for (std::int64_t b = 0; b < bins; ++b) {
            counts[b] += sub[j][b];
        }
    }
    histcCount(x.offset(e), n - e, lo, hi, bins, counts, true);
}
#endif

}  // namespace

void histcCount(RowValues x, std::int64_t n, float lo, float hi, std::int64_t bins, std::uint64_t* counts,
                bool portable) {
#ifdef QL_HAVE_AVX512_PATH
    if (!portable && bins <= 256 && haveAvx512()) {
        histcAvx512(x, n, lo, hi, bins, counts);
        return;
    }
#endif
    for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t bin = histcBin(x.at(i), lo, hi, bins);
        if (bin >= 0) {
            ++counts[bin];
        }
    }
}

HistogramBins::HistogramBins(std::vector<double> edges) : m_edges(std::move(edges)) {
    const int lo = std::ilogb(m_edges.front()), hi = std::ilogb(m_edges.back());
    m_minExponent = lo;
    for (int e = lo; e <= hi; ++e) {
        const double v = std::ldexp(1.0, e);
        const auto i = static_cast<int>(std::upper_bound(m_edges.begin(), m_edges.end(), v) - m_edges.begin()) - 1;
        m_firstBin.push_back(i < 0 ? 0 : i);
    }
}

int HistogramBins::binOf(double d) const {
    if (d < m_edges.front()) {
        return 0;
    }
    int i = m_firstBin[static_cast<std::size_t>(std::ilogb(d) - m_minExponent)];
    while (i + 1 < static_cast<int>(m_edges.size()) && m_edges[static_cast<std::size_t>(i) + 1] <= d) {
        ++i;
    }
    return i;
}

void WorstSink::offer(const WorstCandidate& c) {
    if (m_capacity == 0) {
        return;
    }
    if (m_items.size() < m_capacity) {
        m_items.push_back(c);
    } else {
        // Replace the smallest key (the latest index among equal smallest keys).
        auto victim = std::min_element(m_items.begin(), m_items.end(), [](const auto& l, const auto& r) {
            return l.key < r.key || (l.key == r.key && l.index > r.index);
        });
        *victim = c;
    }
    refreshMin();
}

void WorstSink::refreshMin() {
    m_minKey = m_items.empty() ? 0.0 : m_items.front().key;
    for (const auto& i : m_items) {
        m_minKey = std::min(m_minKey, i.key);
    }
}

void WorstSink::merge(const WorstSink& other) {
    std::vector<WorstCandidate> all = sorted();
    const auto more = other.sorted();
    all.insert(all.end(), more.begin(), more.end());
    std::sort(all.begin(), all.end(),
              [](const auto& l, const auto& r) { return l.key > r.key || (l.key == r.key && l.index < r.index); });
    if (all.size() > m_capacity) {
        all.resize(m_capacity);
    }
    m_items = std::move(all);
    refreshMin();
}

std::vector<WorstCandidate> WorstSink::sorted() const {
    std::vector<WorstCandidate> out = m_items;
    std::sort(out.begin(), out.end(),
              [](const auto& l, const auto& r) { return l.key > r.key || (l.key == r.key && l.index < r.index); });
    return out;
}

void diffRow(RowValues a, RowValues b, RowValues original, std::int64_t k, std::int64_t rowIndex,
             const RowDiffParams& p, RowDiff& out, std::uint64_t* hist, float* groupMax, WorstSink& worst) {
    const std::int64_t base = rowIndex * k;
    const std::int64_t vectorPart = k / kLanes * kLanes;
    Lanes s;
    bool vectorized = false;
#ifdef QL_HAVE_AVX512_PATH
    if (!p.portable && haveAvx512()) {
        lanesAvx512(a, b, original, vectorPart, base, p, s, hist, worst);
        vectorized = true;
    }
#endif
    if (!vectorized) {
        lanesScalar(a, b, original, vectorPart, base, p, s, hist, worst);
    }
    for (std::int64_t e = vectorPart; e < k; ++e) {  // the tail goes to lanes 0.. in order, on both paths
        scalarElement(a.at(e), b.at(e), p, s, static_cast<int>(e - vectorPart));
        rareElement(a, b, original, e, base, p, hist, worst);
    }
    out.differing = s.differing;
    out.outOfTolerance = s.outOfTolerance;
    out.nonFinite = s.nonFinite;
    out.zeros = s.zeros;
    out.overflow = s.overflow;
    out.maxAbs = s.maxAbs;
    for (int l = 0; l < kLanes; ++l) {
        out.sumAbs += s.sumAbs[l];
        out.sumSq += s.sumSq[l];
        out.sumB2 += s.sumB2[l];
        out.sumA2 += s.sumA2[l];
        out.sumAB += s.sumAB[l];
    }
    if (!groupMax || p.mapGroup <= 0 || k % p.mapGroup != 0) {
        return;
    }
#ifdef QL_HAVE_AVX512_PATH
    if (!p.portable && haveAvx512() && p.mapGroup % 16 == 0) {
        groupMaximaAvx512(a, b, k, p.mapGroup, groupMax);
        return;
    }
#endif
    groupMaximaScalar(a, b, k, p.mapGroup, groupMax);
}

}  // namespace ql::checks::kernels
