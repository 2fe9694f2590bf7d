#include "model/rotary.h"

#include <cmath>

namespace ql::model {
namespace {

// 1.0 / (base ** (arange(0, dim, 2, float) / dim)); Python's `1.0 / t` is t.reciprocal() * 1.0.
at::Tensor defaultInvFreq(double base, std::int64_t dim) {
    at::Tensor exponent = at::arange(0, dim, 2, at::TensorOptions().dtype(at::kFloat)) / dim;
    return at::reciprocal(at::pow(base, exponent)) * 1.0;
}

// transformers _compute_llama3_parameters, op for op (`s / t` with a Python scalar s is
// t.reciprocal() * s).
at::Tensor llama3InvFreq(const at::Tensor& invFreq, const RopeScaling& rope) {
    const double oldContext = static_cast<double>(rope.originalMaxPositionEmbeddings);
    const double lowWavelen = oldContext / rope.lowFreqFactor;
    const double highWavelen = oldContext / rope.highFreqFactor;
    at::Tensor wavelen = at::reciprocal(invFreq) * (2 * M_PI);
    at::Tensor scaled = at::where(wavelen > lowWavelen, invFreq / rope.factor, invFreq);
    at::Tensor smooth =
        (at::reciprocal(wavelen) * oldContext - rope.lowFreqFactor) / (rope.highFreqFactor - rope.lowFreqFactor);
    at::Tensor smoothed = (1 - smooth) * scaled / rope.factor + smooth * scaled;
    at::Tensor medium = at::logical_not(wavelen < highWavelen) * at::logical_not(wavelen > lowWavelen);
    return at::where(medium, smoothed, scaled);
}

}  // namespace

at::Tensor ropeInvFreq(const ModelConfig& config) {
    at::Tensor invFreq = defaultInvFreq(config.ropeTheta, config.headDim);
    switch (config.ropeScaling.type) {
        case RopeType::Default:
            return invFreq;
        case RopeType::Linear:
            return invFreq / config.ropeScaling.factor;
        case RopeType::Llama3:
            return llama3InvFreq(invFreq, config.ropeScaling);
    }
    return invFreq;
}

RopeTables ropeTables(const at::Tensor& invFreq, const at::Tensor& positions, at::ScalarType dtype) {
    at::Tensor freqs = positions.unsqueeze(-1).to(at::kFloat) * invFreq.to(positions.device(), at::kFloat);
    at::Tensor emb = at::cat({freqs, freqs}, -1);
    return {(emb.cos() * 1.0).to(dtype), (emb.sin() * 1.0).to(dtype)};
}

at::Tensor applyRotary(const at::Tensor& x, const RopeTables& rope) {
    const std::int64_t half = x.size(-1) / 2;
    at::Tensor cos = rope.cos.unsqueeze(1);
    at::Tensor sin = rope.sin.unsqueeze(1);
    at::Tensor rotated = at::cat({-x.narrow(-1, half, x.size(-1) - half), x.narrow(-1, 0, half)}, -1);
    // rotated is ours: its product with sin in place (same kernel) when that keeps the result dtype.
    const bool inPlace = at::result_type(rotated, sin) == rotated.scalar_type();
    return (x * cos) + (inPlace ? rotated.mul_(sin) : rotated * sin);
}

}  // namespace ql::model
