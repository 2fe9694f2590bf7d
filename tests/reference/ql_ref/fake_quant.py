"""Golden data for QuantLens' fake quantizers and int4 convert (torchao 0.18.0 on CPU).

Layout written by build(out):
  fake_quant/manifest.json               schemes -> cases (shape, dtype, kind, parameters, error?)
  fake_quant/<scheme>.safetensors        "in.<i>" and "out.<i>" per case (out absent when torchao raises)
  fake_quant/convert_int4.safetensors    int4 PLAIN convert: weights, codes, qdata, scale, zero_point, x, y
  fake_quant/convert_manifest.json

Where expected values come from (also written into the manifest, field "source"):
- "*_cpu" schemes: torchao 0.18.0 itself: the fake quantizer modules that QATConfig(base, step="prepare")
  attaches to an nn.Linear (weight_fake_quantizer / activation_fake_quantizer), run on CPU.
- "*_cuda" schemes: CUDA semantics cannot run here (no GPU). Expected values come from the Python
  mirror below, which spells out PyTorch CUDA's `tensor / python_scalar` as a multiply by the fp32
  reciprocal fl32(1/d) computed in opmath (fp32), rounded to the tensor dtype. The same mirror with true
  division is asserted bit-identical to torchao on every CPU case, so the mirror follows torchao's op order.
- "*_v017" schemes: torchao < 0.18 semantics reproduced through torchao 0.18.0 code: Int4 fake quant with
  the group size forced to 128 (pytorch/ao#4518), Intx / int8-activation eps = finfo(dtype).eps passed
  explicitly to IntxFakeQuantizeConfig (pytorch/ao#4534).
- convert: mslk (the package torchao 0.18 calls for int4_row_quantize_zp / pack_int4) is CUDA-only and
  not installed; both functions are transcribed from FBGEMM gen_ai quantize.py (numerics identical to
  mslk/quantize/shuffle.py) and injected into torchao's int4_tensor module, then torchao's own quantize_
  with Int4WeightOnlyConfig builds the Int4Tensor. torchao has no CPU matmul for PLAIN Int4Tensor, so
  `y` is the Python re-implementation of the deployed kernel arithmetic (bf16 dequant, fp32 accumulate,
  bf16 bias add).
"""
import math
from pathlib import Path

import torch
import torch.nn as nn
from safetensors.torch import save_file

from ._common import seed_all, student_t, write_json

KINDS = ["normal", "student_t", "const_groups", "outlier", "zeros", "denormal", "inf_nan", "wide_range"]
N_CASES = 208  # per scheme, plus the ragged-K cases


