#include "quant/fake_quant.h"

#include <limits>
#include <string>

#include "quant/mx_kernels.h"
#include "quant/nvfp4_kernels.h"
#include "torch/torch_bridge.h"

namespace ql::quant {
namespace {

using torchbridge::shapeText;

double epsFor(const at::Tensor& x, EpsPolicy policy) {
    if (policy == EpsPolicy::SmallestNormal) {
        return x.scalar_type() == at::kHalf ? 6.103515625e-05 : std::numeric_limits<float>::min();
    }
    switch (x.scalar_type()) {
        case at::kBFloat16:
            return 0.0078125;  // finfo(bfloat16).eps
        case at::kHalf:
            return 0.0009765625;  // finfo(float16).eps
        default:
            return std::numeric_limits<float>::epsilon();
    }
}

// Int4WeightFakeQuantizer._bf16_activations_forward.
at::Tensor int4Plain(const at::Tensor& w, int g, DeviceSemantics dev) {
    at::Tensor wg = w.to(at::kFloat).view({w.size(0), -1, g});
    at::Tensor mx = at::amax(wg, {-1}, true);
    at::Tensor mn = at::amin(wg, {-1}, true);
    at::Tensor s = divScalar(at::clamp(mx - mn, 1e-6), 15, dev);
    at::Tensor z = mn + s * 8;
    at::Tensor fq = at::round((wg - mn) / s).clamp(0, 15);
    fq = fq - 8;
    fq = fq * s + z;
    return fq.view(w.sizes()).to(w.scalar_type());
}

// _quantize_affine_no_dtype_cast + _dequantize_affine_no_dtype_check on grouped views.
at::Tensor affineFakeQuant(const at::Tensor& xg, const at::Tensor& s, const at::Tensor& z, int qmin, int qmax) {
    at::Tensor q = at::clamp(at::round(xg * (at::reciprocal(s) * 1.0)) + z, qmin, qmax);
    at::Tensor dq = q.to(xg.scalar_type(), false, true);
    dq = dq - z.to(xg.scalar_type());
    return dq * s;
}

// IntxFakeQuantizer per group / per axis, SYMMETRIC (get_group_qparams_symmetric).
at::Tensor intxWeight(const at::Tensor& x, const FakeQuantSpec& spec) {
    const int qmin = -(1 << (spec.bits - 1));
    const int qmax = (1 << (spec.bits - 1)) - 1;
    const int64_t g = spec.groupSize > 0 ? spec.groupSize : x.size(1);
    at::Tensor xg = x.view({x.size(0), -1, g});
    at::Tensor mn = at::amin(xg, {2});
    at::Tensor mx = at::amax(xg, {2});
    at::Tensor mnNeg = at::min(mn, at::zeros_like(mn));
    at::Tensor mxPos = at::max(mx, at::zeros_like(mx));
    mxPos = at::max(-mnNeg, mxPos);
    at::Tensor scale = divScalar(mxPos, double(qmax - qmin) / 2, spec.device);
    at::Tensor zp = at::zeros_like(scale);  // full_like(scale, int((qmax + qmin + 1) / 2)) == 0
    scale = at::clamp(scale, epsFor(x, spec.eps));
    zp = zp.to(at::kInt);
    at::Tensor dq = affineFakeQuant(xg, scale.view({x.size(0), -1, 1}), zp.view({x.size(0), -1, 1}), qmin, qmax);
    return dq.view(x.sizes()).to(x.scalar_type());
}

// IntxFakeQuantizer._per_token_forward, int8 ASYMMETRIC (choose_qparams_affine + _fake_quantize_per_token).
at::Tensor int8Activation(const at::Tensor& x, const FakeQuantSpec& spec) {
    at::Tensor x2 = x.reshape({-1, x.size(-1)});
    at::Tensor mn = at::amin(x2, {1});
    at::Tensor mx = at::amax(x2, {1});
    at::Tensor mnNeg = at::min(mn, at::zeros_like(mn));
    at::Tensor mxPos = at::max(mx, at::zeros_like(mx));
    at::Tensor scale = divScalar(mxPos - mnNeg, 255.0, spec.device);
    scale = at::clamp(scale, epsFor(x, spec.eps));
    at::Tensor zp = at::rsub(at::round(mnNeg / scale), -128);
    zp = at::clamp(zp, -128, 127).to(at::kInt);
    at::Tensor dq = affineFakeQuant(x2, scale.view({-1, 1}), zp.view({-1, 1}), -128, 127);
    return dq.reshape(x.sizes()).to(x.scalar_type());
}

// Float8FakeQuantizer: _choose_scale_float8 + _quantize_affine_float8 + _dequantize_affine_float8 (e4m3).
at::Tensor float8(const at::Tensor& x, bool perRow, std::optional<double> lb, DeviceSemantics dev) {
    constexpr double kMax = 448.0;
    at::Tensor maxAbs = perRow ? x.abs().amax({1}, true) : x.abs().amax({0, 1}, true);
    if (lb) {
        maxAbs = at::clamp(maxAbs, at::Scalar(*lb), std::nullopt);
    }
    at::Tensor scale = divScalar(maxAbs, kMax, dev).to(at::kFloat);
    at::Tensor t = (x.to(at::kFloat) / scale).clamp(-kMax, kMax).to(at::kFloat8_e4m3fn);
    return (t.to(at::kFloat) * scale).to(x.scalar_type());
}

// Int4WeightFakeQuantizer._fp8_activations_forward (group 128, symmetric, weight-dtype arithmetic).
at::Tensor float8Int4(const at::Tensor& w, const FakeQuantSpec& spec) {
    at::Tensor w8 = float8(w, true, 1e-12, spec.device);
    at::Tensor wg = w8.view({w8.size(0), -1, spec.groupSize});
    at::Tensor maxAbs = at::amax(at::abs(wg), {-1}, false);
    at::Tensor scale = at::clamp(divScalar(maxAbs, 8, spec.device), 1e-6);
    at::Tensor zp = at::zeros_like(scale);
    at::Tensor dq = affineFakeQuant(wg, scale.view({w.size(0), -1, 1}), zp.view({w.size(0), -1, 1}), -8, 7);
    return dq.view(w.sizes()).to(w8.scalar_type()).to(w.scalar_type());
}

Status checkInput(const at::Tensor& x, const FakeQuantSpec& spec) {
    const auto type = x.scalar_type();
    if (type != at::kFloat && type != at::kBFloat16 && type != at::kHalf) {
        return makeError(ErrorCode::Unsupported,
                         "fake quant input " + shapeText(x) + ": expected float32, bfloat16 or float16");
    }
    const bool block = spec.kind == FqKind::Mx || spec.kind == FqKind::Nvfp4;  // MX / NVFP4: any rank, blocks along K
    if (block && (type == at::kHalf || (spec.kind == FqKind::Mx && !isMxElement(spec.elem)))) {
        return makeError(ErrorCode::Unsupported, "MX/NVFP4 fake quant input " + shapeText(x) +
                                                     ": torchao's to_mx / to_nvfp4 take bfloat16 or float32 (MX: an "
                                                     "fp8 or fp4 element type)");
    }
    const bool activation = spec.kind == FqKind::Int8Activation || spec.kind == FqKind::Float8 || block;
    if ((!activation && x.dim() != 2) || x.dim() < 1 || x.numel() == 0) {
        return makeError(ErrorCode::InvalidInput,
                         "fake quant input " + shapeText(x) + ": expected a non-empty 2-D weight [N, K]");
    }
    const bool grouped = spec.kind == FqKind::Int4Plain || spec.kind == FqKind::Float8Int4 || block ||
                         (spec.kind == FqKind::IntxWeight && spec.groupSize > 0);
    if (grouped && (spec.groupSize <= 0 || x.size(-1) % spec.groupSize != 0)) {
        return makeError(ErrorCode::InvalidInput,
                         "fake quant weight " + shapeText(x) + ": K=" + std::to_string(x.size(-1)) +
                             " is not a multiple of group size " + std::to_string(spec.groupSize));
    }
    if (spec.kind == FqKind::IntxWeight && (spec.bits < 2 || spec.bits > 8)) {
        return makeError(ErrorCode::Unsupported, "intx fake quant: bits " + std::to_string(spec.bits) +
                                                     " outside 2..8 (torchao QAT rejects int1)");
    }
    return Ok{};
}

at::Tensor dispatchReference(const at::Tensor& x, const FakeQuantSpec& spec) {
    switch (spec.kind) {
        case FqKind::Int4Plain:
            return int4Plain(x, spec.groupSize, spec.device);
        case FqKind::IntxWeight:
            return intxWeight(x, spec);
        case FqKind::Int8Activation:
            return int8Activation(x, spec);
        case FqKind::Float8:
            return float8(x.reshape({-1, x.size(-1)}), spec.perRow, std::nullopt, spec.device).reshape(x.sizes());
        case FqKind::Float8Int4:
            return float8Int4(x, spec);
        case FqKind::Mx:
            return mxFakeQuantize(x.contiguous(), spec.elem, spec.groupSize, spec.mxMode);
        case FqKind::Nvfp4:
            return nvfp4FakeQuantize(x, spec.perTensorScale);
    }
    return x;
}

}  // namespace

at::Tensor divScalar(const at::Tensor& t, double d, DeviceSemantics device) {
    if (device == DeviceSemantics::Cpu) {
        if (t.is_cuda()) {  // a CUDA kernel turns a host scalar divisor into a reciprocal multiply;
            return t / at::full({}, d, t.options());  // a 0-dim device tensor keeps true division
        }
        return t / d;
    }
    const float inv = 1.0f / static_cast<float>(d);  // opmath_t(1) / opmath_t(d), computed on the host
    return (t.to(at::kFloat) * inv).to(t.scalar_type());
}

Result<at::Tensor> fakeQuantizeReference(const at::Tensor& x, const FakeQuantSpec& spec) {
    if (auto ok = checkInput(x, spec); !ok) {
        return ok.error();
    }
    try {
        return dispatchReference(x, spec);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("fake quant: libtorch error: ") + e.what());
    }
}

Result<at::Tensor> fakeQuantize(const at::Tensor& x, const FakeQuantSpec& spec) {
    const bool fused = spec.kind == FqKind::Int4Plain && x.dim() == 2 && x.is_cpu() && x.is_contiguous() &&
                       (x.scalar_type() == at::kBFloat16 || x.scalar_type() == at::kFloat);
    if (!fused) {
        return fakeQuantizeReference(x, spec);
    }
    if (auto ok = checkInput(x, spec); !ok) {
        return ok.error();
    }
    try {
        return int4FakeQuantFused(x, spec.groupSize, spec.device);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("fake quant: libtorch error: ") + e.what());
    }
}

}  // namespace ql::quant
