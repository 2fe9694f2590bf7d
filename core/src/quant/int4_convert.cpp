#include "quant/int4_convert.h"

#include <ATen/Parallel.h>

#include <string>

#include "quant/fake_quant.h"
#include "quant/int4_kernels.h"

namespace ql::quant {

namespace {

// The fused kernels take contiguous CPU bf16 / fp32 weights; anything else runs the ATen op
// sequence (FBGEMM int4_row_quantize_zp's order; scales/zeros as in the fake path).
bool fusable(const at::Tensor& w) {
    return w.is_cpu() && w.is_contiguous() && (w.scalar_type() == at::kBFloat16 || w.scalar_type() == at::kFloat);
}

Int4Codes codesAten(const at::Tensor& w, int g, DeviceSemantics device) {
    at::Tensor toQuant = w.reshape({-1, g}).to(at::kFloat);
    at::Tensor mx = toQuant.amax({1}, true);
    at::Tensor mn = toQuant.amin({1}, true);
    at::Tensor scales = divScalar((mx - mn).clamp(1e-6), 15, device);
    at::Tensor zeros = mn + scales * 8;
    at::Tensor out = toQuant.sub(mn).div(scales).round().clamp_(0, 15);
    return {(out - 8).to(at::kChar).reshape(w.sizes()), scales.view({w.size(0), -1}), zeros.view({w.size(0), -1}), g};
}

Int4Codes codesFused(const at::Tensor& w, int g, DeviceSemantics device) {
    const std::int64_t groups = w.numel() / g;
    Int4Codes r{at::empty(w.sizes(), w.options().dtype(at::kChar)),
                at::empty({w.size(0), w.size(1) / g}, w.options().dtype(at::kFloat)),
                at::empty({w.size(0), w.size(1) / g}, w.options().dtype(at::kFloat)), g};
    std::int8_t* codes = r.codes.data_ptr<std::int8_t>();
    float* scale = r.scale.data_ptr<float>();
    float* zero = r.zero.data_ptr<float>();
    const bool cuda = device == DeviceSemantics::Cuda;
    const bool bf16 = w.scalar_type() == at::kBFloat16;
    const void* in = w.data_ptr();
    at::parallel_for(0, groups, std::max<std::int64_t>(1, 65536 / g), [&](std::int64_t b, std::int64_t e) {
        if (bf16) {
            kernels::int4CodesBf16(static_cast<const std::uint16_t*>(in) + b * g, codes + b * g, scale + b, zero + b,
                                   e - b, g, cuda);
        } else {
            kernels::int4CodesF32(static_cast<const float*>(in) + b * g, codes + b * g, scale + b, zero + b, e - b, g,
                                  cuda);
        }
    });
    return r;
}

}  // namespace

Int4Codes int4PlainQuantize(const at::Tensor& w, int g, DeviceSemantics device) {
    return fusable(w) ? codesFused(w, g, device) : codesAten(w, g, device);
}

Int4PlainWeight int4PlainPack(const Int4Codes& c, at::ScalarType dtype) {
    Int4PlainWeight result;
    result.qdata = packInt4(c.codes);
    result.scale = c.scale.t().contiguous().to(dtype);
    result.zeroPoint = c.zero.t().contiguous().to(dtype);
    result.groupSize = c.groupSize;
    return result;
}

at::Tensor int4PlainCodes(const at::Tensor& w, int g, DeviceSemantics device) {
    return int4PlainQuantize(w, g, device).codes;
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
        return int4PlainPack(int4PlainQuantize(w, g, device), w.scalar_type());
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("int4 convert: libtorch error: ") + e.what());
    }
}

at::Tensor packInt4(const at::Tensor& codes) {
    if (codes.is_cpu() && codes.is_contiguous() && codes.scalar_type() == at::kChar) {
        at::Tensor out = at::empty({codes.size(0), codes.size(1) / 2}, codes.options());
        const std::int8_t* c = codes.data_ptr<std::int8_t>();
        std::int8_t* o = out.data_ptr<std::int8_t>();
        at::parallel_for(0, out.numel(), 1 << 16, [&](std::int64_t b, std::int64_t e) {
            for (std::int64_t j = b; j < e; ++j) {
                const auto low = static_cast<std::uint8_t>(c[2 * j]) & 0xFu;
                const auto high = static_cast<std::uint8_t>(static_cast<std::uint8_t>(c[2 * j + 1]) << 4);
                o[j] = static_cast<std::int8_t>(low | high);
            }
        });
        return out;
    }
    using at::indexing::None;
    using at::indexing::Slice;
    at::Tensor low = codes.index({Slice(), Slice(None, None, 2)});
    at::Tensor high = codes.index({Slice(), Slice(1, None, 2)});
    high = at::bitwise_left_shift(high, 4);
    low = at::bitwise_and(low, 0xF);
    return at::bitwise_or(low, high).contiguous();
}

at::Tensor unpackInt4(const at::Tensor& qdata) {
    if (qdata.is_cpu() && qdata.is_contiguous() && qdata.scalar_type() == at::kChar) {
        at::Tensor out = at::empty({qdata.size(0), qdata.size(1) * 2}, qdata.options());
        const std::int8_t* q = qdata.data_ptr<std::int8_t>();
        std::int8_t* o = out.data_ptr<std::int8_t>();
        at::parallel_for(0, qdata.numel(), 1 << 16, [&](std::int64_t b, std::int64_t e) {
            for (std::int64_t j = b; j < e; ++j) {
                const int low = q[j] & 0xF;
                o[2 * j] = static_cast<std::int8_t>(low >= 8 ? low - 16 : low);
                o[2 * j + 1] = static_cast<std::int8_t>(q[j] >> 4);  // arithmetic shift keeps the sign
            }
        });
        return out;
    }
    at::Tensor low = at::bitwise_and(qdata, 0xF);
    low = at::where(low >= 8, low - 16, low);
    at::Tensor high = at::bitwise_right_shift(qdata, 4);  // arithmetic shift keeps the sign
    return at::stack({low, high}, -1).reshape({qdata.size(0), -1}).to(at::kChar);
}

