#include "io/torchao_validate.h"

#include <algorithm>
#include <map>
#include <optional>

namespace ql::detail {
namespace {

using nlohmann::json;
using Shape = std::vector<std::int64_t>;

std::string where(const TorchaoContext& ctx, const TorchaoWeight& w) {
    return ctx.source + ": torchao " + w.type + " '" + w.parameter + "'";
}

// {"_type": "torch.dtype", "_data": "bfloat16"} -> "bfloat16"; "" otherwise.
std::string torchDtypeField(const json& data, const char* key) {
    if (!data.contains(key) || !data[key].is_object()) {
        return {};
    }
    const json& d = data[key];
    return d.value("_type", std::string()) == "torch.dtype" && d.contains("_data") && d["_data"].is_string()
               ? d["_data"].get<std::string>()
               : std::string();
}

Result<Shape> intList(const TorchaoContext& ctx, const std::string& param, const json& data, const char* key) {
    Shape out;
    if (!data.contains(key) || data[key].is_null()) {
        return out;
    }
    if (!data[key].is_array()) {
        return makeError(ErrorCode::InvalidInput,
                         ctx.source + ": torchao '" + param + "' _data." + key + ": expected a list of integers");
    }
    for (const auto& v : data[key]) {
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
            return makeError(ErrorCode::InvalidInput, ctx.source + ": torchao '" + param + "' _data." + key +
                                                          ": expected a list of non-negative integers");
        }
        out.push_back(v.get<std::int64_t>());
    }
    return out;
}

Status fail(const TorchaoContext& ctx, const TorchaoWeight& w, const std::string& what) {
    return makeError(ErrorCode::InvalidInput, where(ctx, w) + ": " + what);
}

Result<const TensorInfo*> need(const TorchaoContext& ctx, const TorchaoWeight& w, const char* name) {
    const auto* c = w.component(name);
    if (c == nullptr) {
        return makeError(ErrorCode::NotFound, where(ctx, w) + ": required component '" + name +
                                                  "' is not listed in _tensor_data_names / stored");
    }
    return c->view.info;
}

Status expectShape(const TorchaoContext& ctx, const TorchaoWeight& w, const TensorInfo& t, const Shape& want) {
    if (t.shape == want) {
        return Ok{};
    }
    return fail(ctx, w,
                "component '" + t.name + "' has shape " + formatShape(t.shape) + ", expected " + formatShape(want) +
                    " (from shape " + formatShape(w.shape) + ", block_size " + formatShape(w.blockSize) + ")");
}

Status expectDtype(const TorchaoContext& ctx, const TorchaoWeight& w, const TensorInfo& t,
                   std::initializer_list<DType> allowed) {
    if (std::find(allowed.begin(), allowed.end(), t.dtype) != allowed.end()) {
        return Ok{};
    }
    std::string names;
    for (const auto d : allowed) {
        names += (names.empty() ? "" : " or ") + std::string(dtypeName(d));
    }
    return fail(ctx, w,
                "component '" + t.name + "' has dtype " + std::string(dtypeName(t.dtype)) + ", expected " + names);
}

// block_size has the rank of shape and divides it; returns shape[i] / block[i].
Result<Shape> blocks(const TorchaoContext& ctx, const TorchaoWeight& w) {
    if (w.blockSize.size() != w.shape.size() || w.shape.empty()) {
        return fail(ctx, w, "block_size " + formatShape(w.blockSize) + " does not match shape " + formatShape(w.shape))
            .error();
    }
    Shape out;
    for (std::size_t i = 0; i < w.shape.size(); ++i) {
        if (w.blockSize[i] <= 0 || w.shape[i] % w.blockSize[i] != 0) {
            return fail(ctx, w,
                        "block_size " + formatShape(w.blockSize) + " does not divide shape " + formatShape(w.shape))
                .error();
        }
        out.push_back(w.shape[i] / w.blockSize[i]);
    }
    return out;
}

#define QL_TRY(expr)             \
    if (auto s_ = (expr); !s_) { \
        return s_.error();       \
    }

Status validateInt4(const TorchaoContext& ctx, const TorchaoWeight& w) {
    auto q = need(ctx, w, "qdata"), s = need(ctx, w, "scale"), z = need(ctx, w, "zero_point");
    QL_TRY(q)
    QL_TRY(s)
    QL_TRY(z)
    auto b = blocks(ctx, w);
    QL_TRY(b)
    const std::size_t r = w.shape.size();
    if (r < 2 || w.shape[r - 1] % 2 != 0) {
        return fail(ctx, w, "expected a [N, K] (or [B, N, K]) shape with even K, got " + formatShape(w.shape));
    }
    Shape qShape = w.shape, sShape(w.shape.begin(), w.shape.end() - 2);
    qShape[r - 1] /= 2;
    sShape.push_back((*b)[r - 1]);
    sShape.push_back(w.shape[r - 2]);
    QL_TRY(expectDtype(ctx, w, **q, {DType::I8}))
    QL_TRY(expectShape(ctx, w, **q, qShape))
    QL_TRY(expectDtype(ctx, w, **s, {DType::BF16, DType::F16, DType::F32}))
    QL_TRY(expectShape(ctx, w, **s, sShape))
    QL_TRY(expectDtype(ctx, w, **z, {(*s)->dtype}))
    QL_TRY(expectShape(ctx, w, **z, sShape))
    return Ok{};
}

Status validateIntx(const TorchaoContext& ctx, const TorchaoWeight& w) {
    auto q = need(ctx, w, "qdata"), s = need(ctx, w, "scale"), z = need(ctx, w, "zero_point");
    QL_TRY(q)
    QL_TRY(s)
    QL_TRY(z)
    auto b = blocks(ctx, w);
    QL_TRY(b)
    QL_TRY(expectDtype(ctx, w, **q, {DType::I8}))
    QL_TRY(expectDtype(ctx, w, **s, {DType::BF16, DType::F16, DType::F32}))
    QL_TRY(expectShape(ctx, w, **s, *b))
    QL_TRY(expectDtype(ctx, w, **z, {DType::I8, DType::I32}))
    QL_TRY(expectShape(ctx, w, **z, *b))
    return Ok{};
}

Status validateFloat8(const TorchaoContext& ctx, const TorchaoWeight& w) {
    auto q = need(ctx, w, "qdata"), s = need(ctx, w, "scale");
    QL_TRY(q)
    QL_TRY(s)
    auto b = blocks(ctx, w);
    QL_TRY(b)
    QL_TRY(expectDtype(ctx, w, **q, {DType::F8_E4M3, DType::F8_E5M2}))
    QL_TRY(expectDtype(ctx, w, **s, {DType::F32}))
    QL_TRY(expectShape(ctx, w, **s, *b))
    return Ok{};
}

// qdata int32 [Npad/8, Kpad/128, 32, 4] (inner_k_tiles 8), scale_and_zero [Kpad/g, Npad, 2].
Status validateTilePacked(const TorchaoContext& ctx, const TorchaoWeight& w) {
    auto q = need(ctx, w, "qdata"), sz = need(ctx, w, "scale_and_zero");
    QL_TRY(q)
    QL_TRY(sz)
    auto b = blocks(ctx, w);
    QL_TRY(b)
    if (w.shape.size() != 2) {
        return fail(ctx, w, "expected a 2-D shape [N, K], got " + formatShape(w.shape));
    }
    const std::int64_t kPad = (w.shape[1] + 1023) / 1024 * 1024;
    const auto& qs = (*q)->shape;
    QL_TRY(expectDtype(ctx, w, **q, {DType::I32}))
    if (qs.size() != 4 || qs[0] * 8 < w.shape[0] || qs[1] * 128 != kPad || qs[2] != 32 || qs[3] != 4) {
        return fail(ctx, w,
                    "component qdata has shape " + formatShape(qs) + ", expected [ceil(N/8), " +
                        std::to_string(kPad / 128) + ", 32, 4] for shape " + formatShape(w.shape));
    }
    QL_TRY(expectDtype(ctx, w, **sz, {DType::BF16, DType::F16, DType::F32}))
    return expectShape(ctx, w, **sz, {kPad / w.blockSize[1], qs[0] * 8, 2});
}

}  // namespace

