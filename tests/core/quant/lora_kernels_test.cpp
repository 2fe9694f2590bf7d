// The row kernels of the verify walk against their ATen definitions: the LoRA delta against PEFT's
// get_delta_weight product (B @ A) * scaling on whole modules of LLM shapes (bit-identical with this
// build's BLAS: the assumption the walk checks at run time), blocks of rows of it, the bf16 merge
// (PEFT's in-place add, lora_merge.h) and the fp32 dense map, with ties, NaN, inf and denormals.
#include "quant/lora_kernels.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <limits>

#include "model/adapter_weights.h"
#include "model/lora_merge.h"

namespace ql {
namespace {

at::Tensor kernelDelta(const at::Tensor& b, const at::Tensor& a, float scaling, std::int64_t row0, std::int64_t rows) {
    at::Tensor bb = b.narrow(0, row0, rows).contiguous();
    at::Tensor out = at::empty({rows, a.size(1)}, a.options());
    quant::kernels::loraDeltaRows(bb.data_ptr<float>(), a.data_ptr<float>(), out.data_ptr<float>(), rows, a.size(0),
                                  a.size(1), scaling);
    return out;
}

TEST(LoraKernels, DeltaEqualsTheBlasProductOfWholeModules) {
    at::manual_seed(3);
    for (auto [out, r, in] : std::vector<std::tuple<int, int, int>>{
             {1024, 16, 2560}, {256, 8, 2048}, {2560, 16, 1536}, {512, 64, 1024}, {4096, 16, 256}, {320, 32, 4100}}) {
        model::LoraFactors f;
        f.a = at::randn({r, in}) / std::sqrt(static_cast<double>(in));
        f.b = at::randn({out, r}) * 0.02;
        f.scaling = 16.0 / r;
        const at::Tensor expected = model::loraDelta(f);  // PEFT: (B @ A) * scaling
        const at::Tensor whole = kernelDelta(f.b, f.a, static_cast<float>(f.scaling), 0, out);
        EXPECT_TRUE(at::equal(whole, expected))
            << out << "x" << r << "x" << in << ": " << whole.ne(expected).sum().item<std::int64_t>() << " differ";
        // Any block of rows is those rows of the whole.
        const at::Tensor block = kernelDelta(f.b, f.a, static_cast<float>(f.scaling), 7, 13);
        EXPECT_TRUE(at::equal(block, whole.narrow(0, 7, 13)));
    }
}

TEST(LoraKernels, MergeRoundsLikePeftsInPlaceAdd) {
    at::manual_seed(4);
    at::Tensor w = (at::randn({64, 256}) * 0.05).to(at::kBFloat16);
    at::Tensor d = at::randn({64, 256}) * 1e-3;
    // Exact ties of the bf16 rounding, non-finite values and denormals.
    w[0][0] = 1.0, d[0][0] = std::ldexp(1.0f, -8);  // 1 + 2^-8: halfway between two bf16 values
    w[0][1] = 1.0, d[0][1] = 3 * std::ldexp(1.0f, -8);
    w[0][2] = std::numeric_limits<float>::infinity();
    d[0][3] = std::numeric_limits<float>::quiet_NaN();
    d[0][4] = std::numeric_limits<float>::infinity(), w[0][4] = -std::numeric_limits<float>::infinity();
    w[0][5] = 0, d[0][5] = 1e-40f;
    // PEFT's `W.data += delta` on a bf16 weight: promoted to fp32, added, rounded once to bf16.
    const at::Tensor expected = (w.to(at::kFloat) + d).to(at::kBFloat16);
    at::Tensor merged = at::empty_like(w);
    quant::kernels::mergeIntoBf16(static_cast<const std::uint16_t*>(w.data_ptr()), d.data_ptr<float>(),
                                  static_cast<std::uint16_t*>(merged.data_ptr()), w.numel());
    // Bit patterns, NaN apart (ATen's vectorized conversion writes 0xFFFF for NaN, c10's scalar 0x7FC0).
    auto bits = [](const at::Tensor& t) { return t.masked_fill(t.isnan(), 0).view(at::kShort); };
    EXPECT_TRUE(at::equal(merged.isnan(), expected.isnan()));
    EXPECT_TRUE(at::equal(bits(merged), bits(expected)));
    EXPECT_EQ(merged.isnan().sum().item<std::int64_t>(), 2);
    EXPECT_EQ(merged[0][5].view(at::kShort).item<std::int16_t>(), 0x0001);  // the denormal survives, as in ATen
}

TEST(LoraKernels, DenseMapAddsTheDeltaInFp32) {
    at::manual_seed(5);
    at::Tensor w = (at::randn({32, 512}) * 0.05).to(at::kBFloat16);
    at::Tensor d = at::randn({32, 512}) * 1e-3;
    d[1][1] = std::numeric_limits<float>::quiet_NaN();
    at::Tensor out = at::empty({32, 512});
    quant::kernels::addDeltaBf16(static_cast<const std::uint16_t*>(w.data_ptr()), d.data_ptr<float>(),
                                 out.data_ptr<float>(), w.numel());
    EXPECT_TRUE(at::equal(out.nan_to_num(7), (w.to(at::kFloat) + d).nan_to_num(7)));
}

}  // namespace
}  // namespace ql
