// Fused single-pass Int4Plain fake quant (CPU): the vectorized group kernel of int4_kernels.h run
// over the groups in parallel chunks. Same bits as torchao's eager sequence
// (qat/fake_quantizer.py Int4WeightFakeQuantizer._bf16_activations_forward).
#include <ATen/Parallel.h>

#include <cstdint>

#include "quant/fake_quant.h"
#include "quant/int4_kernels.h"

namespace ql::quant {

at::Tensor int4FakeQuantFused(const at::Tensor& w, int groupSize, DeviceSemantics device) {
    at::Tensor out = at::empty_like(w);
    const bool cuda = device == DeviceSemantics::Cuda;
    const bool bf16 = w.scalar_type() == at::kBFloat16;
    const std::int64_t g = groupSize, groups = w.numel() / g;
    const std::int64_t grain = std::max<std::int64_t>(1, 65536 / g);
    auto* in = static_cast<const char*>(w.data_ptr());
    auto* dst = static_cast<char*>(out.data_ptr());
    const std::int64_t groupBytes = g * static_cast<std::int64_t>(w.element_size());
    at::parallel_for(0, groups, grain, [&](std::int64_t begin, std::int64_t end) {
        const std::int64_t offset = begin * groupBytes;
        if (bf16) {
            kernels::int4FakeQuantBf16(reinterpret_cast<const std::uint16_t*>(in + offset),
                                       reinterpret_cast<std::uint16_t*>(dst + offset), end - begin, g, cuda);
        } else {
            kernels::int4FakeQuantF32(reinterpret_cast<const float*>(in + offset),
                                      reinterpret_cast<float*>(dst + offset), end - begin, g, cuda);
        }
    });
    return out;
}

}  // namespace ql::quant