Result<TorchaoWeight> torchaoWeightFromEntry(const TorchaoContext& ctx, const std::string& param, const json& entry,
                                             TorchaoLayout layout) {
    TorchaoWeight w;
    w.parameter = param;
    w.module = param.substr(0, param.rfind('.') == std::string::npos ? 0 : param.rfind('.'));
    w.layout = layout;
    w.type = entry.contains("_type") && entry["_type"].is_string() ? entry["_type"].get<std::string>() : "";
    const auto& known = knownTorchaoTypes();
    if (std::find(known.begin(), known.end(), w.type) == known.end()) {
        std::string list;
        for (const auto& k : known) {
            list += (list.empty() ? "" : ", ") + k;
        }
        return makeError(ErrorCode::Unsupported, ctx.source + ": torchao parameter '" + param +
                                                     "': unknown tensor subclass _type '" + w.type +
                                                     "' (known: " + list + ")");
    }
    const json data = entry.contains("_data") && entry["_data"].is_object() ? entry["_data"] : json::object();
    auto block = intList(ctx, param, data, "block_size");
    QL_TRY(block)
    auto shape = intList(ctx, param, data, "shape");
    QL_TRY(shape)
    w.blockSize = *block;
    w.shape = *shape;
    std::string hp = torchDtypeField(data, "dtype");
    w.dtype = dtypeFromTorchName(hp.empty() ? torchDtypeField(data, "activation_dtype") : hp);
    w.targetDtype = torchDtypeField(data, "target_dtype");
    if (data.contains("activation_quantization") && data["activation_quantization"].is_string()) {
        w.activationQuantization = data["activation_quantization"].get<std::string>();
    }
    w.attributesJson = data.dump();
    return w;
}

