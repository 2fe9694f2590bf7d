// int4 PLAIN dequant and dequant-matmul on the GPU vs torchao's converted weights and the deployed
// kernel's arithmetic as the reference emulates it (tests/reference/ql_ref/fake_quant.py, convert):
//  - dequant: bit-identical with quant::int4PlainDequantize (CPU) on every converted weight;
//  - identity trick: x = I_K gives y[k, n] = ŵ[n, k] bit-exactly;
//  - linear: fp32 accumulators within the summation-order bound K·2^-23·Σ|x||ŵ| of the CPU fp32 matmul;
//    the bf16 output is bf16(acc) + bias in bf16, and every element that differs from the reference's
//    y has an accumulator whose bound interval straddles a bf16 rounding boundary (summation order).
#include <gtest/gtest.h>

#include <cstdio>

#include "cuda/cuda_dispatch.h"
#include "gpu/gpu_golden.h"
#include "quant/int4_convert.h"

namespace ql::gpu {
namespace {

struct ConvertCase {
    std::string label;
    quant::Int4PlainWeight weight;  // CPU
    at::Tensor x, y;
    std::optional<at::Tensor> bias;
};

std::vector<ConvertCase> convertCases() {
    std::vector<ConvertCase> out;
    auto dir = test::referenceModuleDir("fake_quant", /*requireIndex=*/false);
    if (!dir) return out;
    auto manifest = test::loadJsonFile(*dir / "convert_manifest.json");
    auto file = SafetensorsFile::openFile(*dir / "convert_int4.safetensors");
    if (!manifest || !file.ok()) {
        ADD_FAILURE() << "convert_int4 reference data unreadable in " << dir->string();
        return out;
    }
    for (const auto& c : (*manifest)["cases"]) {
        if (c.value("stays_bf16", false)) continue;
        const std::string i = std::to_string(c["index"].get<int>());
        ConvertCase cc;
        cc.label = "convert case " + i + " (" + c["kind"].get<std::string>() + ")";
        cc.weight.qdata = *golden::loadTensor(*file, "qdata." + i);
        cc.weight.scale = *golden::loadTensor(*file, "scale." + i);
        cc.weight.zeroPoint = *golden::loadTensor(*file, "zero." + i);
        cc.weight.groupSize = c["group_size"];
        cc.x = *golden::loadTensor(*file, "x." + i);
        cc.y = *golden::loadTensor(*file, "y." + i);
        if (c["bias"].get<bool>()) cc.bias = golden::loadTensor(*file, "bias." + i);
        out.push_back(std::move(cc));
    }
    EXPECT_GE(out.size(), 50u);
    return out;
}

quant::Int4PlainWeight onCuda(const quant::Int4PlainWeight& w) {
    return {w.qdata.cuda(), w.scale.cuda(), w.zeroPoint.cuda(), w.groupSize};
}

TEST(Int4MatmulGpu, DequantBitIdenticalWithCpuEmulation) {
    QL_REQUIRE_CUDA();
    for (const ConvertCase& c : convertCases()) {
        auto got = cuda::int4PlainDequantizeCuda(onCuda(c.weight));
        ASSERT_TRUE(got.ok()) << c.label << ": " << got.error().message;
        EXPECT_EQ(golden::bitMismatches(got->cpu(), quant::int4PlainDequantize(c.weight)), 0) << c.label;
    }
}

TEST(Int4MatmulGpu, IdentityInputGivesTheDequantizedWeight) {
    QL_REQUIRE_CUDA();
    for (const ConvertCase& c : convertCases()) {
        const int64_t k = c.weight.qdata.size(1) * 2;
        const at::Tensor eye = at::eye(k, c.weight.scale.options()).cuda();
        auto y = cuda::int4PlainLinearCuda(eye, onCuda(c.weight), std::nullopt);
        ASSERT_TRUE(y.ok()) << c.label << ": " << y.error().message;
        EXPECT_EQ(golden::bitMismatches(y->cpu().t().contiguous(), quant::int4PlainDequantize(c.weight)), 0) << c.label;
    }
}

TEST(Int4MatmulGpu, LinearMatchesKernelEmulation) {
    QL_REQUIRE_CUDA();
    int64_t elements = 0, identical = 0;
    for (const ConvertCase& c : convertCases()) {
        const quant::Int4PlainWeight w = onCuda(c.weight);
        const auto bias = c.bias ? std::optional<at::Tensor>(c.bias->cuda()) : std::nullopt;
        auto raw = cuda::int4PlainLinearCuda(c.x.cuda(), w, std::nullopt, /*rawAccumulators=*/true);
        auto y = cuda::int4PlainLinearCuda(c.x.cuda(), w, bias);
        ASSERT_TRUE(raw.ok() && y.ok()) << c.label;
        const at::Tensor wf = quant::int4PlainDequantize(c.weight).to(at::kFloat);
        const at::Tensor xf = c.x.to(at::kFloat);
        const at::Tensor cpuRaw = at::matmul(xf, wf.t());
        const double k = static_cast<double>(wf.size(1));
        const at::Tensor bound = at::matmul(xf.abs(), wf.abs().t()) * (k * std::ldexp(1.0, -23));
        EXPECT_TRUE(((raw->cpu() - cpuRaw).abs() <= bound).all().item<bool>()) << c.label << ": accumulators";
        at::Tensor expectY = raw->cpu().to(c.weight.scale.scalar_type());
        if (c.bias) expectY = expectY + *c.bias;
        EXPECT_EQ(golden::bitMismatches(y->cpu(), expectY), 0) << c.label << ": rounding/bias of the output";
        const at::Tensor same = y->cpu().eq(c.y);
        // Any fp32 summation order lands within `bound` of ours; if that interval holds no bf16 rounding
        // boundary, every order rounds alike and the outputs must be equal.
        const at::Tensor r = raw->cpu();
        const at::Tensor explained = (r - bound).to(at::kBFloat16).ne((r + bound).to(at::kBFloat16));
        EXPECT_TRUE((same | explained).all().item<bool>()) << c.label << ": output differs beyond accumulation order";
        elements += c.y.numel();
        identical += same.sum().item<int64_t>();
    }
    std::printf("int4 linear: %lld of %lld outputs bit-identical with the reference emulation\n",
                static_cast<long long>(identical), static_cast<long long>(elements));
}

TEST(Int4MatmulGpu, RejectsMismatchedInput) {
    QL_REQUIRE_CUDA();
    const auto cases = convertCases();
    ASSERT_FALSE(cases.empty());
    const quant::Int4PlainWeight w = onCuda(cases[0].weight);
    const int64_t k = w.qdata.size(1) * 2;
    auto bad = cuda::int4PlainLinearCuda(at::zeros({2, k + 2}, w.scale.options()), w, std::nullopt);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::InvalidInput);
}

// Host: the dispatcher runs the CPU emulation for host tensors; the CUDA entry refuses them.
TEST(Int4MatmulHost, DispatcherRunsCpuEmulationOnHostTensors) {
    int checked = 0;
    for (const ConvertCase& c : convertCases()) {
        auto y = cuda::int4PlainLinear(c.x, c.weight, c.bias);
        ASSERT_TRUE(y.ok()) << c.label << ": " << y.error().message;
        EXPECT_EQ(golden::bitMismatches(*y, c.y), 0) << c.label;
        ++checked;
    }
    EXPECT_GE(checked, 50);
    const auto cases = convertCases();
    ASSERT_FALSE(cases.empty());
    EXPECT_FALSE(cuda::int4PlainLinearCuda(cases[0].x, cases[0].weight, std::nullopt).ok());
}

}  // namespace
}  // namespace ql::gpu
