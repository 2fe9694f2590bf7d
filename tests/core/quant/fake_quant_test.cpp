// Fused Int4Plain fake quant vs the ATen op-for-op reference on random data (both device semantics),
// plus the int4 nibble packing round trip and error paths.
#include "quant/fake_quant.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "quant/int4_convert.h"

namespace ql::quant {
namespace {

int64_t bitDiff(const at::Tensor& a, const at::Tensor& b) {
    at::Tensor an = at::isnan(a), bn = at::isnan(b);
    const auto it = a.element_size() == 2 ? at::kShort : at::kInt;
    return (an.ne(bn) | a.masked_fill(an, 0).view(it).ne(b.masked_fill(bn, 0).view(it))).sum().item<int64_t>();
}

TEST(FakeQuantFused, BitIdenticalToAtenReference) {
    at::manual_seed(7);
    for (auto dtype : {at::kBFloat16, at::kFloat}) {
        for (auto dev : {DeviceSemantics::Cpu, DeviceSemantics::Cuda}) {
            for (int g : {32, 128}) {
                at::Tensor w = (at::randn({257, 512}) * at::exp2(at::randint(-8, 8, {257, 512}))).to(dtype);
                w.index_put_({3, 5}, std::numeric_limits<float>::quiet_NaN());
                w.index_put_({4, 9}, std::numeric_limits<float>::infinity());
                FakeQuantSpec spec;
                spec.groupSize = g;
                spec.device = dev;
                at::Tensor fused = int4FakeQuantFused(w, g, dev);
                auto ref = fakeQuantizeReference(w, spec);
                ASSERT_TRUE(ref.ok());
                EXPECT_EQ(bitDiff(fused, *ref), 0) << "g=" << g;
            }
        }
    }
}

// Values whose quotient (w - min) / scale falls on or within a few ulps of a half-integer, where the
// kernel's reciprocal product must hand over to the true division: same bits as the reference.
TEST(FakeQuantFused, NearTiesOfTheRoundingAgreeWithTheReference) {
    at::manual_seed(13);
    constexpr int g = 32, groups = 4096;
    for (auto dev : {DeviceSemantics::Cpu, DeviceSemantics::Cuda}) {
        at::Tensor w = at::empty({groups, g});
        float* p = w.data_ptr<float>();
        at::Tensor lo = at::randn({groups}), span = at::rand({groups}) * 3 + 0.01;
        for (int i = 0; i < groups; ++i) {
            const float mn = lo[i].item<float>(), mx = mn + span[i].item<float>();
            const float range = mx - mn;
            const float s = dev == DeviceSemantics::Cuda ? range * (1.0f / 15.0f) : range / 15.0f;
            p[i * g] = mn;
            p[i * g + 1] = mx;
            for (int e = 2; e < g; ++e) {
                const float k = static_cast<float>((e * 7 + i) % 15) + 0.5f;
                float v = mn + k * s;
                for (int step = 0; step < (e % 9) - 4; ++step) v = std::nextafter(v, INFINITY);
                for (int step = 0; step < 4 - (e % 9); ++step) v = std::nextafter(v, -INFINITY);
                p[i * g + e] = std::clamp(v, mn, mx);
            }
        }
        FakeQuantSpec spec;
        spec.groupSize = g;
        spec.device = dev;
        for (auto dtype : {at::kFloat, at::kBFloat16}) {
            const at::Tensor x = w.to(dtype).view({groups / 4, 4 * g});
            auto ref = fakeQuantizeReference(x, spec);
            ASSERT_TRUE(ref.ok());
            EXPECT_EQ(bitDiff(int4FakeQuantFused(x, g, dev), *ref), 0);
            const auto both = int4FakeAndConverted(x.to(at::kBFloat16), g, dev);
            EXPECT_EQ(bitDiff(both.fake, *fakeQuantizeReference(x.to(at::kBFloat16), spec)), 0);
        }
    }
}

TEST(FakeQuantFused, CudaAndCpuSemanticsDifferSomewhere) {
    at::manual_seed(3);
    at::Tensor w = at::randn({512, 1024}).to(at::kBFloat16);
    at::Tensor cpu = int4FakeQuantFused(w, 128, DeviceSemantics::Cpu);
    at::Tensor cuda = int4FakeQuantFused(w, 128, DeviceSemantics::Cuda);
    EXPECT_GT(bitDiff(cpu, cuda), 0);  // R/15 vs R*fl32(1/15): 1-ulp scale differences show up
}

TEST(FakeQuant, RaggedKIsRefusedWithShape) {
    FakeQuantSpec spec;
    spec.groupSize = 32;
    auto r = fakeQuantize(at::zeros({3, 40}, at::kBFloat16), spec);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("K=40"), std::string::npos) << r.error().message;
}

TEST(Int4Pack, RoundTripAndEvenIndexInLowNibble) {
    at::Tensor codes = at::arange(-8, 8, at::kChar).repeat({3, 2});
    at::Tensor packed = packInt4(codes);
    EXPECT_EQ(packed.size(1), codes.size(1) / 2);
    EXPECT_TRUE(unpackInt4(packed).equal(codes));
    EXPECT_EQ(packed.index({0, 0}).item<int8_t>(), static_cast<int8_t>((-8 & 0xF) | (-7 << 4)));
}

// The one-pass convert-check kernel gives the same bits as the separate fused fake quant, the
// ATen-reference codes and the kernel dequant (incl. NaN/inf groups and a group size with a tail).
TEST(Int4FakeAndConverted, SameBitsAsTheSeparatePaths) {
    at::manual_seed(11);
    for (auto dev : {DeviceSemantics::Cpu, DeviceSemantics::Cuda}) {
        for (int g : {24, 32, 128}) {
            at::Tensor w = (at::randn({65, 384}) * at::exp2(at::randint(-8, 8, {65, 384}))).to(at::kBFloat16);
            w.index_put_({3, 5}, std::numeric_limits<float>::quiet_NaN());
            w.index_put_({4, 9}, std::numeric_limits<float>::infinity());
            w.index_put_({6}, 0.5);  // constant rows: range clamped to 1e-6
            const auto both = int4FakeAndConverted(w, g, dev);
            EXPECT_EQ(bitDiff(both.fake, int4FakeQuantFused(w, g, dev)), 0) << g;
            FakeQuantSpec spec;
            spec.groupSize = g;
            spec.device = dev;
            EXPECT_EQ(bitDiff(both.fake, *fakeQuantizeReference(w, spec)), 0) << g;
            const Int4Codes codes = int4PlainQuantize(w, g, dev);
            EXPECT_EQ(bitDiff(both.dequant, int4PlainDequantizeCodes(codes, at::kBFloat16)), 0) << g;
            EXPECT_EQ(bitDiff(both.dequant, int4PlainDequantize(int4PlainPack(codes, at::kBFloat16)).to(at::kFloat)),
                      0);
            EXPECT_EQ(bitDiff(both.scale, codes.scale), 0);
            EXPECT_EQ(bitDiff(both.zero, codes.zero), 0);
        }
    }
}

}  // namespace
}  // namespace ql::quant