std::vector<std::string> componentNames(const json& entry) {
    std::vector<std::string> out;
    if (entry.contains("_tensor_data_names") && entry["_tensor_data_names"].is_array()) {
        for (const auto& n : entry["_tensor_data_names"]) {
            if (n.is_string()) {
                out.push_back(n.get<std::string>());
            }
        }
    }
    return out;
}

std::vector<std::string> orderedComponents(std::vector<std::string> names) {
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
        return (a == "qdata") != (b == "qdata") ? a == "qdata" : a < b;
    });
    return names;
}

Status validateTorchaoWeight(const TorchaoContext& ctx, TorchaoWeight& w) {
    auto q = need(ctx, w, "qdata");
    QL_TRY(q)
    if (w.shape.empty() && w.type != "Int4Tensor" && w.type != "Int4TilePackedTo4dTensor") {
        w.shape = (*q)->shape;  // Intx / Float8 / Int8 store no logical shape: qdata has it
    }
    if (w.shape.empty()) {
        return fail(ctx, w, "_data.shape is missing");
    }
    if (w.type == "Int4Tensor") {
        return validateInt4(ctx, w);
    }
    if (w.type == "IntxUnpackedToInt8Tensor") {
        return validateIntx(ctx, w);
    }
    if (w.type == "Float8Tensor") {
        return validateFloat8(ctx, w);
    }
    if (w.type == "Int4TilePackedTo4dTensor") {
        return validateTilePacked(ctx, w);
    }
    return Ok{};  // known type whose component layout is not checked (listed, not converted)
}

}  // namespace ql::detail

namespace ql {

const std::vector<std::string>& knownTorchaoTypes() {
    static const std::vector<std::string> kTypes = {
        "Int4Tensor", "Int4TilePackedTo4dTensor", "IntxUnpackedToInt8Tensor", "Float8Tensor",
        "Int8Tensor", "Int4PlainInt32Tensor",     "Int4PreshuffledTensor",    "MXTensor",
        "NVFP4Tensor"};
    return kTypes;
}

}  // namespace ql
