#include "quant/float4_e2m1.h"

#include <bit>
#include <cstdint>
#include <vector>

namespace ql::quant {
namespace {

// _f32_to_floatx_unpacked(x, ebits=2, mbits=1), one element: the same integer and fp32 operations.
uint8_t encodeOne(float value) {
    constexpr int32_t kMbitsF32 = 23;
    constexpr int32_t kDenormMaskInt = 149 << kMbitsF32;  // ((127 - 1) + (23 - 1) + 1) << 23
    constexpr int32_t kValToAdd = ((1 - 127) << kMbitsF32) + ((1 << 21) - 1);
    const auto bits = std::bit_cast<int32_t>(value);
    const int32_t sign = static_cast<int32_t>(static_cast<uint32_t>(bits) & 0x80000000u);
    const float x = std::bit_cast<float>(bits ^ sign);
    uint8_t magnitude = 7;  // saturate: x >= 6 (max normal)
    if (!(x >= 6.0f)) {     // NaN takes the normal branch, as in torchao
        if (x < 1.0f) {     // denormal branch: add 2^22, read the rounded mantissa
            const float sum = x + std::bit_cast<float>(kDenormMaskInt);
            magnitude = static_cast<uint8_t>(std::bit_cast<int32_t>(sum) - kDenormMaskInt);
        } else {
            const int32_t normal = std::bit_cast<int32_t>(x);
            const int32_t mantOdd = (normal >> (kMbitsF32 - 1)) & 1;
            magnitude = static_cast<uint8_t>((normal + kValToAdd + mantOdd) >> (kMbitsF32 - 1));
        }
    }
    const auto signLp = static_cast<uint8_t>(static_cast<uint8_t>(sign >> 28) & 0x8);
    return static_cast<uint8_t>(magnitude | signLp);
}

// _floatx_unpacked_to_f32 for the 16 codes (a pure function of the code).
constexpr float kDecode[16] = {0.0f,  0.5f,  1.0f,  1.5f,  2.0f,  3.0f,  4.0f,  6.0f,
                               -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};

}  // namespace

at::Tensor float4E2m1Encode(const at::Tensor& x) {
    at::Tensor in = x.to(at::kFloat).contiguous();
    at::Tensor out = at::empty(in.sizes(), in.options().dtype(at::kByte));
    const float* src = in.const_data_ptr<float>();
    uint8_t* dst = out.mutable_data_ptr<uint8_t>();
    for (int64_t i = 0, n = in.numel(); i < n; ++i) {
        dst[i] = encodeOne(src[i]);
    }
    return out;
}

at::Tensor float4E2m1Decode(const at::Tensor& codes) {
    at::Tensor in = codes.contiguous();
    at::Tensor out = at::empty(in.sizes(), in.options().dtype(at::kFloat));
    const uint8_t* src = in.const_data_ptr<uint8_t>();
    float* dst = out.mutable_data_ptr<float>();
    for (int64_t i = 0, n = in.numel(); i < n; ++i) {
        dst[i] = kDecode[src[i] & 0xF];
    }
    return out;
}

at::Tensor packUint4(const at::Tensor& codes) {
    at::Tensor flat = codes.contiguous().view(-1);
    std::vector<int64_t> shape(codes.sizes().begin(), codes.sizes().end());
    shape.back() /= 2;
    at::Tensor low = flat.slice(0, 0, flat.numel(), 2);  // uint8_data[::2]
    at::Tensor high = flat.slice(0, 1, flat.numel(), 2);
    return at::bitwise_or(low, at::bitwise_left_shift(high, 4)).view(shape);
}

at::Tensor unpackUint4(const at::Tensor& packed) {
    at::Tensor in = packed.contiguous();
    std::vector<int64_t> shape(in.sizes().begin(), in.sizes().end());
    shape.back() *= 2;
    at::Tensor first = at::bitwise_and(in, 0xF);
    at::Tensor second = at::bitwise_right_shift(in, 4);
    return at::stack({first, second}, -1).view(shape);
}

}  // namespace ql::quant
