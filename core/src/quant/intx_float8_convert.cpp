#include "quant/intx_float8_convert.h"

#include <limits>
#include <string>

#include "quant/fake_quant.h"

namespace ql::quant {
namespace {

double scaleEps(at::ScalarType type, EpsPolicy policy) {
    if (policy == EpsPolicy::SmallestNormal) {
        return type == at::kHalf ? 6.103515625e-05 : std::numeric_limits<float>::min();  // bf16 == fp32
    }
    switch (type) {
        case at::kBFloat16:
            return 0.0078125;
        case at::kHalf:
            return 0.0009765625;
        default:
            return std::numeric_limits<float>::epsilon();
    }
}

Status checkWeight(const at::Tensor& w, int groupSize, const char* what) {
    const auto t = w.scalar_type();
    if (w.dim() != 2 || w.numel() == 0 || (t != at::kFloat && t != at::kBFloat16 && t != at::kHalf)) {
        return makeError(ErrorCode::InvalidInput,
                         std::string(what) + ": expected a non-empty 2-D float32/bfloat16/float16 weight");
    }
    if (groupSize < 0 || (groupSize > 0 && w.size(1) % groupSize != 0)) {
        return makeError(ErrorCode::InvalidInput, std::string(what) + ": K=" + std::to_string(w.size(1)) +
                                                      " is not a multiple of group size " + std::to_string(groupSize));
    }
    return Ok{};
}

}  // namespace

Result<IntxWeight> intxConvert(const at::Tensor& w, int bits, int groupSize, EpsPolicy eps, DeviceSemantics device) {
    if (auto ok = checkWeight(w, groupSize, "intx convert"); !ok) {
        return ok.error();
    }
    if (bits < 1 || bits > 8) {
        return makeError(ErrorCode::Unsupported, "intx convert: bits " + std::to_string(bits) + " outside 1..8");
    }
    try {
        const int qmin = -(1 << (bits - 1)), qmax = (1 << (bits - 1)) - 1;
        const int64_t n = w.size(0), g = groupSize > 0 ? groupSize : w.size(1);
        at::Tensor xg = w.view({n, -1, g});  // _get_reduction_params: [N, K/g, g], reduce dim 2
        at::Tensor mn = at::amin(xg, {2}, true), mx = at::amax(xg, {2}, true);
        at::Tensor mnNeg = at::min(mn, at::zeros_like(mn));
        at::Tensor mxPos = at::max(at::neg(mnNeg), at::max(mx, at::zeros_like(mx)));
        at::Tensor scale = at::clamp(divScalar(mxPos, double(qmax - qmin) / 2, device), scaleEps(w.scalar_type(), eps));
        at::Tensor zp = at::zeros_like(scale).to(at::kChar);  // full_like(scale, 0).to(int8)
        at::Tensor q = at::clamp(at::round(xg * (at::reciprocal(scale) * 1.0)) + zp, qmin, qmax);
        IntxWeight out;
        out.qdata = q.view(w.sizes()).to(at::kChar);
        out.scale = scale.reshape({n, -1});
        out.zeroPoint = zp.reshape({n, -1});
        out.bits = bits;
        out.groupSize = static_cast<int>(g);
        return out;
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("intx convert: libtorch error: ") + e.what());
    }
}

at::Tensor intxDequantize(const IntxWeight& weight, at::ScalarType dtype) {
    const int64_t n = weight.qdata.size(0);
    at::Tensor q = weight.qdata.view({n, -1, weight.groupSize});
    at::Tensor dq = q.to(dtype, false, true);
    dq = dq - weight.zeroPoint.view({n, -1, 1}).to(dtype);
    dq = dq * weight.scale.view({n, -1, 1});
    return dq.view(weight.qdata.sizes()).to(dtype);
}

Result<Float8Weight> float8Convert(const at::Tensor& w, bool perRow, DeviceSemantics device) {
    if (auto ok = checkWeight(w, 0, "float8 convert"); !ok) {
        return ok.error();
    }
    try {
        constexpr double kMax = 448.0;  // finfo(float8_e4m3fn).max
        at::Tensor maxAbs = perRow ? w.abs().amax({1}, true) : w.abs().amax({0, 1}, true);
        Float8Weight out;
        out.scale = divScalar(maxAbs, kMax, device).to(at::kFloat);
        at::Tensor scaled = w.to(at::kFloat) / out.scale;
        out.qdata = scaled.clamp(-kMax, kMax).to(at::kFloat8_e4m3fn);
        return out;
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("float8 convert: libtorch error: ") + e.what());
    }
}

at::Tensor float8Dequantize(const Float8Weight& weight, at::ScalarType dtype) {
    return (weight.qdata.to(at::kFloat) * weight.scale).to(dtype);
}

}  // namespace ql::quant
