#include "quant/int4_tinygemm.h"

#include <limits>
#include <string>

#include "quant/fake_quant.h"

namespace ql::quant {
namespace {

int64_t roundUp(int64_t v, int64_t m) {
    return (v + m - 1) / m * m;
}

Status checkTinygemm(const at::Tensor& w, int g, TinygemmFormat format) {
    if (w.dim() != 2 || w.numel() == 0) {
        return makeError(ErrorCode::InvalidInput, "tinygemm int4 convert: expected a non-empty 2-D weight");
    }
    if (format == TinygemmFormat::TilePackedTo4d && w.scalar_type() != at::kBFloat16) {
        return makeError(ErrorCode::Unsupported,
                         "tinygemm int4 convert: Int4TilePackedTo4dTensor supports "
                         "only bfloat16 weights (torchao asserts it)");
    }
    if (format == TinygemmFormat::Opaque && g != 32 && g != 64 && g != 128) {
        return makeError(ErrorCode::Unsupported,
                         "tinygemm int4 convert: Int4OpaqueTensor needs group size "
                         "32, 64 or 128, got " +
                             std::to_string(g));
    }
    const int64_t k = format == TinygemmFormat::TilePackedTo4d ? roundUp(w.size(1), 1024) : w.size(1);
    if (g <= 0 || k % g != 0) {
        return makeError(ErrorCode::InvalidInput, "tinygemm int4 convert: K=" + std::to_string(k) +
                                                      " is not a multiple of group size " + std::to_string(g));
    }
    return Ok{};
}

double tinygemmEps(TinygemmFormat format) {
    if (format == TinygemmFormat::Opaque) {
        return 1e-6;
    }
    return std::numeric_limits<float>::min();  // finfo(bfloat16).smallest_normal == fp32's
}

}  // namespace

Result<Int4TinygemmWeight> int4TinygemmConvert(const at::Tensor& w, int g, TinygemmFormat format,
                                               DeviceSemantics device) {
    if (auto ok = checkTinygemm(w, g, format); !ok) {
        return ok.error();
    }
    try {
        at::Tensor x = w;
        if (format == TinygemmFormat::TilePackedTo4d) {
            const int64_t kp = roundUp(w.size(1), 1024), np = roundUp(w.size(0), 8);
            x = at::constant_pad_nd(w, {0, kp - w.size(1), 0, np - w.size(0)}, 0);
        }
        const int64_t n = x.size(0);
        at::Tensor xg = x.view({n, -1, g});
        at::Tensor mn = at::amin(xg, {2}, false), mx = at::amax(xg, {2}, false);
        at::Tensor scale = at::clamp(divScalar(mx - mn, 15.0, device), tinygemmEps(format));
        at::Tensor zero = mn + scale * 8.0;  // zero_point_domain FLOAT: min + scale * mid_point
        at::Tensor minVal = zero.view({n, -1, 1}) - scale.view({n, -1, 1}) * 8.0;
        at::Tensor q = at::clamp(at::round((xg - minVal) / scale.view({n, -1, 1})), 0, 15);
        Int4TinygemmWeight out;
        out.codes = q.view(x.sizes()).to(at::kInt);
        out.scaleAndZero = at::cat({scale.reshape({n, -1}).unsqueeze(-1), zero.reshape({n, -1}).unsqueeze(-1)}, 2)
                               .transpose(-3, -2)
                               .contiguous();
        out.groupSize = g;
        out.outFeatures = w.size(0);
        out.inFeatures = w.size(1);
        return out;
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("tinygemm int4 convert: libtorch error: ") + e.what());
    }
}

at::Tensor tinygemmNibbles(const at::Tensor& codes) {
    using at::indexing::None;
    using at::indexing::Slice;
    at::Tensor even = codes.index({Slice(), Slice(None, None, 2)});
    at::Tensor odd = codes.index({Slice(), Slice(1, None, 2)});
    return at::bitwise_or(at::bitwise_left_shift(even, 4), odd).to(at::kByte).contiguous();
}

at::Tensor int4TinygemmDequantize(const Int4TinygemmWeight& weight) {
    const auto type = weight.scaleAndZero.scalar_type();
    const int64_t n = weight.codes.size(0);
    at::Tensor sz = weight.scaleAndZero.transpose(0, 1);  // [Np, Kp/g, 2]
    at::Tensor dq = (weight.codes.view({n, -1, weight.groupSize}) - 8.0).to(type);
    dq = dq * sz.select(2, 0).unsqueeze(-1);
    dq = dq + sz.select(2, 1).unsqueeze(-1);
    using at::indexing::Slice;
    return dq.view(weight.codes.sizes()).index({Slice(0, weight.outFeatures), Slice(0, weight.inFeatures)}).to(type);
}

Result<at::Tensor> int4TinygemmLinearCpu(const at::Tensor& x, const Int4TinygemmWeight& weight,
                                         const std::optional<at::Tensor>& bias) {
    if (x.size(-1) != weight.inFeatures) {
        return makeError(ErrorCode::InvalidInput, "tinygemm int4 linear: input K=" + std::to_string(x.size(-1)) +
                                                      ", weight expects " + std::to_string(weight.inFeatures));
    }
    try {
        const int64_t kp = weight.codes.size(1);
        at::Tensor act = x.reshape({-1, x.size(-1)}).to(at::kBFloat16);
        act = at::constant_pad_nd(act, {0, kp - act.size(1)}, 0).contiguous();
        // The CPU pack op needs N % 16 == 0: zero rows (codes and scale_and_zero), cut off below.
        const int64_t extra = roundUp(weight.codes.size(0), 16) - weight.codes.size(0);
        at::Tensor codes = at::constant_pad_nd(weight.codes, {0, 0, 0, extra}, 0).contiguous();
        at::Tensor sz = at::constant_pad_nd(weight.scaleAndZero, {0, 0, 0, extra}, 0).contiguous();
        at::Tensor packed = at::_convert_weight_to_int4pack_for_cpu(codes, 1);
        at::Tensor y = at::_weight_int4pack_mm_for_cpu(act, packed, weight.groupSize, sz);
        y = y.narrow(1, 0, weight.outFeatures);
        std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
        shape.back() = weight.outFeatures;
        y = y.reshape(shape);
        if (bias) {
            y = y + bias->to(y.scalar_type());
        }
        return y.to(x.scalar_type());
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("tinygemm int4 linear: libtorch error: ") + e.what());
    }
}

}  // namespace ql::quant
