#include "torch/torch_bridge.h"

#include <cstring>
#include <string>

namespace ql::torchbridge {

Result<at::ScalarType> scalarType(DType dtype) {
    switch (dtype) {
        case DType::Bool:
            return at::kBool;
        case DType::U8:
            return at::kByte;
        case DType::I8:
            return at::kChar;
        case DType::I16:
            return at::kShort;
        case DType::U16:
            return at::kUInt16;
        case DType::I32:
            return at::kInt;
        case DType::U32:
            return at::kUInt32;
        case DType::I64:
            return at::kLong;
        case DType::U64:
            return at::kUInt64;
        case DType::F16:
            return at::kHalf;
        case DType::BF16:
            return at::kBFloat16;
        case DType::F32:
            return at::kFloat;
        case DType::F64:
            return at::kDouble;
        case DType::F8_E4M3:
            return at::kFloat8_e4m3fn;
        case DType::F8_E5M2:
            return at::kFloat8_e5m2;
        case DType::F8_E4M3FNUZ:
            return at::kFloat8_e4m3fnuz;
        case DType::F8_E5M2FNUZ:
            return at::kFloat8_e5m2fnuz;
        case DType::F8_E8M0:
            return at::kFloat8_e8m0fnu;
        default:
            break;
    }
    return makeError(ErrorCode::Unsupported,
                     "dtype " + std::string(dtypeName(dtype)) + " has no libtorch tensor type here");
}

Result<at::Tensor> copyToTensor(const TensorView& view) {
    auto type = scalarType(view.info->dtype);
    if (!type) {
        return makeError(type.error().code, "tensor " + view.info->name + ": " + type.error().message);
    }
    at::Tensor tensor = at::empty(view.info->shape, at::TensorOptions().dtype(*type));
    if (static_cast<std::uint64_t>(tensor.nbytes()) != view.bytes.size()) {
        return makeError(ErrorCode::InvalidInput,
                         "tensor " + view.info->name + ": byte count does not match its shape");
    }
    if (!view.bytes.empty()) {
        std::memcpy(tensor.data_ptr(), view.bytes.data(), view.bytes.size());
    }
    return tensor;
}

}  // namespace ql::torchbridge
