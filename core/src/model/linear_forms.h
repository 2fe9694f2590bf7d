// One Linear in each form of DESIGN.md (F, FQ, T, T', M, Q): the weights a form needs are
// prepared once per materialisation, then applied with the reference's op order:
//   torchao FakeQuantizedLinear.forward: x = act_fq(x); F.linear(x, fq(W), b)
//   PEFT lora.Linear.forward: r = base(x); x = x.to(A.dtype); r = r + B(A(x)) * s; r.to(base dtype)
//   DoRA (DoraLinearLayer.forward) on top of the base result, unmerged
//   Int4Tensor (Q): int4PlainLinear on the converted (merged) weight.
//   IntxUnpackedToInt8Tensor (Q): act_fq(x) (int8 per token, 8da-intx only); F.linear(x, dequantize(W), b).
#pragma once

#include <ATen/ATen.h>

#include <optional>
#include <string>

#include "model/adapter_weights.h"
#include "quant/fake_quant_spec.h"
#include "quant/int4_convert.h"
#include "quantlens/model_forms.h"
#include "quantlens/result.h"

namespace ql::model {

// How one side runs its Linears.
struct FormSpec {
    LinearForm form = LinearForm::F;
    std::optional<quant::LinearFakeQuant> quant;  // required by FQ, Q; T, T', M without it run float
};

// A Linear as loaded: base weight [out, in] (may alias the mapped file; never written), bias,
// LoRA factors when the adapter targets it.
struct LinearSlot {
    std::string name;
    at::Tensor weight;
    std::optional<at::Tensor> bias;
    std::optional<LoraFactors> lora;
};

struct PreparedLinear {
    std::string name;
    LinearForm form = LinearForm::F;
    bool quantized = false;                     // the base runs fake or real quantization
    at::Tensor weight;                          // effective base weight (FQ(W), FQ(W'), W, W')
    at::Tensor rawWeight;                       // unquantized base weight (DoRA norms use it)
    std::optional<at::Tensor> bias;
    std::optional<LoraFactors> lora;            // unmerged LoRA (F, T, T'); A/B fake-quantized for T'
    std::optional<quant::Int4PlainWeight> int4; // Q
    std::optional<quant::FakeQuantSpec> activation;
    std::string note;                           // e.g. "stays bfloat16: in_features % 32 != 0"
};

// Prepares `slot` for `spec`. `quantize` false leaves the base float (modules outside the quantized
// set). Errors: fake quant of a weight whose in_features do not divide by the group (torchao fails
// at forward time there too) names the module; missing quant spec for a quantized form.
Result<PreparedLinear> prepareLinear(LinearSlot slot, const FormSpec& spec, bool quantize);

// y = linear in the prepared form; x [..., in] in the model dtype.
Result<at::Tensor> runLinear(const PreparedLinear& linear, const at::Tensor& x);

}  // namespace ql::model
