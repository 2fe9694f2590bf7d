// CPU-only build of cuda/cuda_dispatch.h (QL_WITH_CUDA undefined): no kernels; the *Cuda functions
// return Unsupported, the dispatchers run the CPU implementations and refuse CUDA tensors.
// In CUDA builds core/src/cuda/dispatch.cpp and int4_dispatch.cpp define these instead.
#ifndef QL_WITH_CUDA

#include "cuda/cuda_dispatch.h"
#include "quant/fake_quant.h"

namespace ql::cuda {
namespace {

Error unsupported(const char* what) {
    return makeError(ErrorCode::Unsupported,
                     std::string(what) +
                         ": this QuantLens build has no CUDA kernels (configure with QL_WITH_CUDA=ON "
                         "on a machine with nvcc and a CUDA libtorch)");
}

}  // namespace

bool cudaKernelsAvailable() {
    return false;
}

Result<quant::CompareResult> fusedInt4Compare(const at::Tensor&, const at::Tensor&, const quant::CompareRequest&) {
    return unsupported("fused weight compare");
}

Result<at::Tensor> int4FakeQuantCuda(const at::Tensor&, int, quant::DeviceSemantics) {
    return unsupported("int4 fake quant on CUDA");
}

Result<at::Tensor> int4PlainDequantizeCuda(const quant::Int4PlainWeight&) {
    return unsupported("int4 dequant on CUDA");
}

Result<at::Tensor> int4PlainLinearCuda(const at::Tensor&, const quant::Int4PlainWeight&,
                                       const std::optional<at::Tensor>&, bool) {
    return unsupported("int4 linear on CUDA");
}

Result<at::Tensor> fakeQuantize(const at::Tensor& x, const quant::FakeQuantSpec& spec) {
    return x.is_cuda() ? Result<at::Tensor>(unsupported("fake quant of a CUDA tensor")) : quant::fakeQuantize(x, spec);
}

Result<quant::CompareResult> compareInt4(const at::Tensor& train, const at::Tensor& eval,
                                         const quant::CompareRequest& request) {
    if (train.is_cuda()) return unsupported("weight compare of CUDA tensors");
    return quant::compareInt4Aten(train, eval, request);
}

Result<at::Tensor> int4PlainLinear(const at::Tensor& x, const quant::Int4PlainWeight& weight,
                                   const std::optional<at::Tensor>& bias) {
    if (weight.qdata.is_cuda()) return unsupported("int4 linear of CUDA tensors");
    return quant::int4PlainLinear(x, weight, bias);
}

}  // namespace ql::cuda

#endif  // QL_WITH_CUDA
