#include "quant/mx_kernels.h"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "quant/float4_e2m1.h"

namespace ql::quant {
namespace {

constexpr int kE8m0Bias = 127;
constexpr int kE8m0Nan = 255;
constexpr int kMbitsF32 = 23;

// constants.py: largest power of two of the element type, its mantissa bits, its max value.
struct ElemInfo {
    int targetMaxPow2;
    int mbits;
    double maxPos;
};

ElemInfo elemInfo(QuantDType elem) {
    switch (elem) {
        case QuantDType::Float8E5M2:
            return {15, 2, 57344.0};
        case QuantDType::Float4E2M1:
            return {2, 1, 6.0};
        default:
            return {8, 3, 448.0};  // float8_e4m3fn
    }
}

// _to_mx_rceil (eager fallback): exponent = ceil(log2(amax / max_pos)) clamped to [-127, 127] + bias,
// NaN -> 255, inf -> 254; data scaled by the reciprocal power of two, then clamped to +-max_pos.
std::pair<at::Tensor, at::Tensor> rceil(const at::Tensor& dataHp, const at::Tensor& maxAbs, double maxPos) {
    at::Tensor descale = maxAbs / maxPos;
    at::Tensor normal = (at::clamp(at::ceil(at::log2(descale)), -kE8m0Bias, kE8m0Bias) + kE8m0Bias).to(at::kByte);
    at::Tensor exponent = at::where(at::isnan(descale), kE8m0Nan, at::where(at::isinf(descale), 254, normal));
    at::Tensor pow2 = at::exp2(at::rsub(exponent.to(at::kFloat), kE8m0Bias));
    at::Tensor rcp = at::where(exponent == kE8m0Nan, descale,
                               at::where(exponent == 254, std::ldexp(1.0, -127), at::where(exponent == 0, 1.0, pow2)));
    at::Tensor dataLp = at::clamp(dataHp * rcp, -maxPos, maxPos);
    return {exponent, dataLp};
}

// The FLOOR / CEIL / EVEN branch of to_mx: the exponent read from amax's fp32 bits.
std::pair<at::Tensor, at::Tensor> bitScale(const at::Tensor& dataHp, at::Tensor maxAbs, const ElemInfo& info,
                                           MxScaleMode mode, bool fp8) {
    if (mode == MxScaleMode::Even) {  // round amax to the element's mantissa first
        at::Tensor nanMask = at::isnan(maxAbs);
        const int32_t valToAdd = 1 << (kMbitsF32 - info.mbits - 1);
        const auto mask = static_cast<int32_t>(0xFF800000u);  // ((1 << (8 + 1)) - 1) << 23
        maxAbs = at::bitwise_and(maxAbs.view(at::kInt) + valToAdd, mask).view(at::kFloat);
        maxAbs.masked_fill_(nanMask, std::numeric_limits<float>::quiet_NaN());
    }
    at::Tensor bits = maxAbs.view(at::kInt);
    at::Tensor pow2 = at::bitwise_and(at::bitwise_right_shift(bits, kMbitsF32), 0xFF) - kE8m0Bias;
    if (mode == MxScaleMode::Ceil) {
        pow2 += at::bitwise_and(bits, 0x7FFFFF) > 0;
    }
    at::Tensor unbiased = at::clamp(pow2 - info.targetMaxPow2, -kE8m0Bias, kE8m0Bias + 1);
    at::Tensor biased = (unbiased + kE8m0Bias).to(at::kByte);
    biased = at::where(at::isnan(maxAbs), kE8m0Nan, biased);
    at::Tensor scaleFp32 = at::bitwise_left_shift(biased.to(at::kInt), kMbitsF32).view(at::kFloat);
    scaleFp32 = at::clamp(scaleFp32, std::ldexp(1.0, -126));  // F32_MIN_NORMAL
    at::Tensor dataLp = dataHp / scaleFp32;
    if (fp8) {  // torch <= 2.11 eager fp8 casts do not saturate: torchao clamps first
        dataLp = at::clamp(dataLp, -info.maxPos, info.maxPos);
    }
    return {biased, dataLp};
}

at::ScalarType fp8Type(QuantDType elem) {
    return elem == QuantDType::Float8E5M2 ? at::kFloat8_e5m2 : at::kFloat8_e4m3fn;
}

}  // namespace

bool isMxElement(QuantDType elem) {
    return elem == QuantDType::Float8E4M3 || elem == QuantDType::Float8E5M2 || elem == QuantDType::Float4E2M1;
}

MxBlocks mxQuantize(const at::Tensor& x, QuantDType elem, int block, MxScaleMode mode) {
    const ElemInfo info = elemInfo(elem);
    const bool fp8 = elem != QuantDType::Float4E2M1;
    std::vector<int64_t> blocked(x.sizes().begin(), x.sizes().end() - 1);
    blocked.push_back(x.size(-1) / block);
    blocked.push_back(block);
    at::Tensor dataHp = x.reshape(blocked);
    at::Tensor maxAbs = at::amax(at::abs(dataHp), {-1}).unsqueeze(-1);
    dataHp = dataHp.to(at::kFloat);
    maxAbs = maxAbs.to(at::kFloat);
    auto [biased, dataLp] =
        mode == MxScaleMode::Rceil ? rceil(dataHp, maxAbs, info.maxPos) : bitScale(dataHp, maxAbs, info, mode, fp8);
    MxBlocks out;
    out.qdata =
        fp8 ? dataLp.to(fp8Type(elem)).reshape(x.sizes()) : packUint4(float4E2m1Encode(dataLp.reshape(x.sizes())));
    out.scale = biased.squeeze(-1);
    return out;
}

at::Tensor mxDequantize(const MxBlocks& blocks, QuantDType elem, int block, at::ScalarType outType) {
    at::Tensor dataHp = elem == QuantDType::Float4E2M1 ? float4E2m1Decode(unpackUint4(blocks.qdata)).to(outType)
                                                       : blocks.qdata.to(outType);
    const auto shape = dataHp.sizes().vec();
    // get_fp_scale: pow(2.0 (fp32), biased - 127 (int16)), 255 -> NaN; then cast to the output dtype.
    at::Tensor offset = blocks.scale.to(at::kShort) - kE8m0Bias;
    at::Tensor sFp = at::pow(at::full_like(offset, 2.0, at::kFloat), offset);
    sFp = at::where(blocks.scale != kE8m0Nan, sFp, std::numeric_limits<double>::quiet_NaN());
    at::Tensor out = dataHp.reshape({-1, block}) * sFp.reshape({-1, 1}).to(outType);
    return out.reshape(shape);
}

at::Tensor mxFakeQuantize(const at::Tensor& x, QuantDType elem, int block, MxScaleMode mode) {
    at::Tensor x2 = x.reshape({-1, x.size(-1)});
    return mxDequantize(mxQuantize(x2, elem, block, mode), elem, block, x.scalar_type()).reshape(x.sizes());
}

}  // namespace ql::quant