# ----------------------------------------------------------------------------------------------
# inputs
def make_values(kind: str, rows: int, k: int, g: int, gen: torch.Generator) -> torch.Tensor:
    if kind == "normal":
        scale = [1e-3, 0.02, 1.0, 30.0][int(torch.randint(0, 4, (1,), generator=gen))]
        return torch.randn(rows, k, generator=gen) * scale
    if kind == "student_t":
        return student_t((rows, k), gen, df=3, scale=0.05)
    if kind == "const_groups":
        base = torch.randn(rows, (k + g - 1) // g, generator=gen)
        v = base.repeat_interleave(g, dim=1)[:, :k].clone()
        v[0, :] = v[0, :1]  # at least one fully constant row
        return v
    if kind == "outlier":
        v = torch.randn(rows, k, generator=gen) * 0.02
        for j in range(0, k, g):
            pos = j + int(torch.randint(0, min(g, k - j), (1,), generator=gen))
            v[:, pos] *= 200.0
        return v
    if kind == "zeros":
        v = torch.zeros(rows, k)
        v[:, ::3] = -0.0
        return v
    if kind == "denormal":
        v = torch.randn(rows, k, generator=gen) * 1e-39
        v[:, ::4] = 0.0
        return v
    if kind == "inf_nan":
        v = torch.randn(rows, k, generator=gen)
        n = rows * k
        idx = torch.randperm(n, generator=gen)[: max(3, n // 50)]
        flat = v.view(-1)
        flat[idx[0::3]] = float("inf")
        flat[idx[1::3]] = float("-inf")
        flat[idx[2::3]] = float("nan")
        return v
    if kind == "wide_range":
        e = torch.randint(-20, 21, (rows, k), generator=gen).float()
        return torch.randn(rows, k, generator=gen) * torch.exp2(e)
    raise ValueError(kind)


def case_list(n, dtypes, groups, rows_choices=(1, 2, 3, 4, 7, 8), mults=(1, 2, 3, 4), ragged=0):
    """(kind, dtype, group, rows, k, ragged) tuples; `ragged` extra cases with K % group != 0."""
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        dtype = dtypes[(i // len(KINDS)) % len(dtypes)]
        g = groups[(i // 16) % len(groups)]
        rows = rows_choices[(i // 3) % len(rows_choices)]
        k = g * mults[(i // 5) % len(mults)] if g > 0 else [16, 40, 96, 130][(i // 5) % 4]
        out.append((kind, dtype, g, rows, k, False))
    for i in range(ragged):
        g = groups[i % len(groups)]
        gg = g if g > 0 else 32
        out.append((KINDS[i % 2], dtypes[i % len(dtypes)], g, 3, gg * 2 + 2 * (i + 1), True))
    return out


# ----------------------------------------------------------------------------------------------
# division semantics
def div_cpu(t: torch.Tensor, d: float) -> torch.Tensor:
    return t / d


def div_cuda(t: torch.Tensor, d: float) -> torch.Tensor:
    """PyTorch CUDA div_true with a CPU-scalar divisor: a * (opmath(1) / opmath(d)) in fp32."""
    inv = torch.tensor(1.0, dtype=torch.float32) / torch.tensor(float(d), dtype=torch.float32)
    return (t.to(torch.float32) * inv).to(t.dtype)


# ----------------------------------------------------------------------------------------------
# Python mirror of torchao 0.18.0's eager op sequences (fake_quantizer.py, quant_primitives.py)
def mirror_int4(w, g, div):
    wg = w.to(torch.float32).view(w.shape[0], -1, g)
    mx = torch.amax(wg, dim=-1, keepdim=True)
    mn = torch.amin(wg, dim=-1, keepdim=True)
    s = div(torch.clamp(mx - mn, min=1e-6), 15)
    z = mn + s * 8
    fq = torch.round((wg - mn) / s).clamp(0, 15)
    fq = fq - 8
    fq = fq * s + z
    return fq.view(w.shape).to(w.dtype)


def mirror_intx_weight(x, bits, g, eps, div):
    qmin, qmax = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    xg = x.view(x.shape[0], -1, g)
    mn = torch.amin(xg, dim=[2])
    mx = torch.amax(xg, dim=[2])
    mn_neg = torch.min(mn, torch.zeros_like(mn))
    mx_pos = torch.max(mx, torch.zeros_like(mx))
    mx_pos = torch.max(-mn_neg, mx_pos)
    scale = div(mx_pos, float(qmax - qmin) / 2)
    zp = torch.full_like(scale, int((qmax + qmin + 1) / 2))
    scale = torch.clamp(scale, min=eps)
    zp = zp.to(torch.int32)
    s3 = scale.view(x.shape[0], -1, 1)
    z3 = zp.view(x.shape[0], -1, 1)
    q = torch.clamp(torch.round(xg * (1.0 / s3)) + z3, qmin, qmax)
    dq = q.to(x.dtype, copy=True)
    dq = dq - z3.to(x.dtype)
    dq = dq * s3
    return dq.view(x.shape).to(x.dtype)


def mirror_act(x, eps, div):
    qmin, qmax = -128, 127
    mn = torch.amin(x, dim=[1])
    mx = torch.amax(x, dim=[1])
    mn_neg = torch.min(mn, torch.zeros_like(mn))
    mx_pos = torch.max(mx, torch.zeros_like(mx))
    scale = div(mx_pos - mn_neg, float(qmax - qmin))
    scale = torch.clamp(scale, min=eps)
    zp = qmin - torch.round(mn_neg / scale)
    zp = torch.clamp(zp, qmin, qmax).to(torch.int32)
    s2, z2 = scale.view(-1, 1), zp.view(-1, 1)
    q = torch.clamp(torch.round(x * (1.0 / s2)) + z2, qmin, qmax)
    dq = q.to(x.dtype, copy=True)
    dq = dq - z2.to(x.dtype)
    dq = dq * s2
    return dq.to(x.dtype)


def mirror_float8(x, per_row, lb, ub, div, f8=torch.float8_e4m3fn, out_dtype=None):
    qmax = torch.finfo(f8).max
    max_abs = x.abs().amax(dim=[1], keepdim=True) if per_row else x.abs().amax(dim=[0, 1], keepdim=True)
    if lb is not None or ub is not None:
        max_abs = torch.clamp(max_abs, min=lb, max=ub)
    scale = div(max_abs, qmax).to(torch.float32)
    t = x.to(torch.float32) / scale
    t = t.clamp(min=-qmax, max=qmax).to(f8)
    return (t.to(torch.float32) * scale).to(out_dtype or x.dtype)


def mirror_float8_int4(w, div):
    g = 128
    w8 = mirror_float8(w, True, 1e-12, None, div)
    wg = w8.view(w8.shape[0], -1, g)
    max_abs = torch.amax(torch.abs(wg), dim=-1, keepdim=False)
    scale = torch.clamp(div(max_abs, 8), min=1e-6)
    zp = torch.zeros_like(scale)
    s3, z3 = scale.view(w.shape[0], -1, 1), zp.view(w.shape[0], -1, 1)
    q = torch.clamp(torch.round(wg * (1.0 / s3)) + z3, -8, 7)
    dq = q.to(w8.dtype, copy=True)
    dq = dq - z3.to(w8.dtype)
    dq = dq * s3
    return dq.view(w.shape).to(w8.dtype).to(w.dtype)


# ----------------------------------------------------------------------------------------------
# torchao 0.18.0 fake quantizers, built by the QATConfig prepare path on an nn.Linear
_PREPARED = {}


def prepared_linear(key, base_config, in_features):
    from torchao.quantization import quantize_
    from torchao.quantization.qat import QATConfig
    if key not in _PREPARED:
        model = nn.Sequential(nn.Linear(in_features, 8, bias=False, dtype=torch.bfloat16))
        quantize_(model, QATConfig(base_config, step="prepare"))
        _PREPARED[key] = model[0]
    return _PREPARED[key]


def intx_dtype(bits):
    return getattr(torch, f"int{bits}") if bits < 8 else torch.int8


def granularity(g):
    from torchao.quantization.granularity import PerAxis, PerGroup
    return PerAxis(0) if g == 0 else PerGroup(g)


def tao_int4(x, p):
    from torchao.quantization import Int4WeightOnlyConfig
    g = p["torchao_group"]
    lin = prepared_linear(("int4", g), Int4WeightOnlyConfig(group_size=g), g)
    return lin.weight_fake_quantizer(x)


def tao_intx_weight(x, p):
    from torchao.quantization import IntxWeightOnlyConfig
    from torchao.quantization.qat import IntxFakeQuantizeConfig
    from torchao.quantization.qat.fake_quantizer import FakeQuantizerBase
    bits, g = p["bits"], p["group_size"]
    if p.get("eps") == "dtype_eps":  # torchao < 0.18 default
        cfg = IntxFakeQuantizeConfig(intx_dtype(bits), granularity(g), is_symmetric=True, scale_precision=None,
                                     eps=torch.finfo(x.dtype).eps)
        return FakeQuantizerBase.from_config(cfg)(x)
    lin = prepared_linear(("intx", bits, g),
                          IntxWeightOnlyConfig(weight_dtype=intx_dtype(bits), granularity=granularity(g)),
                          g if g else 64)
    return lin.weight_fake_quantizer(x)


def tao_int8da_weight(x, p):
    from torchao.quantization import Int8DynamicActivationIntxWeightConfig
    bits, g = p["bits"], p["group_size"]
    lin = prepared_linear(("8da", bits, g), Int8DynamicActivationIntxWeightConfig(
        weight_dtype=intx_dtype(bits), weight_granularity=granularity(g)), g if g else 64)
    return lin.weight_fake_quantizer(x)


def tao_int8_act(x, p):
    from torchao.quantization import Int8DynamicActivationIntxWeightConfig
    from torchao.quantization.qat import IntxFakeQuantizeConfig
    from torchao.quantization.qat.fake_quantizer import FakeQuantizerBase
    if p.get("eps") == "dtype_eps":
        cfg = IntxFakeQuantizeConfig(torch.int8, "per_token", is_symmetric=False, scale_precision=None,
                                     eps=torch.finfo(x.dtype).eps)
        return FakeQuantizerBase.from_config(cfg)(x)
    lin = prepared_linear(("8da-act",), Int8DynamicActivationIntxWeightConfig(
        weight_dtype=torch.int4, weight_granularity=granularity(32)), 32)
    return lin.activation_fake_quantizer(x)


def _f8_linear(per_row):
    from torchao.quantization import Float8DynamicActivationFloat8WeightConfig
    from torchao.quantization.granularity import PerRow, PerTensor
    gran = PerRow() if per_row else PerTensor()
    return prepared_linear(("f8", per_row), Float8DynamicActivationFloat8WeightConfig(granularity=gran), 64)


def tao_float8_weight(x, p):
    return _f8_linear(p["per_row"]).weight_fake_quantizer(x)


def tao_float8_act(x, p):
    return _f8_linear(p["per_row"]).activation_fake_quantizer(x)


def tao_float8_int4(x, p):
    from torchao.quantization import Float8DynamicActivationInt4WeightConfig
    lin = prepared_linear(("f8i4",), Float8DynamicActivationInt4WeightConfig(), 128)
    return lin.weight_fake_quantizer(x)


SMALLEST_NORMAL = "smallest_normal"


def eps_value(p, dtype):
    return torch.finfo(dtype).eps if p.get("eps") == "dtype_eps" else torch.finfo(dtype).smallest_normal


MIRRORS = {
    "int4": lambda x, p, div: mirror_int4(x, p["torchao_group"], div),
    "intx_weight": lambda x, p, div: mirror_intx_weight(x, p["bits"], p["group_size"] or x.shape[1],
                                                        eps_value(p, x.dtype), div),
    "int8_act": lambda x, p, div: mirror_act(x, eps_value(p, x.dtype), div),
    "float8_weight": lambda x, p, div: mirror_float8(x, p["per_row"], None, None, div),
    "float8_act": lambda x, p, div: mirror_float8(x, p["per_row"], None, None, div),
    "float8_int4": lambda x, p, div: mirror_float8_int4(x, div),
}
TORCHAO = {"int4": tao_int4, "intx_weight": tao_intx_weight, "int8da_weight": tao_int8da_weight,
           "int8_act": tao_int8_act, "float8_weight": tao_float8_weight, "float8_act": tao_float8_act,
           "float8_int4": tao_float8_int4}
MIRRORS["int8da_weight"] = MIRRORS["intx_weight"]


def scheme_table():
    """name -> (family, device, torchao_version, cases with params)."""
    bf, f32 = torch.bfloat16, torch.float32
    t = {}

    def int4_cases(old):
        cs = case_list(N_CASES, [bf, f32], [128] if old else [32, 64, 128, 256], ragged=0 if old else 8)
        out = []
        for i, c in enumerate(cs):
            cfg_g = [32, 64, 256][i % 3] if old else c[2]
            out.append((c, {"group_size": cfg_g, "torchao_group": 128 if old else cfg_g}))
        return out

    for dev in ("cpu", "cuda"):
        t[f"int4_plain_{dev}"] = ("int4", dev, "0.18", int4_cases(False))
    t["int4_plain_v017_cpu"] = ("int4", "cpu", "0.17", int4_cases(True))

    def intx_cases(eps, bits_list=(2, 3, 4, 5, 6, 7, 8)):
        cs = case_list(N_CASES, [bf, f32], [32, 64, 0], ragged=6)
        return [(c, {"bits": bits_list[i % len(bits_list)], "group_size": c[2], "eps": eps})
                for i, c in enumerate(cs)]

    for dev in ("cpu", "cuda"):
        t[f"intx_weight_{dev}"] = ("intx_weight", dev, "0.18", intx_cases(SMALLEST_NORMAL))
    t["intx_weight_v017_cpu"] = ("intx_weight", "cpu", "0.17", intx_cases("dtype_eps"))
    t["int8da_weight_cpu"] = ("int8da_weight", "cpu", "0.18", intx_cases(SMALLEST_NORMAL))

    def act_cases(eps):
        cs = case_list(N_CASES, [bf, f32], [0])
        return [(c, {"eps": eps}) for c in cs]

    for dev in ("cpu", "cuda"):
        t[f"int8_act_{dev}"] = ("int8_act", dev, "0.18", act_cases(SMALLEST_NORMAL))
    t["int8_act_v017_cpu"] = ("int8_act", "cpu", "0.17", act_cases("dtype_eps"))

    def f8_cases():
        cs = case_list(N_CASES, [bf, f32], [0])
        return [(c, {"per_row": i % 2 == 0}) for i, c in enumerate(cs)]

    for dev in ("cpu", "cuda"):
        t[f"float8_weight_{dev}"] = ("float8_weight", dev, "0.18", f8_cases())
    t["float8_act_cpu"] = ("float8_act", "cpu", "0.18", f8_cases())
    for dev in ("cpu", "cuda"):
        cs = case_list(N_CASES, [bf], [128], ragged=4)
        t[f"float8_int4_{dev}"] = ("float8_int4", dev, "0.18", [(c, {"group_size": 128}) for c in cs])
    return t


def bits_equal(a, b):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    an, bn = torch.isnan(a), torch.isnan(b)
    if not torch.equal(an, bn):
        return False
    view = torch.int16 if a.element_size() == 2 else torch.int32
    return torch.equal(a.masked_fill(an, 0).view(view), b.masked_fill(bn, 0).view(view))


def build_scheme(name, family, device, version, cases, gen, out_dir):
    tensors, entries, elements = {}, [], 0
    div = div_cuda if device == "cuda" else div_cpu
    for i, ((kind, dtype, g, rows, k, ragged), params) in enumerate(cases):
        x = make_values(kind, rows, k, g if g > 0 else 32, gen).to(dtype)
        entry = {"index": i, "kind": kind, "dtype": str(dtype).replace("torch.", ""), "shape": [rows, k], **params}
        tensors[f"in.{i}"] = x.contiguous()
        try:
            with torch.no_grad():
                ref = TORCHAO[family](x, params)
            error = None
            assert not ragged or family not in ("int4", "float8_int4") or g == 0, f"{name} {i}: ragged accepted"
        except (AssertionError, RuntimeError, ValueError) as e:
            # torchao refuses K not a multiple of the group (view / assert): C++ must refuse too
            assert ragged, f"{name} case {i}: torchao raised on a regular case: {e!r}"
            ref, error = None, f"{type(e).__name__}: {(str(e).splitlines() or [''])[0][:160]}"
        if error is None:
            mirrored = MIRRORS[family](x, params, div_cpu)
            assert bits_equal(mirrored, ref), f"{name} case {i}: python mirror differs from torchao"
            if device == "cuda":
                ref = MIRRORS[family](x, params, div_cuda)
            tensors[f"out.{i}"] = ref.contiguous()
            elements += ref.numel()
        else:
            entry["error"] = error
        entries.append(entry)
    save_file(tensors, str(out_dir / f"{name}.safetensors"))
    return {"name": name, "family": family, "device": device, "torchao_version": version,
            "file": f"{name}.safetensors", "elements": elements,
            "source": (f"torchao 0.18.0 QAT prepare fake quantizer on CPU" if device == "cpu" else
                       "python mirror of torchao's op sequence with CUDA's tensor/scalar = x * fl32(1/d) "
                       "(mirror asserted bit-identical to torchao with true division)"),
            "cases": entries}


# ----------------------------------------------------------------------------------------------
# int4 PLAIN convert
def fbgemm_pack_int4(x):
    """FBGEMM gen_ai quantize.py pack_int4 (transcribed; mslk is CUDA-only and not installed)."""
    low_x = x[:, ::2]
    high_x = x[:, 1::2]
    high_x = torch.bitwise_left_shift(high_x, 4)
    low_x = torch.bitwise_and(low_x, 0xF)
    return torch.bitwise_or(low_x, high_x).contiguous()


def fbgemm_int4_row_quantize_zp(x, group_size=128):
    """FBGEMM gen_ai quantize.py int4_row_quantize_zp (transcribed)."""
    n_bit = 4
    to_quant = x.reshape(-1, group_size).to(torch.float)
    max_val = to_quant.amax(dim=1, keepdim=True)
    min_val = to_quant.amin(dim=1, keepdim=True)
    max_int = 2**n_bit - 1
    min_int = 0
    scales = (max_val - min_val).clamp(min=1e-6) / max_int
    zeros = min_val + scales * (2 ** (n_bit - 1))
    out = to_quant.sub(min_val).div(scales).round().clamp_(min_int, max_int)
    out = (out - 2 ** (n_bit - 1)).to(dtype=torch.int8).reshape(x.shape)
    scales = scales.view(x.shape[0], -1).t().contiguous()
    zeros = zeros.view(x.shape[0], -1).t().contiguous()
    return out, scales, zeros


def kernel_emulation(x, qdata, scale, zero, bias, g):
    """Deployed bf16i4bf16_rowwise arithmetic on CPU: w = bf16(bf16(c*s) + z), fp32 accumulate, bf16
    output, then a separate bf16 bias add (torchao int4_tensor.py's F.linear: res + bias)."""
    low = torch.bitwise_and(qdata, 0xF)
    high = torch.bitwise_right_shift(qdata, 4)
    low = torch.where(low >= 8, low - 16, low)
    codes = torch.stack([low, high], dim=-1).reshape(qdata.shape[0], -1).to(torch.bfloat16)
    s = scale.t().repeat_interleave(g, dim=1)
    z = zero.t().repeat_interleave(g, dim=1)
    w = codes * s + z  # two bf16 ops: mul rounds to bf16, add rounds to bf16
    y = torch.matmul(x.to(torch.float32), w.to(torch.float32).t()).to(torch.bfloat16)
    return y + bias if bias is not None else y


_STANDIN_LIB = []


def install_int4_standins():
    """Lets torchao 0.18's PLAIN Int4Tensor run without mslk (CUDA-only): the FBGEMM transcriptions above
    replace int4_row_quantize_zp / pack_int4, and kernel_emulation is registered as
    torch.ops.mslk.bf16i4bf16_rowwise for CPU and CUDA (8192-row blocks bound the fp32 dequant temporary).
    Returns "mslk" when the real package is importable, else "ql_ref emulation". Idempotent."""
    from torchao.quantization.quantize_.workflows.int4 import int4_tensor as it
    if _STANDIN_LIB:
        return "ql_ref emulation"
    if hasattr(torch.ops.mslk, "bf16i4bf16_rowwise"):  # the real package (or another registration) is loaded
        return "mslk"
    # build_convert may already have put the transcriptions in place; the matmul op is what is missing.
    it.int4_row_quantize_zp = fbgemm_int4_row_quantize_zp
    it.pack_int4 = fbgemm_pack_int4
    lib = torch.library.Library("mslk", "DEF")
    lib.define("bf16i4bf16_rowwise(Tensor x, Tensor w, Tensor s, Tensor z) -> Tensor")

    def rowwise(x, w, s, z):
        g = (w.shape[1] * 2) // s.shape[0]
        return torch.cat([kernel_emulation(x, w[r:r + 8192], s[:, r:r + 8192], z[:, r:r + 8192], None, g)
                          for r in range(0, w.shape[0], 8192)], dim=-1)
    for key in ("CPU", "CUDA"):
        lib.impl("bf16i4bf16_rowwise", rowwise, key)
    _STANDIN_LIB.append(lib)
    return "ql_ref emulation"


def argmax_flips(fake, real, atol, rtol):
    """Positions [S, V] where argmax(real) != argmax(fake), as QuantLens' ArgmaxFlip: margin =
    fake[top] - fake[deployed top], allowed = max(atol, rtol*|fake[top]|), near tie = margin <= allowed,
    deviations = real - fake of both tokens, and the fake model's top-1 minus top-2 logit."""
    f, r = fake.float(), real.float()
    ta, tb = f.argmax(-1), r.argmax(-1)
    out = []
    for p in (ta != tb).nonzero().flatten().tolist():
        a, b = int(ta[p]), int(tb[p])
        fa, fb = float(f[p, a]), float(f[p, b])
        top2 = torch.topk(f[p], 2).values
        allowed = max(atol, rtol * abs(fa))
        out.append({"position": p, "fake_top": a, "deployed_top": b, "margin": fa - fb,
                    "fake_top2_margin": float(top2[0]) - float(top2[1]), "allowed": allowed,
                    "deviation_fake_top": float(r[p, a]) - fa, "deviation_deployed_top": float(r[p, b]) - fb,
                    "near_tie": fa - fb <= allowed})
    return out


def build_convert(out_dir, gen):
    from torchao.quantization import Int4WeightOnlyConfig, quantize_
    from torchao.quantization.quantize_.workflows.int4 import int4_tensor as it
    from torchao.prototype.safetensors.safetensors_support import flatten_tensor_state_dict
    it.int4_row_quantize_zp = fbgemm_int4_row_quantize_zp
    it.pack_int4 = fbgemm_pack_int4
    tensors, entries = {}, []
    kinds = [k for k in KINDS if k != "inf_nan"]  # int8 cast of NaN codes is undefined in torch
    shapes = [(8, 128), (16, 256), (3, 384), (32, 512), (5, 64), (64, 1024)]
    for i in range(60):
        kind, (n, k) = kinds[i % len(kinds)], shapes[(i // 3) % len(shapes)]
        g = [32, 64, 128][i % 3] if k % 128 == 0 else 64
        ragged = i >= 56
        if ragged:
            k = g * 3 + 16
        lin = nn.Linear(k, n, bias=i % 2 == 0, dtype=torch.bfloat16)
        with torch.no_grad():
            lin.weight.copy_(make_values(kind, n, k, g, gen).to(torch.bfloat16))
            if lin.bias is not None:
                lin.bias.copy_(torch.randn(n, generator=gen) * 0.1)
        w = lin.weight.detach().clone()
        tensors[f"w.{i}"] = w
        if lin.bias is not None:
            tensors[f"bias.{i}"] = lin.bias.detach().clone()
        quantize_(lin, Int4WeightOnlyConfig(group_size=g))
        qw = lin.weight
        entry = {"index": i, "kind": kind, "shape": [n, k], "group_size": g, "bias": lin.bias is not None}
        if type(qw).__name__ != "Int4Tensor":
            entry["stays_bf16"] = True
            entries.append(entry)
            continue
        tensors[f"qdata.{i}"] = qw.qdata.contiguous()
        tensors[f"scale.{i}"] = qw.scale.contiguous()
        tensors[f"zero.{i}"] = qw.zero_point.contiguous()
        x = (torch.randn(4, k, generator=gen) * 0.5).to(torch.bfloat16)
        tensors[f"x.{i}"] = x
        tensors[f"y.{i}"] = kernel_emulation(x, qw.qdata, qw.scale, qw.zero_point, lin.bias, g).contiguous()
        entries.append(entry)
    save_file(tensors, str(out_dir / "convert_int4.safetensors"))
    # A torchao-format quantized checkpoint (torchao.prototype.safetensors) for the reader tests.
    model = nn.Sequential(nn.Linear(256, 16, dtype=torch.bfloat16), nn.Linear(16, 8, bias=False, dtype=torch.bfloat16))
    with torch.no_grad():
        for m in model:
            m.weight.copy_((torch.randn(m.weight.shape, generator=gen) * 0.05).to(torch.bfloat16))
    sd_float = {k: v.detach().clone() for k, v in model.state_dict().items()}
    quantize_(model[0], Int4WeightOnlyConfig(group_size=64))
    data, meta = flatten_tensor_state_dict(model.state_dict())
    save_file(data, str(out_dir / "torchao_int4_model.safetensors"), metadata=meta)
    save_file(sd_float, str(out_dir / "torchao_int4_model_float.safetensors"))
    write_json(out_dir / "convert_manifest.json", {
        "source": "torchao 0.18.0 quantize_(nn.Linear, Int4WeightOnlyConfig(group_size)) on CPU, with mslk's "
                  "int4_row_quantize_zp/pack_int4 replaced by their FBGEMM transcription (mslk is CUDA-only); "
                  "y = python emulation of the deployed kernel arithmetic (torchao has no CPU PLAIN int4 mm)",
        "model_file": "torchao_int4_model.safetensors", "model_metadata": meta,
        "cases": entries})


def build(out: Path) -> None:
    out = Path(out)
    gen = seed_all(20240531)
    manifest = {"torchao": __import__("torchao").__version__, "schemes": []}
    for name, (family, device, version, cases) in scheme_table().items():
        manifest["schemes"].append(build_scheme(name, family, device, version, cases, gen, out))
    write_json(out / "manifest.json", manifest)
    build_convert(out, gen)
