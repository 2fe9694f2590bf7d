#include "model/linear_forms.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include "cuda/cuda_dispatch.h"
#include "model/lora_merge.h"
#include "quant/fake_quant.h"
#include "quant/intx_float8_convert.h"
#include "quant/lora_kernels.h"

namespace ql::model {
namespace {

bool mergesAdapter(LinearForm form) {
    return form == LinearForm::M || form == LinearForm::QM;
}
bool deployed(LinearForm form) {
    return form == LinearForm::Q || form == LinearForm::QM;
}

// cuda::fakeQuantize: the CUDA int4 kernel for weights on a CUDA device, torchao's op sequence otherwise.
Result<at::Tensor> fakeQuantWeight(const std::string& name, const at::Tensor& w, const quant::FakeQuantSpec& spec) {
    auto q = cuda::fakeQuantize(w, spec);
    if (!q) {
        return makeError(q.error().code, "module " + name + ": " + q.error().message);
    }
    return *q;
}

// T': QAT prepare after PEFT turns lora_A / lora_B into FakeQuantizedLinear too, unless its filter
// skipped the factor (form.quantizeLoraA/B); a factor whose in_features do not divide by the group is left float (the
// reference prepares with a filter that skips it: torchao itself would fail at forward time on it).
Result<LoraFactors> fakeQuantFactors(const std::string& name, LoraFactors lora, const FormSpec& form) {
    const quant::FakeQuantSpec& spec = form.quant->weight;
    for (auto [factor, wrapped] : {std::pair{&lora.a, form.quantizeLoraA}, std::pair{&lora.b, form.quantizeLoraB}}) {
        if (!wrapped || (spec.groupSize > 0 && factor->size(1) % spec.groupSize != 0)) {
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
// dequantize() then F.linear (after the per-token activation quant-dequant): torchao
// quantize_/workflows/intx/intx_unpacked_to_int8_tensor.py, its F.linear override.
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

// Q for MX / NVFP4: MXTensor (KernelPreference.EMULATED) and NVFP4Tensor store what to_mx / to_nvfp4 compute from
// the same weight as QAT prepare does, and the EMULATED linear is dequantize() of input and weight, then addmm
// (prototype/mx_formats/mx_tensor.py _addmm_mx_dispatch): the fake path's values. NVFP4's deployed GEMM (and MX
// AUTO's) needs a Blackwell GPU and is emulated the same way (model/linear_forms.h).
bool blockFormat(const quant::FakeQuantSpec& w) {
    return w.kind == quant::FqKind::Mx || w.kind == quant::FqKind::Nvfp4;
}

Status prepareQuantized(PreparedLinear& p, const FormSpec& spec) {
    const quant::FakeQuantSpec& w = spec.quant->weight;
    if (deployed(spec.form) && w.kind == quant::FqKind::IntxWeight) {
        return prepareIntxConverted(p, spec);
    }
    if (deployed(spec.form) && !blockFormat(w) && w.kind != quant::FqKind::Int4Plain) {
        return makeError(ErrorCode::Unsupported, "module " + p.name +
                                                     ": the converted (real) form is implemented "
                                                     "for int4 PLAIN, intx, MX and NVFP4 weights only");
    }
    if (deployed(spec.form) && blockFormat(w)) {
        auto fq = fakeQuantWeight(p.name, p.weight, w);
        if (!fq) {
            return fq.error();
        }
        p.weight = *fq;
        p.activation = spec.quant->activation;
        return Ok{};
    }
    if (deployed(spec.form)) {
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
        auto lora = fakeQuantFactors(p.name, std::move(*p.lora), spec);
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
    at::Tensor norm =
        at::linalg_vector_norm(weight + lora.scaling * loraWeight, 2, at::IntArrayRef{1}).to(weight.scalar_type());
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
    // merge_and_unload); FQ, Q and QM have no float meaning.
    const bool needsSpec = spec.form == LinearForm::FQ || deployed(spec.form);
    p.quantized = quantize && spec.form != LinearForm::F && (spec.quant || needsSpec);
    if (!p.quantized) {
        return p;
    }
    if (!spec.quant) {
        return makeError(
            ErrorCode::InvalidInput,
            "module " + p.name + ": form " + std::string(linearFormName(spec.form)) + " needs a quantization spec");
    }
    if (auto s = prepareQuantized(p, spec); !s) {
        return s.error();
    }
    return p;
}

namespace {

// MKL's per-thread thread count (exported by libtorch_cpu when it bundles MKL; absent otherwise).
extern "C" int MKL_Set_Num_Threads_Local(int) __attribute__((weak));  // mkl.h maps mkl_set_num_threads_local to it

// MKL's fp32 GEMM gives other bits with 2 threads than with 1 for some row counts (M = 5, 11: the
// threads split the work differently); one thread per call makes the product a function of its inputs.
class OneBlasThread {
public:
    OneBlasThread() : m_previous(MKL_Set_Num_Threads_Local ? MKL_Set_Num_Threads_Local(1) : 0) {}
    ~OneBlasThread() {
        if (MKL_Set_Num_Threads_Local) MKL_Set_Num_Threads_Local(m_previous);
    }
    OneBlasThread(const OneBlasThread&) = delete;
    OneBlasThread& operator=(const OneBlasThread&) = delete;

private:
    int m_previous;
};

}  // namespace

namespace {

// fp32 copy of a contiguous CPU bf16 tensor with the plain shift kernel (ATen's conversion of many
// small blocks costs several times more); anything else through ATen.
at::Tensor toFloat(const at::Tensor& t) {
    if (!t.is_cpu() || t.scalar_type() != at::kBFloat16 || !t.is_contiguous()) {
        return t.to(at::kFloat);
    }
    at::Tensor out = at::empty(t.sizes(), t.options().dtype(at::kFloat));
    quant::kernels::bf16ToF32(static_cast<const std::uint16_t*>(t.data_ptr()), out.data_ptr<float>(), t.numel());
    return out;
}

}  // namespace

at::Tensor fp32ProductInRowChunks(const at::Tensor& x, const at::Tensor& w) {
    constexpr std::int64_t kChunk = 64;
    const std::int64_t n = w.size(0);
    at::Tensor y = at::empty({x.size(0), n}, x.options().dtype(at::kFloat));
    const at::Tensor xf = x.to(at::kFloat).contiguous();
    const at::Tensor wf = toFloat(w);
    at::parallel_for(0, (n + kChunk - 1) / kChunk, 1, [&](std::int64_t b, std::int64_t e) {
        c10::InferenceMode inferenceMode;
        const OneBlasThread oneThread;
        for (std::int64_t c = b; c < e; ++c) {
            const std::int64_t r0 = c * kChunk, rows = std::min(kChunk, n - r0);
            y.narrow(1, r0, rows).copy_(at::matmul(xf, wf.narrow(0, r0, rows).t()));
        }
    });
    return y;
}

namespace {

Result<at::Tensor> baseOutput(const PreparedLinear& p, const at::Tensor& input) {
    if (p.kernelWeight.defined()) {  // int4PlainLinear's fp32 product on the dequantized rows
        const std::int64_t k = p.kernelWeight.size(1);
        at::Tensor y = fp32ProductInRowChunks(input.reshape({-1, k}), p.kernelWeight).to(input.scalar_type());
        std::vector<int64_t> shape(input.sizes().begin(), input.sizes().end());
        shape.back() = p.kernelWeight.size(0);
        y = y.reshape(shape);
        return p.bias ? y + *p.bias : y;
    }
    if (p.int4) {
        auto y = cuda::int4PlainLinear(input, *p.int4, p.bias);  // the CUDA kernel for CUDA tensors
        if (!y) {
            return makeError(y.error().code, "module " + p.name + ": " + y.error().message);
        }
        return *y;
    }
    return at::linear(input, p.weight, p.bias);
}

}  // namespace

Result<at::Tensor> runLinearRows(const PreparedLinear& p, const at::Tensor& x, LinearInputCache& cache) {
    at::Tensor input = x;
    if (p.activation) {
        if (!cache.activation.defined()) {
            auto q = quant::fakeQuantize(x, *p.activation);
            if (!q) {
                return makeError(q.error().code, "module " + p.name + " activation: " + q.error().message);
            }
            cache.activation = *q;
        }
        input = cache.activation;
    }
    auto base = baseOutput(p, input);
    if (!base || !p.lora) {
        return base;
    }
    at::Tensor result = *base;
    const LoraFactors& lora = *p.lora;
    const at::ScalarType resultType = result.scalar_type();
    at::Tensor xl = x.scalar_type() == lora.a.scalar_type() ? x : x.to(lora.a.scalar_type());
    if (lora.magnitude) {
        result = doraAdd(p, lora, xl, result);
    } else {
        if (cache.loraA != lora.a.data_ptr() || !cache.loraIn.defined()) {
            cache.loraIn = at::linear(xl, lora.a);
            cache.loraA = lora.a.data_ptr();
        }
        result = result + at::linear(cache.loraIn, lora.b, lora.bBias) * lora.scaling;
    }
    return result.to(resultType);
}

Result<at::Tensor> runLinear(const PreparedLinear& p, const at::Tensor& x) {
    LinearInputCache cache;
    return runLinearRows(p, x, cache);
}

}  // namespace ql::model
