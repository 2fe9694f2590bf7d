#include "quant/int4_convert.h"

#include <string>

#include "quant/fake_quant.h"

namespace ql::quant {

at::Tensor int4PlainCodes(const at::Tensor& w, int g, DeviceSemantics device) {
    at::Tensor toQuant = w.reshape({-1, g}).to(at::kFloat);
    at::Tensor mx = toQuant.amax({1}, true);
    at::Tensor mn = toQuant.amin({1}, true);
    at::Tensor scales = divScalar((mx - mn).clamp(1e-6), 15, device);
    at::Tensor out = toQuant.sub(mn).div(scales).round().clamp_(0, 15);
    return (out - 8).to(at::kChar).reshape(w.sizes());
}

Result<Int4PlainWeight> int4PlainConvert(const at::Tensor& w, int g, DeviceSemantics device) {
    if (w.dim() != 2 || g <= 0 || w.size(1) % g != 0) {
        return makeError(ErrorCode::Unsupported,
                         "int4 convert: weight K=" + std::to_string(w.dim() == 2 ? w.size(1) : -1) +
                             " is not a multiple of group size " + std::to_string(g) +
                             "; torchao keeps this layer unquantized (stays " +
                             std::string(c10::toString(w.scalar_type())) + ")");
    }
    try {
        // FBGEMM int4_row_quantize_zp op order (scales/zeros computed as in the fake path).
        at::Tensor toQuant = w.reshape({-1, g}).to(at::kFloat);
        at::Tensor mx = toQuant.amax({1}, true);
        at::Tensor mn = toQuant.amin({1}, true);
        at::Tensor scales = divScalar((mx - mn).clamp(1e-6), 15, device);
        at::Tensor zeros = mn + scales * 8;
        at::Tensor out = toQuant.sub(mn).div(scales).round().clamp_(0, 15);
        at::Tensor codes = (out - 8).to(at::kChar).reshape(w.sizes());
        Int4PlainWeight result;
        result.qdata = packInt4(codes);
        result.scale = scales.view({w.size(0), -1}).t().contiguous().to(w.scalar_type());
        result.zeroPoint = zeros.view({w.size(0), -1}).t().contiguous().to(w.scalar_type());
        result.groupSize = g;
        return result;
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("int4 convert: libtorch error: ") + e.what());
    }
}

at::Tensor packInt4(const at::Tensor& codes) {
    using at::indexing::None;
    using at::indexing::Slice;
    at::Tensor low = codes.index({Slice(), Slice(None, None, 2)});
    at::Tensor high = codes.index({Slice(), Slice(1, None, 2)});
    high = at::bitwise_left_shift(high, 4);
    low = at::bitwise_and(low, 0xF);
    return at::bitwise_or(low, high).contiguous();
}

at::Tensor unpackInt4(const at::Tensor& qdata) {
    at::Tensor low = at::bitwise_and(qdata, 0xF);
    low = at::where(low >= 8, low - 16, low);
    at::Tensor high = at::bitwise_right_shift(qdata, 4);  // arithmetic shift keeps the sign
    return at::stack({low, high}, -1).reshape({qdata.size(0), -1}).to(at::kChar);
}

at::Tensor int4PlainDequantize(const Int4PlainWeight& weight) {
    const auto type = weight.scale.scalar_type();
    at::Tensor codes = unpackInt4(weight.qdata).to(type);
    at::Tensor s = weight.scale.t().repeat_interleave(weight.groupSize, 1);
    at::Tensor z = weight.zeroPoint.t().repeat_interleave(weight.groupSize, 1);
    return codes * s + z;  // two ops in the scale dtype: the product rounds, then the sum rounds
}

Result<at::Tensor> int4PlainLinear(const at::Tensor& x, const Int4PlainWeight& weight,
                                   const std::optional<at::Tensor>& bias) {
    const int64_t k = weight.qdata.size(1) * 2;
    if (x.size(-1) != k) {
        return makeError(ErrorCode::InvalidInput, "int4 linear: input K=" + std::to_string(x.size(-1)) +
                                                      ", weight expects " + std::to_string(k));
    }
    try {
        at::Tensor w = int4PlainDequantize(weight);
        at::Tensor y = at::matmul(x.reshape({-1, k}).to(at::kFloat), w.to(at::kFloat).t());
        y = y.to(weight.scale.scalar_type());
        std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
        shape.back() = weight.qdata.size(0);
        y = y.reshape(shape);
        return bias ? y + *bias : y;
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("int4 linear: libtorch error: ") + e.what());
    }
}

}  // namespace ql::quant
