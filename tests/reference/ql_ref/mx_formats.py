"""Golden data for QuantLens' MX (MXFP8 / MXFP4) and NVFP4 kernels (torchao 0.18.0 on CPU).

Layout written by build(out):
  mx_formats/manifest.json        groups -> cases (shape, dtype, kind, elem, mode, block, error?)
  mx_formats/fake_quant.safetensors  per case i: "in.<i>", "scale.<i>" (biased E8M0 as uint8),
                                  "qdata.<i>" (fp8 codes / packed fp4 as uint8), "out.<i>" (dequantized)
  mx_formats/linear.safetensors   MXFakeQuantizedLinear forward: "x.<i>", "w.<i>", "b.<i>", "y.<i>"
  mx_formats/convert.safetensors  quantize_(Linear, MXDynamicActivationMXWeightConfig): "w.<i>", "qdata.<i>",
                                  "scale.<i>" (unswizzled, uint8), "dq.<i>", "x.<i>", "y.<i>"
  mx_formats/nvfp4.safetensors    NVFP4Tensor.to_nvfp4: "in.<i>", "scale.<i>" (e4m3 as uint8), "qdata.<i>",
                                  "pts.<i>" (fp32 per-tensor scale, when used), "out.<i>" (dequantize)
  mx_formats/mx_scaling/          verify scenario on checkpoints/llama3_tied_bf16 (no adapter): train.yaml MXFP4
                                  RCEIL, eval.yaml MXFP4 FLOOR (both EMULATED); expected.json: per module the
                                  effective weights' max|Δ| / differing, the logits gap of the two QAT-prepared
                                  models' forwards, and the eval side converted (QATConfig step="convert") vs
                                  its fake-quant forward; index.json: the prompt ids; logits.safetensors:
                                  each side's bf16 logits ("train.<p>", "eval.<p>") and the prompt ids ("ids.<p>")

Where expected values come from: torchao 0.18.0 itself on CPU, nothing re-implemented.
- fake quant: MXTensor.to_mx(x2d, elem, block, scaling_mode, KernelPreference.EMULATED) -- the call
  MXFakeQuantizedLinear's forward makes for weight and (x.view(-1, K)) activation -- and its
  .dequantize(x.dtype), which is what the EMULATED _addmm_mx_dispatch multiplies.
- linear: QATConfig(MXDynamicActivationMXWeightConfig(..., kernel_preference=EMULATED), step="prepare")
  on an nn.Linear, forward on CPU. (KernelPreference.AUTO, the base config's default, needs torch._scaled_mm
  with block scales: Blackwell only; on CPU its forward raises.)
- convert: QATConfig(same base config, step="convert") after prepare; the weight MXTensor's qdata, its
  swizzled scale unswizzled with torchao's own from_blocked, dequantize(bf16), and the converted forward.
- nvfp4: NVFP4Tensor.to_nvfp4 (per_tensor_scale from per_tensor_amax_to_scale(amax) as
  NVFP4FakeQuantizedLinear computes it, or none) and .dequantize(x.dtype). NVFP4's QAT forward and matmul
  need a Blackwell GPU (_addmm_nvfp4_dispatch), so no forward is recorded here.
"""
from pathlib import Path

import torch
import torch.nn as nn
from safetensors.torch import save_file

from ._common import seed_all, student_t, write_json

ELEMS = {"float8_e4m3fn": torch.float8_e4m3fn, "float8_e5m2": torch.float8_e5m2,
         "float4_e2m1fn_x2": torch.float4_e2m1fn_x2}
MODES = ["FLOOR", "RCEIL", "CEIL", "EVEN"]
KINDS = ["normal", "student_t", "zeros", "tiny", "huge", "inf_nan", "wide_range", "pow2_edges", "fp4_ties",
         "mixed_blocks"]
WEIGHT_SHAPES = [(8, 32), (4, 64), (16, 96), (3, 128), (32, 256), (1, 32)]
ACT_SHAPES = [(2, 3, 64), (1, 5, 32), (4, 2, 128)]


