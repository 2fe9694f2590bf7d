// The streaming metrics (verify/diff_stream.h, verify/diff_kernel.h) against the same definitions
// written as whole-tensor float64 ATen ops (what metrics.h states, and what scenarios.py computes):
// counts and maxima exact, sums to 1e-12 relative; results independent of row blocking and of the
// kernel path (AVX-512 vs portable scalar: bit-identical); addHistc equal to torch.histc.
#include "verify/diff_stream.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "verify/metrics.h"

namespace ql::checks {
namespace {

at::Generator gen(std::uint64_t seed) {
    return at::detail::createCPUGenerator(seed);
}

// A train/eval pair like a weight comparison: bf16-valued, most elements equal, some one grid step
// apart, a few large gaps; `special` adds NaN/inf in both and in one side only.
std::pair<at::Tensor, at::Tensor> pair(std::int64_t n, std::int64_t k, std::uint64_t seed, bool special) {
    auto g = gen(seed);
    at::Tensor a = (at::randn({n, k}, g) * 0.05).to(at::kBFloat16).to(at::kFloat);
    at::Tensor b = a.clone();
    at::Tensor pick = at::rand({n, k}, g);
    b = at::where(pick < 0.2, b + 0.0078125 * at::sign(at::randn({n, k}, g)), b);
    b = at::where(pick > 0.999, b * 3.0, b).to(at::kBFloat16).to(at::kFloat);
    if (special) {
        a.view(-1)[3] = std::numeric_limits<float>::quiet_NaN();
        b.view(-1)[3] = std::numeric_limits<float>::quiet_NaN();
        a.view(-1)[5] = std::numeric_limits<float>::infinity();
        b.view(-1)[7] = -std::numeric_limits<float>::infinity();
        a.view(-1)[11] = std::numeric_limits<float>::quiet_NaN();
    }
    return {a, b};
}

struct Reference {
    std::uint64_t differing, outOfTolerance, nonFinite, zeros, overflow;
    double maxAbs, sumAbs, sumSq, sumB2, sumA2, sumAB;
};

// metrics.h's definitions, whole tensor, float64 ATen ops.
Reference reference(const at::Tensor& a, const at::Tensor& b, const Tolerance& tol) {
    at::Tensor x = a.reshape(-1).to(at::kDouble), y = b.reshape(-1).to(at::kDouble);
    at::Tensor finite = at::isfinite(x) & at::isfinite(y);
    at::Tensor unequal = x.ne(y) & (at::isnan(x) & at::isnan(y)).logical_not();
    at::Tensor d = at::where(finite, x - y, at::zeros({}, x.options()));
    at::Tensor ad = d.abs();
    at::Tensor bad = ((ad > tol.atol) & (ad > tol.rtol * y.abs())) | (finite.logical_not() & unequal);
    at::Tensor xf = at::where(finite, x, at::zeros({}, x.options())),
               yf = at::where(finite, y, at::zeros({}, x.options()));
    auto count = [](const at::Tensor& m) { return static_cast<std::uint64_t>(m.sum().item<std::int64_t>()); };
    const double last = logHistogramEdges().back();
    return {count(unequal),
            count(bad),
            count(finite.logical_not()),
            count(finite & x.eq(y)),
            count(finite.logical_not() | (ad >= last)),
            ad.max().item<double>(),
            ad.sum().item<double>(),
            (d * d).sum().item<double>(),
            (yf * yf).sum().item<double>(),
            (xf * xf).sum().item<double>(),
            (xf * yf).sum().item<double>()};
}

void expectNear(double got, double want, const char* what) {
    EXPECT_NEAR(got, want, 1e-12 * std::max(1e-300, std::abs(want))) << what;
}

TEST(DiffStream, MatchesFloat64DefinitionsWithSpecialValues) {
    const Tolerance tol{1e-3, 1e-2};
    for (bool special : {false, true}) {
        auto [a, b] = pair(300, 1000, special ? 7 : 3, special);  // K not a multiple of 8 or 16: tails
        DiffStream s(300, 1000, {tol, 100, 0, true});
        s.add(a, b, 0);
        const Reference r = reference(a, b, tol);
        const DiffAccumulator& got = s.sums();
        EXPECT_EQ(got.total, 300u * 1000u);
        EXPECT_EQ(got.differing, r.differing);
        EXPECT_EQ(got.outOfTolerance, r.outOfTolerance);
        EXPECT_EQ(got.nonFinite, r.nonFinite);
        EXPECT_EQ(got.maxAbs, r.maxAbs);
        expectNear(got.sumAbs, r.sumAbs, "sumAbs");
        expectNear(got.sumSq, r.sumSq, "sumSq");
        expectNear(got.sumB2, r.sumB2, "sumB2");
        expectNear(got.sumA2, r.sumA2, "sumA2");
        expectNear(got.sumAB, r.sumAB, "sumAB");
        const Histogram h = s.histogram();
        EXPECT_EQ(h.zeros, r.zeros);
        EXPECT_EQ(h.overflow, r.overflow);
        // bins: torch.bucketize(|Δ| > 0 finite, edges, right=True) - 1, clamped at 0
        at::Tensor x = a.reshape(-1).to(at::kDouble), y = b.reshape(-1).to(at::kDouble);
        at::Tensor d = (x - y).abs();
        at::Tensor pos = d.masked_select(at::isfinite(d) & d.gt(0));
        at::Tensor edges = at::tensor(logHistogramEdges(), at::TensorOptions().dtype(at::kDouble));
        at::Tensor idx = (at::bucketize(pos, edges, false, true) - 1).clamp_min(0);
        at::Tensor counts = at::bincount(idx.masked_select(idx.lt(52)), {}, 52);
        for (std::int64_t i = 0; i < 52; ++i) {
            EXPECT_EQ(h.counts[static_cast<std::size_t>(i)], static_cast<std::uint64_t>(counts[i].item<std::int64_t>()))
                << i;
        }
    }
}

TEST(DiffStream, BlockingAndKernelPathDoNotChangeAnyBit) {
    const Tolerance tol{1e-4, 1e-3};
    auto [a, b] = pair(257, 1024, 11, true);
    auto run = [&](std::int64_t block, bool portable) {
        DiffStream s(257, 1024, {tol, 128, 32, true, portable});
        for (std::int64_t r0 = 0; r0 < 257; r0 += block) {
            const std::int64_t n = std::min(block, 257 - r0);
            s.add(a.narrow(0, r0, n), b.narrow(0, r0, n), r0, a.narrow(0, r0, n));
        }
        return s;
    };
    const DiffStream whole = run(257, true);
    for (auto [block, portable] : {std::pair<std::int64_t, bool>{257, false}, {1, false}, {64, false}, {100, true}}) {
        const DiffStream s = run(block, portable);
        const DiffAccumulator blocked = s.sums(), once = whole.sums();
        EXPECT_EQ(std::memcmp(&blocked, &once, sizeof(DiffAccumulator)), 0) << block << portable;
        EXPECT_EQ(s.histogram().counts, whole.histogram().counts);
        EXPECT_EQ(s.groupMap(64).maxAbs.size(), whole.groupMap(64).maxAbs.size());
        const auto wm = whole.groupMap(64).maxAbs, sm = s.groupMap(64).maxAbs;
        for (std::size_t i = 0; i < wm.size(); ++i) {
            EXPECT_TRUE(sm[i] == wm[i] || (std::isnan(sm[i]) && std::isnan(wm[i]))) << i;
        }
        const auto ws = whole.worst(), ss = s.worst();
        ASSERT_EQ(ss.size(), ws.size());
        for (std::size_t i = 0; i < ws.size(); ++i) {
            EXPECT_EQ(ss[i].row, ws[i].row);
            EXPECT_EQ(ss[i].col, ws[i].col);
        }
    }
}

TEST(DiffStream, WorstElementsAreTheLargestGapsWithInfFirst) {
    auto [a, b] = pair(64, 256, 5, false);
    b.view(-1)[1000] = std::numeric_limits<float>::infinity();
    const auto worst = worstElements(a, b, a, 8);
    ASSERT_EQ(worst.size(), 8u);
    EXPECT_EQ(worst[0].row * 256 + worst[0].col, 1000);
    at::Tensor d = (a.to(at::kDouble) - b.to(at::kDouble)).abs().reshape(-1).nan_to_num(0.0);
    at::Tensor top = std::get<0>(at::topk(d, 8));
    for (std::size_t i = 1; i < 8; ++i) {
        EXPECT_EQ(std::abs(worst[i].train - worst[i].eval), top[static_cast<std::int64_t>(i)].item<double>()) << i;
    }
}

TEST(AddHistc, EqualsTorchHistc) {
    auto g = gen(17);
    at::Tensor normal = (at::randn({200, 333}, g) * 0.02).to(at::kBFloat16);
    at::Tensor onEdges = at::linspace(-1.0, 1.0, 65, at::kFloat).repeat({10});  // values exactly on bin edges
    at::Tensor constant = at::full({100}, 0.25f);
    at::Tensor withSpecials = at::randn({1000}, g);
    withSpecials[0] = std::numeric_limits<float>::quiet_NaN();
    withSpecials[1] = std::numeric_limits<float>::infinity();
    withSpecials[2] = 5.0f;  // outside [lo, hi] below
    for (const at::Tensor& x : {normal, onEdges, constant, withSpecials}) {
        for (int bins : {64, 10}) {
            at::Tensor f = x.to(at::kFloat);
            at::Tensor finite = f.masked_select(at::isfinite(f));
            double lo = finite.min().item<double>(), hi = finite.max().item<double>();
            if (x.numel() == 1000) {
                lo = -1.5;
                hi = 1.5;
            }
            std::vector<std::uint64_t> got(static_cast<std::size_t>(bins), 0);
            addHistc(x, lo, hi, got);
            at::Tensor want = at::histc(f, bins, lo, hi);
            if (lo != hi) {  // the portable kernel path gives the same counts as the vector path
                std::vector<std::uint64_t> portable(static_cast<std::size_t>(bins), 0);
                kernels::histcCount({f.data_ptr(), false}, f.numel(), static_cast<float>(lo), static_cast<float>(hi),
                                    bins, portable.data(), true);
                EXPECT_EQ(portable, got);
            }
            for (int i = 0; i < bins; ++i) {
                EXPECT_EQ(got[static_cast<std::size_t>(i)], static_cast<std::uint64_t>(want[i].item<float>()))
                    << "bins " << bins << " bin " << i << " n " << x.numel();
            }
        }
    }
}

}  // namespace
}  // namespace ql::checks