namespace {

bool fusedDequant(const Int4PlainWeight& w) {
    return w.qdata.is_cpu() && w.scale.scalar_type() == at::kBFloat16 && w.zeroPoint.scalar_type() == at::kBFloat16;
}

// Rows [row0, row0 + rows) of the kernel dequant, as fp32 (exact bf16 values).
at::Tensor dequantRowsF32(const Int4PlainWeight& w, std::int64_t row0, std::int64_t rows) {
    const std::int64_t k = w.qdata.size(1) * 2, g = w.groupSize, groups = k / g;
    at::Tensor codes = unpackInt4(w.qdata.narrow(0, row0, rows).contiguous());
    at::Tensor scale = w.scale.narrow(1, row0, rows).t().to(at::kFloat).contiguous();     // [rows, G]
    at::Tensor zero = w.zeroPoint.narrow(1, row0, rows).t().to(at::kFloat).contiguous();  // [rows, G]
    at::Tensor out = at::empty({rows, k}, w.qdata.options().dtype(at::kFloat));
    const std::int8_t* c = codes.data_ptr<std::int8_t>();
    const float* s = scale.data_ptr<float>();
    const float* z = zero.data_ptr<float>();
    float* o = out.data_ptr<float>();
    at::parallel_for(0, rows * groups, std::max<std::int64_t>(1, 65536 / g), [&](std::int64_t b, std::int64_t e) {
        kernels::int4DequantBf16ToF32(c + b * g, s + b, z + b, o + b * g, e - b, g);
    });
    return out;
}

constexpr std::int64_t kLinearRowBlock = 8192;  // output rows dequantized at a time (bounds the fp32 copy)

}  // namespace

at::Tensor int4PlainDequantizeCodes(const Int4Codes& c, at::ScalarType dtype) {
    if (dtype != at::kBFloat16 || !c.codes.is_cpu()) {
        return int4PlainDequantize(int4PlainPack(c, dtype)).to(at::kFloat);
    }
    const std::int64_t g = c.groupSize, groups = c.codes.numel() / g;
    at::Tensor codes = c.codes.contiguous();
    at::Tensor scale = c.scale.to(at::kBFloat16).to(at::kFloat).contiguous();  // [N, G], as stored
    at::Tensor zero = c.zero.to(at::kBFloat16).to(at::kFloat).contiguous();
    at::Tensor out = at::empty(codes.sizes(), codes.options().dtype(at::kFloat));
    const std::int8_t* pc = codes.data_ptr<std::int8_t>();
    const float* ps = scale.data_ptr<float>();
    const float* pz = zero.data_ptr<float>();
    float* po = out.data_ptr<float>();
    at::parallel_for(0, groups, std::max<std::int64_t>(1, 65536 / g), [&](std::int64_t b, std::int64_t e) {
        kernels::int4DequantBf16ToF32(pc + b * g, ps + b, pz + b, po + b * g, e - b, g);
    });
    return out;
}

Int4FakeAndReal int4FakeAndConverted(const at::Tensor& w, int g, DeviceSemantics device) {
    const std::int64_t groups = w.numel() / g;
    Int4FakeAndReal r{at::empty_like(w), at::empty(w.sizes(), w.options().dtype(at::kFloat)),
                      at::empty({w.size(0), w.size(1) / g}, w.options().dtype(at::kFloat)),
                      at::empty({w.size(0), w.size(1) / g}, w.options().dtype(at::kFloat))};
    const auto* in = static_cast<const std::uint16_t*>(w.data_ptr());
    auto* fake = static_cast<std::uint16_t*>(r.fake.data_ptr());
    float* dequant = r.dequant.data_ptr<float>();
    float* scale = r.scale.data_ptr<float>();
    float* zero = r.zero.data_ptr<float>();
    const bool cuda = device == DeviceSemantics::Cuda;
    at::parallel_for(0, groups, std::max<std::int64_t>(1, 65536 / g), [&](std::int64_t b, std::int64_t e) {
        kernels::int4FakeAndDequantBf16(in + b * g, fake + b * g, dequant + b * g, scale + b, zero + b, e - b, g, cuda);
    });
    return r;
}

at::Tensor int4PlainDequantize(const Int4PlainWeight& weight) {
    if (fusedDequant(weight)) {
        return dequantRowsF32(weight, 0, weight.qdata.size(0)).to(at::kBFloat16);
    }
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
        const std::int64_t n = weight.qdata.size(0);
        at::Tensor xf = x.reshape({-1, k}).to(at::kFloat);
        at::Tensor y;
        if (fusedDequant(weight)) {
            // Dequantized a block of output rows at a time: each output element is the same fp32 dot
            // product over K as with the whole weight (the GEMM blocks K alike for every N).
            y = at::empty({xf.size(0), n}, xf.options());
            for (std::int64_t r = 0; r < n; r += kLinearRowBlock) {
                const std::int64_t rows = std::min(kLinearRowBlock, n - r);
                y.narrow(1, r, rows).copy_(at::matmul(xf, dequantRowsF32(weight, r, rows).t()));
            }
        } else {
            y = at::matmul(xf, int4PlainDequantize(weight).to(at::kFloat).t());
        }
        y = y.to(weight.scale.scalar_type());
        std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
        shape.back() = n;
        y = y.reshape(shape);
        return bias ? y + *bias : y;
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("int4 linear: libtorch error: ") + e.what());
    }
}

}  // namespace ql::quant