def block_values(kind, rows, k, block, gen):
    """fp32 values of shape [rows, k] exercising one corner of the MX scale / element rounding."""
    if kind == "normal":
        scale = [1e-3, 0.02, 1.0, 30.0][int(torch.randint(0, 4, (1,), generator=gen))]
        return torch.randn(rows, k, generator=gen) * scale
    if kind == "student_t":
        return student_t((rows, k), gen, df=3, scale=0.05)
    if kind == "zeros":
        v = torch.zeros(rows, k)
        v[:, 1::3] = -0.0
        v[:, k // 2:] = torch.randn(rows, k - k // 2, generator=gen)  # zero blocks beside live ones
        return v
    if kind == "tiny":  # bf16 / fp32 subnormals and the smallest normals
        e = torch.randint(-133, -120, (rows, k), generator=gen).float()
        v = torch.sign(torch.randn(rows, k, generator=gen)) * torch.exp2(e)
        v[:, ::5] = 0.0
        return v
    if kind == "huge":  # up to bf16 max: E8M0 clamp at 2^127, fp8 saturation
        v = torch.randn(rows, k, generator=gen) * 1e37
        v[:, ::7] = 3.3895313892515355e38 * torch.sign(torch.randn(rows, (k + 6) // 7, generator=gen))
        return v
    if kind == "inf_nan":
        v = torch.randn(rows, k, generator=gen)
        n = rows * k
        idx = torch.randperm(n, generator=gen)[: max(3, n // 40)]
        flat = v.view(-1)
        flat[idx[0::3]] = float("inf")
        flat[idx[1::3]] = float("-inf")
        flat[idx[2::3]] = float("nan")
        return v
    if kind == "wide_range":
        e = torch.randint(-60, 61, (rows, k), generator=gen).float()
        return torch.randn(rows, k, generator=gen) * torch.exp2(e)
    if kind == "pow2_edges":  # block amax exactly 2^e, or 2^e times (1 + one bf16 ulp), or just below
        v = torch.randn(rows, k, generator=gen) * 0.25
        nb = k // block if k % block == 0 else k // block + 1
        for j in range(nb):
            e = int(torch.randint(-10, 11, (1,), generator=gen))
            f = [1.0, 1.0078125, 0.99609375, 1.5, 1.75][j % 5]
            v[:, min(j * block, k - 1)] = (2.0 ** e) * f
            v[:, j * block + 1: (j + 1) * block] *= 2.0 ** e
        return v
    if kind == "fp4_ties":  # multiples of 0.25 of a power of two: e2m1 / e4m3 midpoints and exact grid values
        q = torch.randint(-24, 25, (rows, k), generator=gen).float() * 0.25
        e = int(torch.randint(-4, 5, (1,), generator=gen))
        return q * 2.0 ** e
    if kind == "mixed_blocks":  # per block: zeros, tiny, normal, huge in the same row
        v = torch.randn(rows, k, generator=gen)
        for j in range(0, k, block):
            v[:, j: j + block] *= [0.0, 1e-30, 1.0, 1e30][(j // block) % 4]
        return v
    raise ValueError(kind)


def u8(t):
    return t.contiguous().view(torch.uint8)


def _mx_kwargs(mode):
    from torchao.prototype.mx_formats.config import ScaleCalculationMode
    from torchao.quantization.quantize_.common.kernel_preference import KernelPreference
    return getattr(ScaleCalculationMode, mode), KernelPreference.EMULATED


def fake_quant_cases():
    """(elem, mode, kind, dtype, shape, block, ragged) for every element dtype x scale mode."""
    out, i = [], 0
    for elem in ELEMS:
        for mode in MODES:
            for j in range(24):
                kind = KINDS[j % len(KINDS)]
                dtype = torch.float32 if j % 4 == 3 else torch.bfloat16
                act = j % 3 == 2
                shape = ACT_SHAPES[(j // 3) % len(ACT_SHAPES)] if act else WEIGHT_SHAPES[(j // 2) % len(WEIGHT_SHAPES)]
                block = 32 if j < 20 else [16, 64, 32, 32][j - 20]
                if block == 64 and shape[-1] % 64:
                    shape = (*shape[:-1], 128)
                ragged = j >= 22
                if ragged:
                    shape = (*shape[:-1], shape[-1] + 8)
                out.append((elem, mode, kind, dtype, shape, block, ragged))
                i += 1
    return out


def build_fake_quant(out_dir, gen):
    from torchao.prototype.mx_formats.mx_tensor import MXTensor
    tensors, entries = {}, []
    for i, (elem, mode, kind, dtype, shape, block, ragged) in enumerate(fake_quant_cases()):
        k = shape[-1]
        rows = 1
        for s in shape[:-1]:
            rows *= s
        x = block_values(kind, rows, k, block, gen).to(dtype).reshape(shape).contiguous()
        entry = {"index": i, "elem": elem, "mode": mode, "kind": kind, "dtype": str(dtype).replace("torch.", ""),
                 "shape": list(shape), "block_size": block}
        tensors[f"in.{i}"] = x
        scaling, pref = _mx_kwargs(mode)
        try:
            mx = MXTensor.to_mx(x.view(-1, k), ELEMS[elem], block, scaling, pref)
        except AssertionError as e:
            assert ragged, f"case {i}: torchao refused a regular case: {e!r}"
            entry["error"] = f"AssertionError: {(str(e).splitlines() or [''])[0][:160]}"
            entries.append(entry)
            continue
        assert not ragged, f"case {i}: torchao accepted K % block != 0"
        tensors[f"scale.{i}"] = u8(mx.scale)
        tensors[f"qdata.{i}"] = u8(mx.qdata)
        tensors[f"out.{i}"] = mx.dequantize(x.dtype).reshape(shape).contiguous()
        entries.append(entry)
    save_file(tensors, str(out_dir / "fake_quant.safetensors"))
    return entries


def _mx_base_config(elem, mode):
    from torchao.prototype.mx_formats import MXDynamicActivationMXWeightConfig
    scaling, pref = _mx_kwargs(mode)
    return MXDynamicActivationMXWeightConfig(activation_dtype=ELEMS[elem], weight_dtype=ELEMS[elem],
                                             kernel_preference=pref, scaling_mode=scaling)


def _linear(k, n, bias, gen, kind):
    lin = nn.Linear(k, n, bias=bias, dtype=torch.bfloat16)
    with torch.no_grad():
        lin.weight.copy_(block_values(kind, n, k, 32, gen).to(torch.bfloat16))
        if bias:
            lin.bias.copy_((torch.randn(n, generator=gen) * 0.1).to(torch.bfloat16))
    return lin


LINEAR_SHAPES = [((2, 3, 64), 16), ((1, 7, 128), 8), ((5, 96), 24), ((4, 4, 256), 32)]
LINEAR_KINDS = ["normal", "student_t", "mixed_blocks", "pow2_edges"]


def build_linear_and_convert(out_dir, gen):
    from torchao.prototype.mx_formats.utils import from_blocked
    from torchao.quantization import quantize_
    from torchao.quantization.qat import QATConfig
    lin_t, conv_t, lin_e, conv_e = {}, {}, [], []
    i = 0
    for elem in ELEMS:
        for mode in MODES:
            for j in range(2):
                xshape, n = LINEAR_SHAPES[(i + j) % len(LINEAR_SHAPES)]
                k = xshape[-1]
                bias = (i + j) % 2 == 0
                kind = LINEAR_KINDS[(i + j) % len(LINEAR_KINDS)]
                lin = _linear(k, n, bias, gen, kind)
                x = (torch.randn(xshape, generator=gen) * 0.5).to(torch.bfloat16)
                w = lin.weight.detach().clone()
                model = nn.Sequential(lin)
                base = _mx_base_config(elem, mode)
                quantize_(model, QATConfig(base, step="prepare"))
                assert type(model[0]).__name__ == "MXFakeQuantizedLinear"
                with torch.no_grad():
                    y = model(x)
                entry = {"index": i, "elem": elem, "mode": mode, "kind": kind, "x_shape": list(xshape),
                         "out_features": n, "bias": bias}
                lin_t[f"x.{i}"], lin_t[f"w.{i}"], lin_t[f"y.{i}"] = x, w, y.contiguous()
                if bias:
                    lin_t[f"b.{i}"] = model[0].bias.detach().clone()
                lin_e.append(entry)
                quantize_(model, QATConfig(base, step="convert"))
                qw = model[0].weight
                assert type(qw).__name__ == "MXTensor" and qw.is_swizzled_scales
                with torch.no_grad():
                    yc = model(x)
                scale = from_blocked(qw.scale, n, k // qw.block_size).view(n, k // qw.block_size)
                conv_t[f"w.{i}"], conv_t[f"x.{i}"] = w, x
                conv_t[f"qdata.{i}"], conv_t[f"scale.{i}"] = u8(qw.qdata), u8(scale)
                conv_t[f"dq.{i}"] = qw.dequantize(torch.bfloat16).contiguous()
                conv_t[f"y.{i}"] = yc.contiguous()
                if bias:
                    conv_t[f"b.{i}"] = model[0].bias.detach().clone()
                conv_e.append({**entry, "convert_equals_prepare": bool(torch.equal(y, yc))})
                i += 1
    save_file(lin_t, str(out_dir / "linear.safetensors"))
    save_file(conv_t, str(out_dir / "convert.safetensors"))
    return lin_e, conv_e


NVFP4_KINDS = ["normal", "student_t", "zeros", "tiny", "huge", "wide_range", "fp4_ties", "mixed_blocks"]
NVFP4_SHAPES = [(16, 16), (8, 64), (32, 128), (16, 48), (4, 256)]


def build_nvfp4(out_dir, gen):
    from torchao.prototype.mx_formats.nvfp4_tensor import NVFP4Tensor, per_tensor_amax_to_scale
    tensors, entries = {}, []
    for i in range(48):
        kind = NVFP4_KINDS[i % len(NVFP4_KINDS)]
        n, k = NVFP4_SHAPES[(i // 2) % len(NVFP4_SHAPES)]
        dtype = torch.float32 if i % 5 == 4 else torch.bfloat16
        per_tensor = i % 2 == 0
        ragged = i >= 46
        if ragged:
            k += 8
        x = block_values(kind, n, k, 16, gen).to(dtype).contiguous()
        entry = {"index": i, "kind": kind, "dtype": str(dtype).replace("torch.", ""), "shape": [n, k],
                 "per_tensor_scale": per_tensor}
        tensors[f"in.{i}"] = x
        pts = per_tensor_amax_to_scale(torch.max(torch.abs(x))) if per_tensor else None
        try:
            t = NVFP4Tensor.to_nvfp4(x, per_tensor_scale=pts, is_swizzled_scales=False, use_triton_kernel=False)
        except AssertionError as e:
            assert ragged, f"nvfp4 case {i}: torchao refused a regular case: {e!r}"
            entry["error"] = f"AssertionError: {(str(e).splitlines() or [''])[0][:160]}"
            entries.append(entry)
            continue
        assert not ragged, f"nvfp4 case {i}: torchao accepted K % 16 != 0"
        tensors[f"scale.{i}"] = u8(t.scale)
        tensors[f"qdata.{i}"] = u8(t.qdata)
        if pts is not None:
            tensors[f"pts.{i}"] = pts.reshape(1).contiguous()
        tensors[f"out.{i}"] = t.dequantize(x.dtype).contiguous()
        entries.append(entry)
    save_file(tensors, str(out_dir / "nvfp4.safetensors"))
    return entries


SCENARIO_MODEL = "llama3_tied_bf16"
SCENARIO_RECIPE = """model: ../../checkpoints/{model}
dtype: bfloat16
device_numerics: cpu
torchao_version: "0.18"
quantization: {{scheme: mx_dynamic_activation_mx_weight, weight_dtype: float4_e2m1fn_x2, kernel_preference: emulated,
  scaling_mode: {mode}}}
"""


@torch.no_grad()
def build_scenario(out, ck, gen):
    """mx_scaling: the notebook's steps for two MX QAT recipes that differ only in scaling_mode."""
    import copy
    from torchao.quantization import quantize_
    from torchao.quantization.qat import QATConfig
    from transformers import AutoModelForCausalLM
    d = out / "mx_scaling"
    d.mkdir(parents=True)
    modes = {"train": "RCEIL", "eval": "FLOOR"}
    models = {}
    for label, mode in modes.items():
        (d / f"{label}.yaml").write_text(SCENARIO_RECIPE.format(model=SCENARIO_MODEL, mode=mode.lower()))
        m = AutoModelForCausalLM.from_pretrained(ck / SCENARIO_MODEL, dtype=torch.bfloat16,
                                                 attn_implementation="eager").eval()
        quantize_(m, QATConfig(_mx_base_config("float4_e2m1fn_x2", mode), step="prepare"))
        models[label] = m
    ids = [torch.randint(0, 1000, (1, n), generator=gen) for n in (9, 17)]
    from torchao.prototype.mx_formats.mx_tensor import MXTensor

    def effective(model, mode):
        scaling, pref = _mx_kwargs(mode)
        return {n: MXTensor.to_mx(m.weight, torch.float4_e2m1fn_x2, 32, scaling, pref).dequantize(torch.bfloat16)
                for n, m in model.named_modules() if type(m).__name__ == "MXFakeQuantizedLinear"}
    wt, we = effective(models["train"], "RCEIL"), effective(models["eval"], "FLOOR")
    weights = {k: {"max_abs": float((wt[k].double() - we[k].double()).abs().max()), "differing": int((wt[k] != we[k]).sum())}
               for k in sorted(wt)}
    per_side = {f"{label}.{p}": m(input_ids=x).logits[0].contiguous() for label, m in models.items()
                for p, x in enumerate(ids)}
    save_file({**per_side, **{f"ids.{p}": x[0].contiguous() for p, x in enumerate(ids)}}, str(d / "logits.safetensors"))
    lt = torch.cat([per_side[f"train.{p}"].float() for p in range(len(ids))])
    le = torch.cat([per_side[f"eval.{p}"].float() for p in range(len(ids))])
    dl = (lt - le).abs()
    real = copy.deepcopy(models["eval"])
    quantize_(real, QATConfig(_mx_base_config("float4_e2m1fn_x2", "FLOOR"), step="convert"))
    lr = torch.cat([real(input_ids=x).logits[0].float() for x in ids])
    real_mods = dict(real.named_modules())
    convert = {}
    for name, fw in we.items():
        qw = real_mods[name].weight
        dq = qw.dequantize(torch.bfloat16)
        convert[name] = {"weight_type": type(qw).__name__, "dequant_max_abs": float((fw.double() - dq.double()).abs().max()),
                         "dequant_differing": int((fw != dq).sum())}
    dr = (le - lr).abs()
    write_json(d / "index.json", {"prompt_ids": [x[0].tolist() for x in ids]})
    write_json(d / "expected.json", {
        "weights": weights,
        "logits": {"max_abs": float(dl.max()), "mean_abs": float(dl.mean()),
                   "top1": float((lt.argmax(-1) == le.argmax(-1)).double().mean())},
        "convert": convert,
        "deployed": {"max_abs": float(dr.max()), "argmax_agreement": float((le.argmax(-1) == lr.argmax(-1)).double().mean())}})


def build(out: Path) -> None:
    out = Path(out)
    gen = seed_all(20260820)
    fq = build_fake_quant(out, gen)
    lin, conv = build_linear_and_convert(out, gen)
    nv = build_nvfp4(out, gen)
    import transformers
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    build_scenario(out, out.parent / "checkpoints", gen)
    write_json(out / "manifest.json", {
        "torchao": __import__("torchao").__version__,
        "source": "torchao 0.18.0 on CPU: MXTensor.to_mx/dequantize (EMULATED), MXFakeQuantizedLinear forward, "
                  "QATConfig convert to MXTensor, NVFP4Tensor.to_nvfp4/dequantize",
        "fake_quant": fq, "linear": lin, "convert": conv, "nvfp4": nv})
