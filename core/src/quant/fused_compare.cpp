#include "quant/fused_compare.h"

#include <string>

#include "quant/fake_quant.h"
#include "torch/torch_bridge.h"

namespace ql::quant {
namespace {

using torchbridge::shapeText;

Status checkSide(const at::Tensor& w, const Int4Side& side, const char* name) {
    if (side.quantize && (side.groupSize <= 0 || w.size(1) % side.groupSize != 0)) {
        return makeError(ErrorCode::InvalidInput, std::string("weight compare: ") + name + " weight " + shapeText(w) +
                                                      ": K=" + std::to_string(w.size(1)) +
                                                      " is not a multiple of group size " +
                                                      std::to_string(side.groupSize));
    }
    return Ok{};
}

// `t / d` with true division on every device (a 0-dim tensor divisor on t's device is not a
// CPU scalar, so CUDA's div_true kernel divides instead of multiplying by the reciprocal).
at::Tensor divTrue(const at::Tensor& t, double d) {
    return t.is_cpu() ? t / d : t / at::scalar_tensor(d, t.options());
}

at::Tensor sideWeight(const at::Tensor& w, const Int4Side& side) {
    if (!side.quantize) {
        return w;
    }
    if (w.is_cpu() && w.is_contiguous() && (w.scalar_type() == at::kBFloat16 || w.scalar_type() == at::kFloat)) {
        return int4FakeQuantFused(w, side.groupSize, side.device);
    }
    return int4FakeQuantAten(w, side.groupSize, side.device);
}

}  // namespace

Status checkCompareInputs(const at::Tensor& train, const at::Tensor& eval, const CompareRequest& request) {
    const auto type = train.scalar_type();
    if (train.dim() != 2 || train.numel() == 0 || !train.sizes().equals(eval.sizes())) {
        return makeError(ErrorCode::InvalidInput,
                         "weight compare: expected two non-empty [N, K] weights of one shape, "
                         "got train " +
                             shapeText(train) + " and eval " + shapeText(eval));
    }
    if ((type != at::kFloat && type != at::kBFloat16 && type != at::kHalf) || eval.scalar_type() != type ||
        train.device() != eval.device()) {
        return makeError(ErrorCode::Unsupported,
                         "weight compare: both weights must share one float32/bfloat16/"
                         "float16 dtype and one device");
    }
    if (auto ok = checkSide(train, request.train, "train"); !ok) {
        return ok;
    }
    return checkSide(eval, request.eval, "eval");
}

std::int64_t effectiveMapGroup(std::int64_t k, int mapGroupSize) {
    return mapGroupSize > 0 && k % mapGroupSize == 0 ? mapGroupSize : k;
}

at::Tensor int4FakeQuantAten(const at::Tensor& w, int g, DeviceSemantics device) {
    at::Tensor wg = w.to(at::kFloat).view({w.size(0), -1, g});
    at::Tensor mx = at::amax(wg, {-1}, true);
    at::Tensor mn = at::amin(wg, {-1}, true);
    at::Tensor range = at::clamp(mx - mn, 1e-6);
    at::Tensor s = device == DeviceSemantics::Cpu ? divTrue(range, 15) : divScalar(range, 15, device);
    at::Tensor z = mn + s * 8;
    at::Tensor fq = at::round((wg - mn) / s).clamp(0, 15);
    fq = fq - 8;
    fq = fq * s + z;
    return fq.view(w.sizes()).to(w.scalar_type());
}

Result<CompareResult> compareInt4Aten(const at::Tensor& train, const at::Tensor& eval, const CompareRequest& request) {
    if (auto ok = checkCompareInputs(train, eval, request); !ok) {
        return ok.error();
    }
    try {
        CompareResult r;
        at::Tensor a = sideWeight(train, request.train);
        at::Tensor b = sideWeight(eval, request.eval);
        r.diff.add(a, b, request.tolerance);
        r.absDiff = checks::absDiffHistogram(a, b);
        const std::int64_t n = a.size(0), k = a.size(1), g = effectiveMapGroup(k, request.mapGroupSize);
        r.groupMaxAbs = (a.to(at::kFloat) - b.to(at::kFloat)).abs().view({n, k / g, g}).amax(-1);
        if (request.keepOutputs) {
            r.train = a;
            r.eval = b;
        }
        return r;
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("weight compare: libtorch error: ") + e.what());
    }
}

GroupErrorMap poolGroupMap(const at::Tensor& groupMaxAbs, std::int64_t maxCells) {
    at::Tensor groups = groupMaxAbs.to(at::kCPU, at::kFloat);
    const std::int64_t n = groups.size(0), cols = groups.size(1);
    GroupErrorMap map;
    map.rowStride = (n + maxCells - 1) / maxCells;
    map.colStride = (cols + maxCells - 1) / maxCells;
    map.rows = (n + map.rowStride - 1) / map.rowStride;
    map.cols = (cols + map.colStride - 1) / map.colStride;
    at::Tensor padded =
        at::constant_pad_nd(groups, {0, map.cols * map.colStride - cols, 0, map.rows * map.rowStride - n}, 0.0);
    at::Tensor pooled = padded.view({map.rows, map.rowStride, map.cols, map.colStride}).amax({1, 3}).contiguous();
    const float* p = pooled.data_ptr<float>();
    map.maxAbs.assign(p, p + pooled.numel());
    return map;
}

}  // namespace ql::quant
