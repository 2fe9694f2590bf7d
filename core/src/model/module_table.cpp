#include "model/module_table.h"

#include "model/linear_table.h"

namespace ql::model {
namespace {

std::string dtypeText(at::ScalarType dtype) {
    switch (dtype) {
        case at::kBFloat16: return "bfloat16";
        case at::kHalf: return "float16";
        case at::kFloat: return "float32";
        default: return c10::toString(dtype);
    }
}

std::string fqName(const quant::FakeQuantSpec& w) {
    switch (w.kind) {
        case quant::FqKind::Int4Plain: return "int4 g" + std::to_string(w.groupSize);
        case quant::FqKind::IntxWeight:
            return "int" + std::to_string(w.bits) + (w.groupSize > 0 ? " g" + std::to_string(w.groupSize) : " per-axis");
        case quant::FqKind::Float8: return w.perRow ? "float8 per-row" : "float8 per-tensor";
        case quant::FqKind::Float8Int4: return "float8 act + int4 g" + std::to_string(w.groupSize);
        case quant::FqKind::Int8Activation: return "int8 act";
    }
    return "?";
}

ModuleRow linearRow(const std::string& name, std::int64_t out, std::int64_t in, bool bias, at::ScalarType dtype,
                    const std::optional<quant::LinearFakeQuant>& quant, bool quantize) {
    const std::uint64_t elem = c10::elementSize(dtype);
    ModuleRow r{name, "Linear", "Linear", "Linear", dtypeText(dtype), {out, in}, 0, 0, ""};
    const std::uint64_t biasBytes = bias ? static_cast<std::uint64_t>(out) * elem : 0;
    r.bytesBefore = static_cast<std::uint64_t>(out * in) * elem + biasBytes;
    r.bytesAfter = r.bytesBefore;
    if (!quant || !quantize) {
        return r;
    }
    const quant::FakeQuantSpec& w = quant->weight;
    r.typeAfterPrepare = "FakeQuantizedLinear[" + fqName(w) + (quant->hasActivation ? " + act" : "") + "]";
    if (w.kind != quant::FqKind::Int4Plain) {
        r.typeAfterConvert = "Linear[converted " + fqName(w) + "]";
        r.note = "convert bytes are only computed for int4 plain";
        return r;
    }
    if (w.groupSize <= 0 || in % w.groupSize != 0) {
        r.note = "stays " + r.dtype + ": in_features " + std::to_string(in) + " % group " +
                 std::to_string(w.groupSize) + " != 0";
        return r;
    }
    r.typeAfterConvert = "Linear[Int4Tensor plain]";
    const std::uint64_t groups = static_cast<std::uint64_t>(in / w.groupSize);
    r.bytesAfter = static_cast<std::uint64_t>(out) * static_cast<std::uint64_t>(in / 2) +
                   2 * groups * static_cast<std::uint64_t>(out) * elem + biasBytes;
    return r;
}

ModuleRow plainRow(const std::string& name, const char* type, std::vector<std::int64_t> shape, at::ScalarType dtype) {
    std::uint64_t n = 1;
    for (auto d : shape) {
        n *= static_cast<std::uint64_t>(d);
    }
    const std::uint64_t bytes = n * c10::elementSize(dtype);
    return ModuleRow{name, type, type, type, dtypeText(dtype), std::move(shape), bytes, bytes, ""};
}

}  // namespace

std::vector<ModuleRow> moduleTable(const ModelConfig& c, at::ScalarType dtype,
                                   const std::optional<quant::LinearFakeQuant>& quant, bool quantizeLmHead) {
    std::vector<ModuleRow> rows;
    rows.push_back(plainRow("model.embed_tokens", "Embedding", {c.vocabSize, c.hiddenSize}, dtype));
    for (int i = 0; i < c.numHiddenLayers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        rows.push_back(plainRow(p + "input_layernorm", "RMSNorm", {c.hiddenSize}, dtype));
        for (const DecoderLinear& l : decoderLinears()) {
            const ModuleRef m = decoderModule(c, i, l);
            rows.push_back(linearRow(m.name, m.outFeatures, m.inFeatures, m.hasBias, dtype, quant, true));
        }
        if (c.family == ModelFamily::Qwen3) {
            rows.push_back(plainRow(p + "self_attn.q_norm", "RMSNorm", {c.headDim}, dtype));
            rows.push_back(plainRow(p + "self_attn.k_norm", "RMSNorm", {c.headDim}, dtype));
        }
        rows.push_back(plainRow(p + "post_attention_layernorm", "RMSNorm", {c.hiddenSize}, dtype));
    }
    rows.push_back(plainRow("model.norm", "RMSNorm", {c.hiddenSize}, dtype));
    rows.push_back(linearRow("lm_head", c.vocabSize, c.hiddenSize, false, dtype, quant, quantizeLmHead));
    if (c.tieWordEmbeddings) {
        rows.back().note += std::string(rows.back().note.empty() ? "" : "; ") + "weight tied to model.embed_tokens";
    }
    return rows;
}

}  // namespace ql::model
