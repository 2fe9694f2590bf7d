#include "model/attention.h"

#include <ATen/ScalarOps.h>

#include <limits>

namespace ql::model {
namespace {

double lowestOf(at::ScalarType dtype) {
    switch (dtype) {
        case at::kBFloat16:
            return static_cast<double>(std::numeric_limits<c10::BFloat16>::lowest());
        case at::kHalf:
            return static_cast<double>(std::numeric_limits<c10::Half>::lowest());
        case at::kDouble:
            return std::numeric_limits<double>::lowest();
        default:
            return static_cast<double>(std::numeric_limits<float>::lowest());
    }
}

at::Tensor visibility(std::int64_t seqLen, std::optional<std::int64_t> window, const at::Device& device) {
    at::Tensor idx = at::arange(seqLen, at::TensorOptions().dtype(at::kLong).device(device));
    at::Tensor q = idx.unsqueeze(1);
    at::Tensor kv = idx.unsqueeze(0);
    at::Tensor allowed = kv <= q;
    if (window) {
        allowed = allowed & (kv > q - *window);
    }
    return allowed.view({1, 1, seqLen, seqLen});
}

at::Tensor eagerAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const AttentionMask& mask,
                          double scaling) {
    const std::int64_t nRep = q.size(1) / k.size(1);
    at::Tensor keys = repeatKv(k, nRep);
    at::Tensor values = repeatKv(v, nRep);
    // The same kernels as `matmul * scaling + mask`, softmax(dtype=fp32).to(q.dtype), run in place on
    // the fresh score tensor: no [B, nH, S, S] temporaries beyond the fp32 copy softmax makes itself.
    at::Tensor weights = at::matmul(q, keys.transpose(2, 3));
    // Wrapped like Python's `* scaling`: mul_(Scalar) would round the scale to the tensor dtype first.
    weights.mul_(at::native::wrapped_scalar_tensor(scaling));
    if (mask.mask) {
        weights.add_(*mask.mask);
    }
    at::Tensor probs = weights.to(at::kFloat);  // softmax(x, dtype) converts first, then _softmax
    at::_softmax_out(probs, probs, -1, false);  // row by row: each row is read before it is written
    weights.copy_(probs);                       // == .to(q.dtype) (no-op when the run is fp32)
    return at::matmul(weights, values).transpose(1, 2).contiguous();
}

at::Tensor sdpaAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const AttentionMask& mask,
                         double scaling) {
    const std::int64_t nRep = q.size(1) / k.size(1);
    at::Tensor keys = k;
    at::Tensor values = v;
    bool enableGqa = false;
    if (nRep > 1) {
        // use_gqa_in_sdpa: no mask and head_dim <= 256 -> enable_gqa, else repeat_kv.
        if (!mask.mask && k.size(-1) == v.size(-1) && k.size(-1) <= 256) {
            enableGqa = true;
        } else {
            keys = repeatKv(k, nRep);
            values = repeatKv(v, nRep);
        }
    }
    const std::int64_t qLen = q.size(2);
    const bool isCausal = qLen > 1 && !mask.mask;
    at::Tensor out = at::scaled_dot_product_attention(q, keys, values, mask.mask, 0.0, isCausal, scaling, enableGqa);
    out = out.reshape({out.size(0), -1, qLen, values.size(-1)});
    return out.transpose(1, 2).contiguous();
}

}  // namespace

AttentionMask makeAttentionMask(AttentionImpl impl, std::int64_t seqLen, std::optional<std::int64_t> window,
                                at::ScalarType dtype, const at::Device& device) {
    if (impl == AttentionImpl::Sdpa) {
        // _ignore_causal_mask_sdpa: skipped (is_causal) unless a window <= kv_length applies.
        if (!window || seqLen < *window) {
            return {};
        }
        return {visibility(seqLen, window, device)};
    }
    at::Tensor allowed = visibility(seqLen, window, device);
    at::Tensor zero = at::zeros({}, at::TensorOptions().dtype(dtype).device(device));
    return {at::where(allowed, zero, at::scalar_tensor(lowestOf(dtype), zero.options()))};
}

at::Tensor attend(AttentionImpl impl, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                  const AttentionMask& mask, double scaling) {
    return impl == AttentionImpl::Eager ? eagerAttention(q, k, v, mask, scaling)
                                        : sdpaAttention(q, k, v, mask, scaling);
}

at::Tensor repeatKv(const at::Tensor& x, std::int64_t nRep) {
    if (nRep == 1) {
        return x;
    }
    const auto b = x.size(0), heads = x.size(1), s = x.size(2), d = x.size(3);
    return x.unsqueeze(2).expand({b, heads, nRep, s, d}).reshape({b, heads * nRep, s, d});
}

}  // namespace ql::model
