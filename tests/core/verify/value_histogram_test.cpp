// ValueHistogram over row blocks equals torch.histc over the whole tensor's finite range (the
// definition the report documents), for bf16, fp16 and fp32 blocks in any split, constant tensors
// (histc widens the range) and non-finite values. The reference is ATen's own histc (torch.histc),
// not the code under test.
#include "verify/value_histogram.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <limits>

namespace ql::checks {
namespace {

Histogram reference(const at::Tensor& w) {
    at::Tensor f = w.to(at::kFloat);
    f = f.masked_select(at::isfinite(f));
    if (f.numel() == 0) return {};
    const double lo = f.min().item<double>(), hi = f.max().item<double>();
    const at::Tensor counts = at::histc(f, 64, lo, hi).to(at::kLong).contiguous();
    Histogram h;
    // histc widens an empty range to [lo - 1, hi + 1] (aten/src/ATen/native/SummaryOps.cpp)
    const double a = lo == hi ? lo - 1 : lo, b = lo == hi ? hi + 1 : hi;
    for (int i = 0; i <= 64; ++i) h.edges.push_back(a + (b - a) * i / 64);
    for (int i = 0; i < 64; ++i) h.counts.push_back(static_cast<std::uint64_t>(counts[i].item<std::int64_t>()));
    return h;
}

void expectEqual(const Histogram& a, const Histogram& b) {
    EXPECT_EQ(a.edges, b.edges);
    EXPECT_EQ(a.counts, b.counts);
}

TEST(ValueHistogram, Bf16BlocksEqualHistcOfTheWhole) {
    at::manual_seed(9);
    at::Tensor w = (at::randn({300, 256}) * 0.03).to(at::kBFloat16);
    w[5][5] = std::numeric_limits<float>::infinity();
    w[6][6] = std::numeric_limits<float>::quiet_NaN();
    w[7][7] = -std::numeric_limits<float>::infinity();
    for (std::int64_t block : {300, 64, 7}) {
        ValueHistogram h;
        for (std::int64_t r = 0; r < 300; r += block) h.add(w.narrow(0, r, std::min<std::int64_t>(block, 300 - r)));
        expectEqual(h.finish(), reference(w));
    }
}

TEST(ValueHistogram, ConstantAndNonFinite) {
    ValueHistogram constant;
    constant.add(at::full({4, 8}, 0.5).to(at::kBFloat16));
    const Histogram c = constant.finish();
    expectEqual(c, reference(at::full({4, 8}, 0.5).to(at::kBFloat16)));
    EXPECT_EQ(c.counts[32], 32u);  // histc widens [0.5, 0.5] to [-0.5, 1.5]
    ValueHistogram nan;
    nan.add(at::full({2, 2}, std::numeric_limits<float>::quiet_NaN()).to(at::kBFloat16));
    EXPECT_TRUE(nan.finish().edges.empty());
}

// Blocks of any dtype accumulate (an earlier version kept only the last non-bf16 block).
TEST(ValueHistogram, Fp32AndFp16BlocksEqualHistcOfTheWhole) {
    at::manual_seed(10);
    for (const auto dtype : {at::kFloat, at::kHalf}) {
        at::Tensor w = (at::randn({130, 96}) * 0.05).to(dtype);
        w[3][3] = std::numeric_limits<float>::infinity();
        for (std::int64_t block : {130, 64, 7}) {
            ValueHistogram h;
            for (std::int64_t r = 0; r < 130; r += block) h.add(w.narrow(0, r, std::min<std::int64_t>(block, 130 - r)));
            expectEqual(h.finish(), reference(w));
        }
    }
}

}  // namespace
}  // namespace ql::checks
