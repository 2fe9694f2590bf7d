// The fused CUDA weight compare (both sides' int4 fake quant + metrics + map + histogram) vs the
// plain-ATen implementation (quant::compareInt4Aten: verify's metric functions) on the GPU and on the
// host. Exact: element counts, max |Δ|, histogram, per-group map, both fake-quantized weights (bits).
// Sums differ only by summation order: |Δsum| <= n·2^-52·Σ|terms| (two orders, each within
// (n-1)·2^-53·Σ|terms| of the exact sum). Host-only tests check the ATen path's wiring.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "cuda/cuda_dispatch.h"
#include "gpu/gpu_golden.h"
#include "quant/fake_quant.h"
#include "quant/fused_compare.h"

namespace ql::gpu {
namespace {

using quant::CompareRequest;
using quant::CompareResult;
using quant::DeviceSemantics;

void expectSums(const ql::checks::DiffAccumulator& g, const ql::checks::DiffAccumulator& w, const std::string& label) {
    const double n = static_cast<double>(w.total), u = std::ldexp(1.0, -52);
    EXPECT_NEAR(g.sumAbs, w.sumAbs, n * u * w.sumAbs) << label;
    EXPECT_NEAR(g.sumSq, w.sumSq, n * u * w.sumSq) << label;
    EXPECT_NEAR(g.sumA2, w.sumA2, n * u * w.sumA2) << label;
    EXPECT_NEAR(g.sumB2, w.sumB2, n * u * w.sumB2) << label;
    EXPECT_NEAR(g.sumAB, w.sumAB, n * u * std::sqrt(w.sumA2 * w.sumB2)) << label;
}

void expectSameMap(const at::Tensor& got, const at::Tensor& want, const std::string& label) {
    EXPECT_EQ(golden::bitMismatches(got.cpu(), want.cpu()), 0) << label << ": per-group max |Δ| map";
    const GroupErrorMap a = quant::poolGroupMap(got), b = quant::poolGroupMap(want);
    EXPECT_EQ(a.rows, b.rows) << label;
    EXPECT_EQ(a.cols, b.cols) << label;
    EXPECT_EQ(golden::bitMismatches(at::tensor(a.maxAbs), at::tensor(b.maxAbs)), 0) << label << ": pooled map";
}

void expectSame(const CompareResult& got, const CompareResult& want, const std::string& label) {
    const auto &g = got.diff, &w = want.diff;
    EXPECT_EQ(g.total, w.total) << label;
    EXPECT_EQ(g.differing, w.differing) << label;
    EXPECT_EQ(g.outOfTolerance, w.outOfTolerance) << label;
    EXPECT_EQ(g.nonFinite, w.nonFinite) << label;
    EXPECT_EQ(g.maxAbs, w.maxAbs) << label;
    expectSums(g, w, label);
    EXPECT_EQ(got.absDiff.edges, want.absDiff.edges) << label;
    EXPECT_EQ(got.absDiff.counts, want.absDiff.counts) << label << ": |Δ| histogram";
    EXPECT_EQ(got.absDiff.zeros, want.absDiff.zeros) << label;
    EXPECT_EQ(got.absDiff.overflow, want.absDiff.overflow) << label;
    expectSameMap(got.groupMaxAbs, want.groupMaxAbs, label);
    if (got.train.defined() && want.train.defined()) {
        EXPECT_EQ(golden::bitMismatches(got.train.cpu(), want.train.cpu()), 0) << label << ": train weight";
        EXPECT_EQ(golden::bitMismatches(got.eval.cpu(), want.eval.cpu()), 0) << label << ": eval weight";
    }
}

CompareRequest request(quant::Int4Side train, quant::Int4Side eval, int mapGroup) {
    CompareRequest r;
    r.train = train;
    r.eval = eval;
    r.tolerance = {1e-3, 1e-2};
    r.mapGroupSize = mapGroup;
    r.keepOutputs = true;
    return r;
}

// Kernel on the GPU vs the ATen path on the GPU and on the host.
void compareAll(const at::Tensor& train, const at::Tensor& eval, const CompareRequest& r, const std::string& label) {
    auto fused = cuda::fusedInt4Compare(train.cuda(), eval.cuda(), r);
    ASSERT_TRUE(fused.ok()) << label << ": " << fused.error().message;
    auto gpuAten = quant::compareInt4Aten(train.cuda(), eval.cuda(), r);
    ASSERT_TRUE(gpuAten.ok()) << label << ": " << gpuAten.error().message;
    auto host = quant::compareInt4Aten(train.cpu(), eval.cpu(), r);
    ASSERT_TRUE(host.ok()) << label << ": " << host.error().message;
    expectSame(*fused, *gpuAten, label + " [kernel vs aten gpu]");
    expectSame(*fused, *host, label + " [kernel vs host]");
}

TEST(FusedCompareGpu, GoldenInputsCpuVsCudaSemantics) {
    QL_REQUIRE_CUDA();
    int compared = 0;
    uint64_t differing = 0;
    for (const FqCase& c : int4Cases("int4_plain_cuda")) {
        if (!c.out) continue;
        const int g = c.group;
        compareAll(c.in, c.in, request({true, g, DeviceSemantics::Cpu}, {true, g, DeviceSemantics::Cuda}, g),
                   c.label + " cpu-vs-cuda");
        compareAll(c.in, c.in, request({false, g, DeviceSemantics::Cuda}, {true, g, DeviceSemantics::Cuda}, g),
                   c.label + " float-vs-fq");
        auto same = cuda::fusedInt4Compare(
            c.in.cuda(), c.in.cuda(), request({true, g, DeviceSemantics::Cuda}, {true, g, DeviceSemantics::Cuda}, g));
        ASSERT_TRUE(same.ok());
        EXPECT_EQ(same->diff.differing, 0u) << c.label << ": identical sides must not differ";
        auto cpuVsCuda = cuda::fusedInt4Compare(
            c.in.cuda(), c.in.cuda(), request({true, g, DeviceSemantics::Cpu}, {true, g, DeviceSemantics::Cuda}, g));
        differing += cpuVsCuda->diff.differing;
        ++compared;
    }
    std::printf("fused compare: %d golden inputs, CPU- vs CUDA-semantics fake quant differ in %llu elements\n",
                compared, static_cast<unsigned long long>(differing));
    EXPECT_GE(compared, 200);
}

// Heavy-tailed [1024, 4096] weight vs a perturbed copy (as a merged LoRA would), several group
// pairs and dtypes; the last request's map group is the whole row (9728 > kernel tile: ATen fallback).
TEST(FusedCompareGpu, LargeHeavyTailedWeights) {
    QL_REQUIRE_CUDA();
    at::manual_seed(11);
    const at::Tensor base = at::randn({1024, 4096}) * at::randn({1024, 4096}).pow(3) * 0.02;
    const at::Tensor delta = at::randn({1024, 4096}) * 1e-3;
    for (auto type : {at::kBFloat16, at::kFloat, at::kHalf}) {
        const at::Tensor w = base.to(type), merged = (base + delta).to(type);
        const std::string t = c10::toString(type);
        compareAll(w, merged, request({true, 128, DeviceSemantics::Cuda}, {true, 128, DeviceSemantics::Cuda}, 128),
                   t + " g128/g128 merged");
        compareAll(w, w, request({true, 64, DeviceSemantics::Cpu}, {true, 128, DeviceSemantics::Cuda}, 128),
                   t + " g64 cpu / g128 cuda");
        compareAll(w, merged, request({true, 256, DeviceSemantics::Cuda}, {false, 32, DeviceSemantics::Cuda}, 32),
                   t + " g256 / float");
    }
    const at::Tensor wide = (at::randn({64, 9728}) * 0.02).to(at::kBFloat16);
    compareAll(wide, wide, request({true, 128, DeviceSemantics::Cpu}, {true, 128, DeviceSemantics::Cuda}, 0),
               "whole-row map (fallback)");
}

TEST(FusedCompareGpu, RejectsHostTensors) {
    QL_REQUIRE_CUDA();
    const at::Tensor w = at::zeros({4, 128});
    EXPECT_FALSE(cuda::fusedInt4Compare(w, w, request({}, {}, 128)).ok());
}

// Host: the ATen path is exactly the CPU fake quant followed by verify's metric functions.
TEST(FusedCompareHost, AtenPathIsFakeQuantThenVerifyMetrics) {
    at::manual_seed(3);
    const at::Tensor w = (at::randn({48, 512}) * 0.05).to(at::kBFloat16);
    const CompareRequest r = request({true, 64, DeviceSemantics::Cpu}, {true, 128, DeviceSemantics::Cuda}, 128);
    auto got = cuda::compareInt4(w, w, r);
    ASSERT_TRUE(got.ok()) << got.error().message;
    const at::Tensor a = quant::int4FakeQuantFused(w, 64, DeviceSemantics::Cpu);
    const at::Tensor b = quant::int4FakeQuantFused(w, 128, DeviceSemantics::Cuda);
    const DiffMetrics m = ql::checks::diffMetrics(a, b, r.tolerance), gm = got->diff.result();
    EXPECT_EQ(gm.differing, m.differing);
    EXPECT_GT(gm.differing, 0u);
    EXPECT_EQ(gm.maxAbs, m.maxAbs);
    EXPECT_EQ(gm.sqnrDb, m.sqnrDb);
    EXPECT_EQ(gm.cosine, m.cosine);
    EXPECT_EQ(got->absDiff.counts, ql::checks::absDiffHistogram(a, b).counts);
    const GroupErrorMap want = ql::checks::groupErrorMap(a, b, 128);
    EXPECT_EQ(quant::poolGroupMap(got->groupMaxAbs).maxAbs, want.maxAbs);
}

TEST(FusedCompareHost, RejectsRaggedGroupsAndShapeMismatch) {
    const at::Tensor w = at::zeros({4, 96}, at::kBFloat16);
    auto ragged =
        cuda::compareInt4(w, w, request({true, 64, DeviceSemantics::Cpu}, {true, 32, DeviceSemantics::Cpu}, 32));
    ASSERT_FALSE(ragged.ok());
    EXPECT_NE(ragged.error().message.find("K=96 is not a multiple of group size 64"), std::string::npos)
        << ragged.error().message;
    auto shapes = cuda::compareInt4(w, at::zeros({4, 64}, at::kBFloat16), request({}, {}, 32));
    ASSERT_FALSE(shapes.ok());
    EXPECT_EQ(shapes.error().code, ErrorCode::InvalidInput);
}

}  // namespace
}  // namespace ql::gpu
