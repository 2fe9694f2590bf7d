// Int4 fake quant on the GPU vs torchao 0.18.0 (golden data of tests/reference/ql_ref/fake_quant.py):
// the CUDA kernel and the plain-ATen GPU path, each with CPU and CUDA division semantics, 100%
// bit-identical; ragged K refused as torchao refuses it. The ATen op sequence is also checked on the
// host (runs without a GPU).
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>

#include "cuda/cuda_dispatch.h"
#include "gpu/gpu_golden.h"
#include "quant/fake_quant.h"
#include "quant/fused_compare.h"

namespace ql::gpu {
namespace {

using Impl = std::function<Result<at::Tensor>(const at::Tensor&, int, quant::DeviceSemantics)>;

// Runs `impl` on every case of `scheme` on `device`; expects refusals where torchao refused and
// bit-identical outputs elsewhere. Prints the tally.
void expectBitIdentical(const std::string& scheme, const at::Device& device, const Impl& impl, const char* name) {
    const auto cases = int4Cases(scheme);
    int identical = 0, refused = 0;
    int64_t elements = 0, bad = 0;
    for (const FqCase& c : cases) {
        auto got = impl(c.in.to(device), c.group, c.device);
        if (!c.out) {
            EXPECT_FALSE(got.ok()) << c.label << ": torchao refused, " << name << " accepted";
            refused += !got.ok();
            continue;
        }
        ASSERT_TRUE(got.ok()) << c.label << ": " << got.error().message;
        EXPECT_TRUE(got->device() == device) << c.label;
        const int64_t mismatches = golden::bitMismatches(got->cpu(), *c.out);
        EXPECT_EQ(mismatches, 0) << c.label << " via " << name;
        identical += mismatches == 0;
        elements += c.out->numel();
        bad += mismatches;
    }
    std::printf("%-16s %-22s %s: %d/%zu bit-identical, %d refused, %lld elements, %lld differing\n", scheme.c_str(),
                name, device.str().c_str(), identical + refused, cases.size(), refused,
                static_cast<long long>(elements), static_cast<long long>(bad));
    EXPECT_EQ(static_cast<size_t>(identical + refused), cases.size()) << scheme << " via " << name;
}

Result<at::Tensor> atenPath(const at::Tensor& w, int g, quant::DeviceSemantics dev) {
    if (w.size(1) % g != 0) {
        return makeError(ErrorCode::InvalidInput, "ragged");  // the view fails in torchao too
    }
    return quant::int4FakeQuantAten(w, g, dev);
}

Result<at::Tensor> dispatched(const at::Tensor& w, int g, quant::DeviceSemantics dev) {
    quant::FakeQuantSpec spec;
    spec.kind = quant::FqKind::Int4Plain;
    spec.groupSize = g;
    spec.device = dev;
    return cuda::fakeQuantize(w, spec);
}

const char* kSchemes[] = {"int4_plain_cpu", "int4_plain_cuda"};

TEST(Int4FakeQuantAtenHost, BitIdenticalWithTorchao) {
    for (const char* s : kSchemes) expectBitIdentical(s, at::Device(at::kCPU), atenPath, "aten (host)");
}

TEST(Int4FakeQuantDispatchHost, CpuTensorsRunTheCpuPath) {
    for (const char* s : kSchemes) expectBitIdentical(s, at::Device(at::kCPU), dispatched, "cuda::fakeQuantize");
}

TEST(Int4FakeQuantGpu, KernelBitIdenticalWithTorchao) {
    QL_REQUIRE_CUDA();
    for (const char* s : kSchemes) expectBitIdentical(s, at::Device(at::kCUDA), cuda::int4FakeQuantCuda, "kernel");
}

TEST(Int4FakeQuantGpu, AtenOnGpuBitIdenticalWithTorchao) {
    QL_REQUIRE_CUDA();
    for (const char* s : kSchemes) expectBitIdentical(s, at::Device(at::kCUDA), atenPath, "aten (gpu)");
}

TEST(Int4FakeQuantGpu, DispatcherBitIdenticalWithTorchao) {
    QL_REQUIRE_CUDA();
    for (const char* s : kSchemes) expectBitIdentical(s, at::Device(at::kCUDA), dispatched, "cuda::fakeQuantize");
}

// A large heavy-tailed weight (many tiles per block, vector loads) in both semantics: kernel ==
// the CPU fused path, whose golden bit-identity with torchao is the fake_quant golden test.
TEST(Int4FakeQuantGpu, LargeWeightMatchesCpuFusedPath) {
    QL_REQUIRE_CUDA();
    at::manual_seed(7);
    const at::Tensor w = (at::randn({1536, 2560}) * at::randn({1536, 2560}).pow(3) * 0.02).to(at::kBFloat16);
    for (auto dev : {quant::DeviceSemantics::Cpu, quant::DeviceSemantics::Cuda}) {
        for (int g : {32, 128, 256}) {
            auto got = cuda::int4FakeQuantCuda(w.cuda(), g, dev);
            ASSERT_TRUE(got.ok()) << got.error().message;
            const at::Tensor want = quant::int4FakeQuantFused(w, g, dev);
            EXPECT_EQ(golden::bitMismatches(got->cpu(), want), 0) << "g=" << g;
        }
    }
}

TEST(Int4FakeQuantGpu, RejectsHostTensorsAndRaggedK) {
    QL_REQUIRE_CUDA();
    EXPECT_FALSE(cuda::int4FakeQuantCuda(at::zeros({2, 128}), 64, quant::DeviceSemantics::Cuda).ok());
    auto ragged = cuda::int4FakeQuantCuda(at::zeros({2, 96}, at::TensorOptions().device(at::kCUDA)), 64,
                                          quant::DeviceSemantics::Cuda);
    ASSERT_FALSE(ragged.ok());
    EXPECT_NE(ragged.error().message.find("K=96"), std::string::npos) << ragged.error().message;
}

}  // namespace
}  // namespace ql::gpu
