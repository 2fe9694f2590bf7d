#include "quant/nvfp4_kernels.h"

#include "quant/float4_e2m1.h"

namespace ql::quant {
namespace {

constexpr int kBlock = 16;
constexpr double kE4m3Max = 448.0;
constexpr double kE4m3Eps = 0.015625;  // torch.finfo(torch.float8_e4m3fn).tiny
constexpr double kFp4Max = 6.0;

}  // namespace

at::Tensor nvfp4PerTensorScale(const at::Tensor& x) {
    return at::max(at::abs(x)).to(at::kFloat) / (kE4m3Max * kFp4Max);
}

Nvfp4Blocks nvfp4Quantize(const at::Tensor& x, const std::optional<at::Tensor>& perTensorScale) {
    at::Tensor dataHp = x.to(at::kFloat).reshape({x.size(0), -1, kBlock});
    at::Tensor blockScale = at::amax(at::abs(dataHp), {-1}) / kFp4Max;
    Nvfp4Blocks out;
    at::Tensor dataScaled;
    if (!perTensorScale) {
        at::Tensor fp8 = at::clamp(blockScale, kE4m3Eps, kE4m3Max).to(at::kFloat8_e4m3fn);
        at::Tensor fp32 = fp8.to(at::kFloat);
        dataScaled = dataHp * (at::reciprocal(fp32) * 1.0).unsqueeze(-1);  // data_hp * (1.0 / scale)
        out.scale = fp8;
    } else {
        const at::Tensor& pts = *perTensorScale;
        at::Tensor scaled = blockScale.to(at::kFloat) / pts;
        at::Tensor fp8 = at::clamp(scaled, kE4m3Eps, kE4m3Max).to(at::kFloat8_e4m3fn);
        at::Tensor fp32 = fp8.to(at::kFloat);
        at::Tensor reciprocal = (at::reciprocal(pts) * 1.0) / fp32;  // (1.0 / per_tensor_scale) / scale
        dataScaled = dataHp * reciprocal.unsqueeze(-1);
        out.scale = fp8;
        out.perTensorScale = pts;
    }
    dataScaled = at::clamp(dataScaled, -kFp4Max, kFp4Max).view(x.sizes());
    out.qdata = packUint4(float4E2m1Encode(dataScaled));
    return out;
}

at::Tensor nvfp4Dequantize(const Nvfp4Blocks& blocks, at::ScalarType outType) {
    at::Tensor values = float4E2m1Decode(unpackUint4(blocks.qdata));
    const int64_t m = values.size(0), k = values.size(1);
    at::Tensor hpScales = blocks.scale.to(at::kFloat);
    if (blocks.perTensorScale) {
        hpScales = *blocks.perTensorScale * hpScales;
    }
    at::Tensor scaled = values.view({m, k / kBlock, kBlock}) * hpScales.view({m, k / kBlock, 1}).to(at::kFloat);
    return scaled.view({m, k}).to(outType);
}

at::Tensor nvfp4FakeQuantize(const at::Tensor& x, bool perTensor) {
    at::Tensor x2 = x.reshape({-1, x.size(-1)}).contiguous();
    std::optional<at::Tensor> pts;
    if (perTensor) {
        pts = nvfp4PerTensorScale(x2);
    }
    return nvfp4Dequantize(nvfp4Quantize(x2, pts), x.scalar_type()).reshape(x.sizes());
}

}  // namespace ql::quant
