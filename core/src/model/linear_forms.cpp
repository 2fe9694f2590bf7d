#include "model/linear_forms.h"

#include "model/lora_merge.h"
#include "quant/fake_quant.h"
#include "quant/intx_float8_convert.h"

namespace ql::model {
namespace {

bool mergesAdapter(LinearForm form) { return form == LinearForm::M || form == LinearForm::Q; }

Result<at::Tensor> fakeQuantWeight(const std::string& name, const at::Tensor& w, const quant::FakeQuantSpec& spec) {
    auto q = quant::fakeQuantize(w, spec);
    if (!q) {
        return makeError(q.error().code, "module " + name + ": " + q.error().message);
    }
    return *q;
}

// T': QAT prepare after PEFT turns lora_A / lora_B into FakeQuantizedLinear too; a factor whose
// in_features do not divide by the group is left float (the reference prepares with a filter that
// skips it: torchao itself would fail at forward time on it).
Result<LoraFactors> fakeQuantFactors(const std::string& name, LoraFactors lora, const quant::FakeQuantSpec& spec) {
    for (at::Tensor* factor : {&lora.a, &lora.b}) {
        if (spec.groupSize > 0 && factor->size(1) % spec.groupSize != 0) {
            continue;
        }
        auto q = fakeQuantWeight(name, *factor, spec);
        if (!q) {
            return q.error();
        }
        *factor = *q;
    }
    return lora;
}

// Q for IntxWeightOnly / Int8DynamicActivationIntxWeight: IntxUnpackedToInt8Tensor's linear is
// dequantize() then F.linear (after the per-token activation quant-dequant), torchao-quant.md §4.2.
Status prepareIntxConverted(PreparedLinear& p, const FormSpec& spec) {
    const quant::FakeQuantSpec& w = spec.quant->weight;
    auto intx = quant::intxConvert(p.weight, w.bits, w.groupSize, w.eps, w.device);
    if (!intx) {
        return makeError(intx.error().code, "module " + p.name + ": " + intx.error().message);
    }
    p.weight = quant::intxDequantize(*intx, p.weight.scalar_type());
    if (spec.quant->hasActivation) {
        p.activation = spec.quant->activation;
    }
    return Ok{};
}

Status prepareQuantized(PreparedLinear& p, const FormSpec& spec) {
    const quant::FakeQuantSpec& w = spec.quant->weight;
    if (spec.form == LinearForm::Q && w.kind == quant::FqKind::IntxWeight) {
        return prepareIntxConverted(p, spec);
    }
    if (spec.form == LinearForm::Q && w.kind != quant::FqKind::Int4Plain) {
        return makeError(ErrorCode::Unsupported, "module " + p.name + ": the converted (real) form is implemented "
                                                 "for int4 PLAIN and intx weights only");
    }
    if (spec.form == LinearForm::Q) {
        auto int4 = quant::int4PlainConvert(p.weight, w.groupSize, w.device);
        if (int4) {
            p.int4 = std::move(*int4);
        } else if (int4.error().code == ErrorCode::Unsupported) {
            p.note = "stays " + std::string(c10::toString(p.weight.scalar_type())) + ": " + int4.error().message;
            p.quantized = false;
        } else {
            return makeError(int4.error().code, "module " + p.name + ": " + int4.error().message);
        }
        return Ok{};
    }
    auto fq = fakeQuantWeight(p.name, p.weight, w);
    if (!fq) {
        return fq.error();
    }
    p.weight = *fq;
    if (spec.quant->hasActivation) {
        p.activation = spec.quant->activation;
    }
    if (spec.form == LinearForm::TPrime && p.lora) {
        auto lora = fakeQuantFactors(p.name, std::move(*p.lora), w);
        if (!lora) {
            return lora.error();
        }
        p.lora = std::move(*lora);
    }
    return Ok{};
}

// DoraLinearLayer.forward (eval, no dropout): returns result + dora term.
at::Tensor doraAdd(const PreparedLinear& p, const LoraFactors& lora, const at::Tensor& x, const at::Tensor& result) {
    at::Tensor eye = at::eye(lora.a.size(1), lora.a.options());
    at::Tensor loraWeight = at::linear(at::linear(eye, lora.a), lora.b, lora.bBias).t().to(x.scalar_type());
    at::Tensor weight = p.rawWeight.to(x.scalar_type());
    at::Tensor norm = at::linalg_vector_norm(weight + lora.scaling * loraWeight, 2, at::IntArrayRef{1})
                          .to(weight.scalar_type());
    at::Tensor magScale = (*lora.magnitude / norm).view({1, -1});
    at::Tensor loraResult = at::linear(at::linear(x, lora.a), lora.b, lora.bBias);
    at::Tensor base = p.bias ? result - *p.bias : result;
    return result + ((magScale - 1) * base + magScale * loraResult * lora.scaling);
}

}  // namespace

Result<PreparedLinear> prepareLinear(LinearSlot slot, const FormSpec& spec, bool quantize) {
    PreparedLinear p;
    p.name = std::move(slot.name);
    p.form = spec.form;
    p.rawWeight = slot.weight;
    p.weight = slot.weight;
    p.bias = std::move(slot.bias);
    if (slot.lora && mergesAdapter(spec.form)) {
        MergedLinear merged = mergeLora(p.weight, p.bias, *slot.lora);
        p.weight = merged.weight;
        p.rawWeight = merged.weight;
        p.bias = merged.bias;
    } else {
        p.lora = std::move(slot.lora);
    }
    // T, T' and M without a quantization spec are their float versions (PeftModel unmerged,
    // merge_and_unload); FQ and Q have no float meaning.
    const bool needsSpec = spec.form == LinearForm::FQ || spec.form == LinearForm::Q;
    p.quantized = quantize && spec.form != LinearForm::F && (spec.quant || needsSpec);
    if (!p.quantized) {
        return p;
    }
    if (!spec.quant) {
        return makeError(ErrorCode::InvalidInput, "module " + p.name + ": form " +
                                                      std::string(linearFormName(spec.form)) +
                                                      " needs a quantization spec");
    }
    if (auto s = prepareQuantized(p, spec); !s) {
        return s.error();
    }
    return p;
}

Result<at::Tensor> runLinear(const PreparedLinear& p, const at::Tensor& x) {
    at::Tensor input = x;
    if (p.activation) {
        auto q = quant::fakeQuantize(x, *p.activation);
        if (!q) {
            return makeError(q.error().code, "module " + p.name + " activation: " + q.error().message);
        }
        input = *q;
    }
    at::Tensor result;
    if (p.int4) {
        auto y = quant::int4PlainLinear(input, *p.int4, p.bias);
        if (!y) {
            return makeError(y.error().code, "module " + p.name + ": " + y.error().message);
        }
        result = *y;
    } else {
        result = at::linear(input, p.weight, p.bias);
    }
    if (!p.lora) {
        return result;
    }
    const LoraFactors& lora = *p.lora;
    const at::ScalarType resultType = result.scalar_type();
    at::Tensor xl = x.scalar_type() == lora.a.scalar_type() ? x : x.to(lora.a.scalar_type());
    if (lora.magnitude) {
        result = doraAdd(p, lora, xl, result);
    } else {
        result = result + at::linear(at::linear(xl, lora.a), lora.b, lora.bBias) * lora.scaling;
    }
    return result.to(resultType);
}

}  // namespace ql::model
