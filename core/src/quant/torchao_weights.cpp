#include "quant/torchao_weights.h"

#include <string>

#include "torch/torch_bridge.h"

namespace ql::quant {
namespace {

Status expectType(const TorchaoWeight& w, const char* type) {
    if (w.type != type) {
        return makeError(ErrorCode::InvalidInput,
                         "torchao weight '" + w.parameter + "' is a " + w.type + ", expected " + type);
    }
    if (w.shape.size() != 2 || w.blockSize.size() != 2 || w.blockSize[1] <= 0) {
        return makeError(ErrorCode::Unsupported, "torchao weight '" + w.parameter +
                                                     "': only 2-D weights are "
                                                     "converted, shape " +
                                                     formatShape(w.shape));
    }
    return Ok{};
}

Result<at::Tensor> load(const TorchaoWeight& w, const char* name) {
    const auto* c = w.component(name);
    if (c == nullptr) {
        return makeError(ErrorCode::NotFound,
                         "torchao weight '" + w.parameter + "': component '" + name + "' is missing");
    }
    return torchbridge::copyToTensor(c->view);
}

}  // namespace

Result<Int4PlainWeight> int4PlainFromTorchao(const TorchaoWeight& w) {
    if (auto s = expectType(w, "Int4Tensor"); !s) {
        return s.error();
    }
    auto q = load(w, "qdata"), s = load(w, "scale"), z = load(w, "zero_point");
    if (!q || !s || !z) {
        return !q ? q.error() : (!s ? s.error() : z.error());
    }
    return Int4PlainWeight{*q, *s, *z, static_cast<int>(w.blockSize[1])};
}

Result<IntxWeight> intxFromTorchao(const TorchaoWeight& w) {
    if (auto s = expectType(w, "IntxUnpackedToInt8Tensor"); !s) {
        return s.error();
    }
    const std::string& t = w.targetDtype;
    const int bits = t.size() == 4 && t.starts_with("int") && t[3] >= '1' && t[3] <= '8' ? t[3] - '0' : 0;
    if (bits == 0 || w.blockSize[0] != 1) {
        return makeError(ErrorCode::Unsupported, "torchao weight '" + w.parameter + "': target_dtype '" + t +
                                                     "' / block_size " + formatShape(w.blockSize) +
                                                     " (expected int1..int8, [1, g])");
    }
    auto q = load(w, "qdata"), s = load(w, "scale"), z = load(w, "zero_point");
    if (!q || !s || !z) {
        return !q ? q.error() : (!s ? s.error() : z.error());
    }
    return IntxWeight{*q, *s, z->to(at::kChar), bits, static_cast<int>(w.blockSize[1])};
}

Result<Float8Weight> float8FromTorchao(const TorchaoWeight& w) {
    if (auto s = expectType(w, "Float8Tensor"); !s) {
        return s.error();
    }
    auto q = load(w, "qdata"), s = load(w, "scale");
    if (!q || !s) {
        return !q ? q.error() : s.error();
    }
    return Float8Weight{*q, *s};
}

}  // namespace ql::quant
