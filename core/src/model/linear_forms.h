// One Linear in each form of quantlens/model_forms.h (F, FQ, T, T', M, Q): the weights a form
// needs are prepared once per materialisation, then applied with the reference's op order:
//   torchao FakeQuantizedLinear.forward: x = act_fq(x); F.linear(x, fq(W), b)
//   PEFT lora.Linear.forward: r = base(x); x = x.to(A.dtype); r = r + B(A(x)) * s; r.to(base dtype)
//   DoRA (DoraLinearLayer.forward) on top of the base result, unmerged
//   Int4Tensor (Q): int4PlainLinear on the converted weight; an unmerged adapter runs on top of it.
//   IntxUnpackedToInt8Tensor (Q): act_fq(x) (int8 per token, 8da-intx only); F.linear(x, dequantize(W), b).
//   MXTensor / NVFP4Tensor (Q): act_fq(x); F.linear(x, dequantize(W), b), as MX's EMULATED kernel; NVFP4's and MX
//   AUTO's real GEMM (Blackwell) are emulated so: exact quantized values, a high-precision product.
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
    // T': which LoRA factors QAT prepare wrapped (a filter such as in_features >= N may skip one).
    bool quantizeLoraA = true;
    bool quantizeLoraB = true;
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
    bool quantized = false;  // the base runs fake or real quantization
    at::Tensor weight;       // effective base weight (FQ(W), FQ(W'), W, W')
    at::Tensor rawWeight;    // unquantized base weight (DoRA norms use it)
    std::optional<at::Tensor> bias;
    std::optional<LoraFactors> lora;             // unmerged LoRA (F, T, T'); A/B fake-quantized for T'
    std::optional<quant::Int4PlainWeight> int4;  // Q
    // Q with the int4 kernel's dequantized weight already at hand ([out, in] fp32 holding the exact bf16
    // values bf16(bf16(c·s) + z)): the same fp32 product int4PlainLinear runs, without the packing.
    at::Tensor kernelWeight;
    std::optional<quant::FakeQuantSpec> activation;
    std::string note;  // e.g. "stays bfloat16: in_features % 32 != 0"
};

// Prepares `slot` for `spec`. `quantize` false leaves the base float (modules outside the quantized
// set). Errors: fake quant of a weight whose in_features do not divide by the group (torchao fails
// at forward time there too) names the module; missing quant spec for a quantized form.
Result<PreparedLinear> prepareLinear(LinearSlot slot, const FormSpec& spec, bool quantize);

// y = linear in the prepared form; x [..., in] in the model dtype.
Result<at::Tensor> runLinear(const PreparedLinear& linear, const at::Tensor& x);

// x [M, K] · w[N, K]ᵀ in fp32 as independent 64-row chunks of w, each one BLAS call on one thread.
// The bits of every output element then depend on neither how w is split into row blocks nor the
// thread count (a BLAS gives other bits for chunks that are not a multiple of 16 rows, and its own
// threads split N as they like).
at::Tensor fp32ProductInRowChunks(const at::Tensor& x, const at::Tensor& w);

// What runLinear derives from the input alone, kept across the row blocks of one Linear (the
// activation fake quant, lora_A's product). Empty for a new input.
struct LinearInputCache {
    at::Tensor activation;        // act_fq(x)
    at::Tensor loraIn;            // lora_A(x.to(A.dtype))
    const void* loraA = nullptr;  // which lora_A loraIn belongs to
};

// runLinear on a block of output rows: `rows` holds rows [r0, r0 + n) of the weight, bias and lora_B
// (lora_A whole); the result is output features [r0, r0 + n), bit-identical with the same columns of
// runLinear on the whole Linear.
Result<at::Tensor> runLinearRows(const PreparedLinear& rows, const at::Tensor& x, LinearInputCache& cache);

}  // namespace ql::model
