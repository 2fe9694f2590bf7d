// CUDA build: int4 PLAIN dequant / linear wrappers and the device dispatchers of cuda/cuda_dispatch.h.
#include <string>

#include "cuda/cuda_dispatch.h"
#include "cuda/cuda_kernels.h"
#include "quant/fake_quant.h"
#include "torch/torch_bridge.h"

namespace ql::cuda {
namespace {

using torchbridge::shapeText;

// qdata int8 [N, K/2]; scale and zero [K/g, N] of one float dtype; all on one CUDA device.
Status checkWeight(const quant::Int4PlainWeight& w) {
    const at::Tensor& q = w.qdata;
    if (!q.defined() || q.dim() != 2 || q.scalar_type() != at::kChar || !q.is_cuda()) {
        return makeError(ErrorCode::InvalidInput, "int4 weight: qdata must be a 2-D int8 CUDA tensor [N, K/2]");
    }
    const int64_t n = q.size(0), k = q.size(1) * 2, g = w.groupSize;
    if (g <= 0 || k % g != 0) {
        return makeError(ErrorCode::InvalidInput, "int4 weight: K=" + std::to_string(k) +
                                                      " is not a multiple of group size " + std::to_string(g));
    }
    for (const at::Tensor* t : {&w.scale, &w.zeroPoint}) {
        if (!t->defined() || t->dim() != 2 || t->size(0) != k / g || t->size(1) != n ||
            t->scalar_type() != w.scale.scalar_type() || t->device() != q.device() || !t->is_floating_point()) {
            return makeError(ErrorCode::InvalidInput, "int4 weight: scale/zero_point " +
                                                          (t->defined() ? shapeText(*t) : std::string("(missing)")) +
                                                          ": expected [" + std::to_string(k / g) + ", " +
                                                          std::to_string(n) + "] of one float dtype on qdata's device");
        }
    }
    return Ok{};
}

Status checkLinearInputs(const at::Tensor& x, const quant::Int4PlainWeight& w, const std::optional<at::Tensor>& bias) {
    const int64_t k = w.qdata.size(1) * 2, n = w.qdata.size(0);
    const auto type = w.scale.scalar_type();
    if (x.dim() < 1 || x.size(-1) != k || x.scalar_type() != type || x.device() != w.qdata.device()) {
        return makeError(ErrorCode::InvalidInput, "int4 linear: input " + shapeText(x) + " must end in K=" +
                                                      std::to_string(k) + " and share the scale's dtype and device");
    }
    if (bias &&
        (bias->dim() != 1 || bias->size(0) != n || bias->scalar_type() != type || bias->device() != x.device())) {
        return makeError(ErrorCode::InvalidInput, "int4 linear: bias " + shapeText(*bias) + ": expected [" +
                                                      std::to_string(n) + "] in the scale's dtype and device");
    }
    return Ok{};
}

}  // namespace

Result<at::Tensor> int4PlainDequantizeCuda(const quant::Int4PlainWeight& weight) {
    if (auto ok = checkWeight(weight); !ok) return ok.error();
    try {
        const at::Tensor q = weight.qdata.contiguous();
        at::Tensor out = at::empty({q.size(0), q.size(1) * 2}, weight.scale.options());
        detail::launchInt4Dequant(q, weight.scale.contiguous(), weight.zeroPoint.contiguous(), weight.groupSize, out);
        return out;
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("int4 dequant: CUDA/libtorch error: ") + e.what());
    }
}

Result<at::Tensor> int4PlainLinearCuda(const at::Tensor& x, const quant::Int4PlainWeight& weight,
                                       const std::optional<at::Tensor>& bias, bool rawAccumulators) {
    if (auto ok = checkWeight(weight); !ok) return ok.error();
    if (auto ok = checkLinearInputs(x, weight, bias); !ok) return ok.error();
    try {
        const int64_t k = weight.qdata.size(1) * 2, n = weight.qdata.size(0);
        const at::Tensor x2 = x.reshape({-1, k}).contiguous();
        const auto outType = rawAccumulators ? at::kFloat : weight.scale.scalar_type();
        at::Tensor out = at::empty({x2.size(0), n}, x.options().dtype(outType));
        const at::Tensor b = (bias && !rawAccumulators) ? bias->contiguous() : at::Tensor();
        detail::launchInt4Linear(x2, weight.qdata.contiguous(), weight.scale.contiguous(),
                                 weight.zeroPoint.contiguous(), weight.groupSize, b, out);
        std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
        shape.back() = n;
        return out.reshape(shape);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, std::string("int4 linear: CUDA/libtorch error: ") + e.what());
    }
}

Result<at::Tensor> fakeQuantize(const at::Tensor& x, const quant::FakeQuantSpec& spec) {
    if (!x.is_cuda()) {
        return quant::fakeQuantize(x, spec);
    }
    if (spec.kind == quant::FqKind::Int4Plain) {
        return int4FakeQuantCuda(x, spec.groupSize, spec.device);
    }
    if (spec.device == quant::DeviceSemantics::Cuda) {
        return quant::fakeQuantizeReference(x, spec);  // native CUDA division = the reference's emulation
    }
    // CPU semantics of the other schemes: their ATen reference divides by Python scalars, which CUDA
    // turns into reciprocal multiplies; run it on the host instead.
    auto out = quant::fakeQuantize(x.cpu(), spec);
    if (!out) return out.error();
    return out->to(x.device());
}

Result<quant::CompareResult> compareInt4(const at::Tensor& train, const at::Tensor& eval,
                                         const quant::CompareRequest& request) {
    return train.is_cuda() ? fusedInt4Compare(train, eval, request) : quant::compareInt4Aten(train, eval, request);
}

Result<at::Tensor> int4PlainLinear(const at::Tensor& x, const quant::Int4PlainWeight& weight,
                                   const std::optional<at::Tensor>& bias) {
    return weight.qdata.is_cuda() ? int4PlainLinearCuda(x, weight, bias) : quant::int4PlainLinear(x, weight, bias);
}

}  // namespace ql::cuda
