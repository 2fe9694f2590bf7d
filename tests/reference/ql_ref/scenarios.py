"""Verify scenarios and metric vectors: a hand-written QAT check's steps (configs, prepared
weights, logits, merged LoRA, convert) as a script, with torch / torchao 0.18 / peft /
transformers on CPU, on the tiny checkpoints of ql_ref/checkpoints.py.

Reads `out.parent / "checkpoints"`. Layout written into `out`:
  metrics.safetensors + metrics.json   metric vectors: pairs a.<i>, b.<i> (and logits lt/le) with the
                                       DiffMetrics / histogram / group map / KL / top-k torch computes
  <scenario>/train.yaml, eval.yaml     recipes (model/adapter paths relative to the recipe)
  <scenario>/expected.json             per module max|Δ| / differing of the effective weights, logits gap
  index.json                           {"scenarios": [...], "prompt_ids": [[...]]}
Scenarios (llama3_tied_bf16 + lora_rslora_llama3, bf16, eager):
  a_identical      both: unmerged LoRA, int4 g32, cpu, torchao 0.18            -> bit-identical
  b_merge          eval merges the LoRA (merge_and_unload after QAT prepare)   -> adapter-merge fails
  c_group          train g64 / 0.18, eval g64 / torchao 0.15 (fake group 128)  -> config + weights fail
  d_convert        eval side fake vs real int4 (FBGEMM int4_row_quantize_zp transcription, CPU): per
                   module rows, and the deployed model (deepcopy + QATConfig(step="convert") of the
                   unmerged PeftModel, the LoRA served on the int4 base) vs the fake-quant logits:
                   max |Δ|, argmax agreement and every argmax flip (convert tolerance atol 1, rtol 0.1)
  e_device         train cuda numerics, eval cpu numerics (fake_quant.div_cuda) -> one-ulp scale flips
  g_diagnose       train unmerged / cuda / 0.18 / g32, eval merged / cpu / 0.15 / g64 (four causes): the
                   notebook's steps for eval with each setting alone set to train's value, and with all
                   of them; per track: modules whose effective weight differs from train's, logits max
                   |Δ| and top-1 agreement vs train (the diagnosis' counterfactual tracks)
  f_intx_convert   no adapter, IntxWeightOnlyConfig(int4, PerGroup(32)): fake quant vs torchao's own
                   step="convert" (IntxUnpackedToInt8Tensor, runs on CPU): per-module dequant vs fake
                   weights and the fake vs converted logits
The torchao < 0.18 behaviour (fake quant group forced to 128) is emulated with group_size=128 in the
installed 0.18, which is exactly what the old release computed (pytorch/ao#3572, fixed by #4518
in 0.18.0).
"""
import json
from pathlib import Path

import torch
from safetensors.torch import save_file

from ._common import seed_all, write_json
from .fake_quant import (argmax_flips, div_cpu, div_cuda, fbgemm_int4_row_quantize_zp, install_int4_standins,
                         mirror_int4)

MODEL = "llama3_tied_bf16"
ADAPTER = "lora_rslora_llama3"
PROMPT_LENGTHS = [9, 17]
EDGES = [10.0 ** (k / 4.0) for k in range(-40, 13)]


def _recipe(model, adapter, form, numerics, version, group):
    lines = [f"model: {model}"]
    if adapter:
        lines.append(f"adapter: {{path: {adapter}, form: {form}}}")
    lines += ["dtype: bfloat16", f"device_numerics: {numerics}", f'torchao_version: "{version}"',
              f"quantization: {{scheme: int4_weight_only, group_size: {group}, packing_format: plain}}"]
    return "\n".join(lines) + "\n"


SCENARIOS = {
    # name: (train (form, numerics, version, group), eval (...))
    "a_identical": (("unmerged", "cpu", "0.18", 32), ("unmerged", "cpu", "0.18", 32)),
    "b_merge": (("unmerged", "cpu", "0.18", 32), ("merged", "cpu", "0.18", 32)),
    "c_group": (("unmerged", "cpu", "0.18", 64), ("unmerged", "cpu", "0.15", 64)),
    "d_convert": (("unmerged", "cpu", "0.18", 32), ("unmerged", "cpu", "0.18", 32)),
    "e_device": (("unmerged", "cuda", "0.18", 32), ("unmerged", "cpu", "0.18", 32)),
}


def _fake_group(version, group):
    return 128 if version != "0.18" else group


def _hist(d):
    d = d.to(torch.float64).abs().reshape(-1)
    finite = torch.isfinite(d)
    pos = d[finite & (d > 0)]
    idx = (torch.bucketize(pos, torch.tensor(EDGES, dtype=torch.float64), right=True) - 1).clamp_min(0)
    bins = len(EDGES) - 1
    inr = idx < bins
    counts = torch.bincount(idx[inr], minlength=bins)
    return {"counts": counts.tolist(), "zeros": int((d == 0).sum()),
            "overflow": int((~finite).sum() + (~inr).sum())}


def _diff(a, b, atol, rtol):
    x, y = a.to(torch.float64).reshape(-1), b.to(torch.float64).reshape(-1)
    d = x - y
    ad = d.abs()
    bad = (ad > atol) & (ad > rtol * y.abs())
    ssq = float((d * d).sum())
    return {"total": x.numel(), "differing": int((x != y).sum()), "out_of_tolerance": int(bad.sum()),
            "max_abs": float(ad.max()), "mean_abs": float(ad.mean()), "rmse": float(ssq / x.numel()) ** 0.5,
            "sqnr_db": (10 * torch.log10((y * y).sum() / ssq).item()) if ssq > 0 else "inf",
            "cosine": float((x * y).sum() / (x.norm() * y.norm()))}


def _group_map(a, b, g, cells):
    d = (a.float() - b.float()).abs()
    n, k = d.shape
    grp = d.view(n, k // g, g).amax(-1)
    rs, cs = -(-n // cells), -(-(k // g) // cells)
    rows, cols = -(-n // rs), -(-(k // g) // cs)
    p = torch.nn.functional.pad(grp, (0, cols * cs - k // g, 0, rows * rs - n))
    return {"rows": rows, "cols": cols, "max_abs": p.view(rows, rs, cols, cs).amax((1, 3)).reshape(-1).tolist()}


def _metrics(out):
    g = seed_all(4242)
    tensors, cases = {}, []
    for i, (n, k) in enumerate([(64, 256), (300, 96)]):
        a = (torch.randn(n, k, generator=g) * 0.05).to(torch.bfloat16).float()
        b = a.clone()
        mask = torch.rand(n, k, generator=g) < 0.4
        b[mask] = (a[mask] + torch.randn(int(mask.sum()), generator=g) * 1e-3).to(torch.bfloat16).float()
        tensors[f"a.{i}"], tensors[f"b.{i}"] = a, b
        d = (a - b).abs().reshape(-1)
        cases.append({"diff": _diff(a, b, 1e-4, 1e-2), "hist": _hist(a - b),
                      "group_map": _group_map(a, b, 32, 4), "worst": torch.topk(d, 32).values.tolist()})
    lt = torch.randn(23, 50, generator=g) * 3
    le = lt + torch.randn(23, 50, generator=g) * 0.5
    tensors["lt"], tensors["le"] = lt, le
    ltl, lel = torch.log_softmax(lt.double(), -1), torch.log_softmax(le.double(), -1)
    kl = (ltl.exp() * (ltl - lel)).sum(-1)
    top5 = (torch.topk(lt, 5).indices.unsqueeze(-1) == torch.topk(le, 5).indices.unsqueeze(-2)).any(-1).sum(-1)
    logits = {"kl": kl.tolist(), "kl_mean": float(kl.mean()), "kl_median": float(torch.quantile(kl, 0.5)),
              "kl_p99": float(torch.quantile(kl, 0.99)), "kl_max": float(kl.max()),
              "top1": float((lt.argmax(-1) == le.argmax(-1)).double().mean()), "top5": float(top5.double().mean() / 5)}
    # Argmax flips: bf16 logits with exact ties, near ties and one clear preference reversed.
    ff = (torch.randn(40, 64, generator=g) * 4).to(torch.bfloat16)
    ff[3, 7], ff[3, 9] = ff[3].max() + 2, ff[3].max() + 2            # an exact tie: argmax takes the lower id
    fr = (ff.float() + torch.randn(40, 64, generator=g) * 0.3).to(torch.bfloat16)
    fr[5] = ff[5]
    fr[5, int(ff[5].float().argmin())] = ff[5].float().max() + 5       # a clear preference reversed
    tensors["flip_fake"], tensors["flip_real"] = ff, fr
    flips = argmax_flips(ff, fr, 0.25, 0.02)
    save_file(tensors, str(out / "metrics.safetensors"))
    write_json(out / "metrics.json", {"atol": 1e-4, "rtol": 1e-2, "map_group": 32, "map_cells": 4,
                                      "edges": EDGES, "cases": cases, "logits": logits,
                                      "flips": {"atol": 0.25, "rtol": 0.02, "expected": flips}})


def _side_model(ck, spec):
    from peft import PeftModel
    from torchao.quantization import Int4WeightOnlyConfig, quantize_
    from torchao.quantization.qat import QATConfig
    from torchao.quantization.qat.linear import FakeQuantizedLinear
    from transformers import AutoModelForCausalLM
    form, numerics, version, group = spec
    fg = _fake_group(version, group)
    model = AutoModelForCausalLM.from_pretrained(ck / MODEL, dtype=torch.bfloat16, attn_implementation="eager").eval()
    quantize_(model, QATConfig(Int4WeightOnlyConfig(group_size=fg), step="prepare"))
    if numerics == "cuda":  # torchao's CUDA division, on the CPU: fake_quant.mirror_int4 with div_cuda
        for m in model.modules():
            if isinstance(m, FakeQuantizedLinear):
                m.weight_fake_quantizer.forward = lambda w, fg=fg: mirror_int4(w, fg, div_cuda)
    model = PeftModel.from_pretrained(model, ck / ADAPTER).eval()
    if form == "merged":
        model = model.merge_and_unload()
    return model


def _effective_weights(model):
    """C++ module name -> the dense map of the Linear: FQ(base) + s·BA (unmerged) or FQ(W') (merged)."""
    out = {}
    root = model.get_base_model() if hasattr(model, "get_base_model") else model
    for name, m in root.named_modules():
        if hasattr(m, "base_layer") and hasattr(m, "get_delta_weight"):
            b = m.base_layer
            out[name] = b.weight_fake_quantizer(b.weight).float() + m.get_delta_weight("default").float()
        elif hasattr(m, "weight_fake_quantizer") and ".base_layer" not in name and "lora_" not in name:
            out[name] = m.weight_fake_quantizer(m.weight).float()
    return out


def _convert_rows(ck, group):
    """Eval side (unmerged: the base weight) fake vs real int4 PLAIN, per module."""
    from safetensors import safe_open
    rows = {}
    with safe_open(str(ck / MODEL / "model.safetensors"), "pt") as f:
        for key in f.keys():
            if not key.endswith("proj.weight") and key != "model.embed_tokens.weight":
                continue
            w = f.get_tensor(key)
            name = "lm_head" if key == "model.embed_tokens.weight" else key[: -len(".weight")]
            codes, s, z = fbgemm_int4_row_quantize_zp(w, group)
            fake = mirror_int4(w, group, div_cpu)
            wg = w.float().view(w.shape[0], -1, group)
            mn = wg.amin(-1)
            fake_codes = (torch.round((wg - mn.unsqueeze(-1)) / div_cpu(torch.clamp(wg.amax(-1) - mn, min=1e-6), 15)
                                      .unsqueeze(-1)).clamp(0, 15) - 8).to(torch.int8).view(w.shape)
            sb, zb = s.to(torch.bfloat16), z.to(torch.bfloat16)
            se = sb.t().repeat_interleave(group, dim=1)
            ze = zb.t().repeat_interleave(group, dim=1)
            real = (codes.to(torch.bfloat16) * se) + ze
            d = (fake.float() - real.float()).abs()
            rows[name] = {"codes_identical": bool(torch.equal(codes, fake_codes)),
                          "scales_rounded": int((sb.float() != s).sum()), "zeros_rounded": int((zb.float() != z).sum()),
                          "dequant_max_abs": float(d.max()), "dequant_differing": int((d > 0).sum())}
    return rows


@torch.no_grad()
def _scenario(out, ck, name, sides, ids):
    d = out / name
    d.mkdir(parents=True)
    rel_model, rel_adapter = f"../../checkpoints/{MODEL}", f"../../checkpoints/{ADAPTER}"
    for label, spec in zip(("train", "eval"), sides):
        (d / f"{label}.yaml").write_text(_recipe(rel_model, rel_adapter, spec[0], spec[1], spec[2], spec[3]))
    mt, me = _side_model(ck, sides[0]), _side_model(ck, sides[1])
    wt, we = _effective_weights(mt), _effective_weights(me)
    weights = {k: {"max_abs": float((wt[k].double() - we[k].double()).abs().max()),  # float64 Δ, as metrics.h
                   "differing": int((wt[k] != we[k]).sum())}
               for k in sorted(wt)}
    lt = torch.cat([mt(input_ids=x).logits[0].float() for x in ids])
    le = torch.cat([me(input_ids=x).logits[0].float() for x in ids])
    dl = (lt - le).abs()
    exp = {"weights": weights, "logits": {"max_abs": float(dl.max()), "mean_abs": float(dl.mean()),
                                          "top1": float((lt.argmax(-1) == le.argmax(-1)).double().mean())}}
    if name == "d_convert":
        exp["convert"] = _convert_rows(ck, sides[1][3])
        exp["deployed"] = _deployed(me, sides[1][3], ids)
    write_json(d / "expected.json", exp)


def _deployed(fake_model, group, ids):
    """The notebook's section 5 on the eval model as it is (LoRA unmerged): deepcopy, convert, forward."""
    import copy
    from torchao.quantization import Int4WeightOnlyConfig, quantize_
    from torchao.quantization.qat import QATConfig
    install_int4_standins()
    real = copy.deepcopy(fake_model)
    quantize_(real, QATConfig(Int4WeightOnlyConfig(group_size=group), step="convert"))
    flips, lf_all, lr_all = [], [], []
    for i, x in enumerate(ids):
        lf, lr = fake_model(input_ids=x).logits[0], real(input_ids=x).logits[0]
        flips += [dict(f, prompt=i) for f in argmax_flips(lf, lr, 1.0, 0.1)]
        lf_all.append(lf.float())
        lr_all.append(lr.float())
    lf, lr = torch.cat(lf_all), torch.cat(lr_all)
    return {"weight_type": type(real.get_base_model().model.layers[0].self_attn.q_proj.base_layer.weight).__name__,
            "max_abs": float((lf - lr).abs().max()), "argmax_agreement": float((lf.argmax(-1) == lr.argmax(-1))
                                                                                .double().mean()),
            "flips": flips}


DIAGNOSE_TRAIN = ("unmerged", "cuda", "0.18", 32)
DIAGNOSE_EVAL = ("merged", "cpu", "0.15", 64)
# QuantLens' config field -> the position of that setting in a side spec (form, numerics, version, group).
DIAGNOSE_FIELDS = {"adapter.form": 0, "device_numerics": 1, "torchao_version": 2, "quantization.group_size": 3}


def _track_effect(wt, lt, model, ids):
    wv = _effective_weights(model)
    lv = torch.cat([model(input_ids=x).logits[0].float() for x in ids])
    return {"weights_modules_differing": sum(int(bool((wt[k] != wv[k]).any())) for k in wt),
            "logits_max_abs": float((lt - lv).abs().max()),
            "logits_top1_agreement": float((lt.argmax(-1) == lv.argmax(-1)).double().mean())}


@torch.no_grad()
def _diagnose(out, ck, ids):
    d = out / "g_diagnose"
    d.mkdir(parents=True)
    rel_model, rel_adapter = f"../../checkpoints/{MODEL}", f"../../checkpoints/{ADAPTER}"
    for label, spec in (("train", DIAGNOSE_TRAIN), ("eval", DIAGNOSE_EVAL)):
        (d / f"{label}.yaml").write_text(_recipe(rel_model, rel_adapter, *spec))
    mt = _side_model(ck, DIAGNOSE_TRAIN)
    wt = _effective_weights(mt)
    lt = torch.cat([mt(input_ids=x).logits[0].float() for x in ids])
    causes = {}
    for field, i in DIAGNOSE_FIELDS.items():
        spec = list(DIAGNOSE_EVAL)
        spec[i] = DIAGNOSE_TRAIN[i]
        causes[field] = _track_effect(wt, lt, _side_model(ck, tuple(spec)), ids)
    write_json(d / "expected.json", {"before": _track_effect(wt, lt, _side_model(ck, DIAGNOSE_EVAL), ids),
                                     "causes": causes,
                                     "all_reverted": _track_effect(wt, lt, _side_model(ck, DIAGNOSE_TRAIN), ids)})


INTX_RECIPE = ("model: ../../checkpoints/{model}\ndtype: bfloat16\ndevice_numerics: cpu\n"
               'torchao_version: "0.18"\nquantization: {{scheme: intx_weight_only, weight_dtype: int4, '
               "granularity: per_group, group_size: 32}}\n")


@torch.no_grad()
def _intx_convert(out, ck, ids):
    """f_intx_convert: IntxWeightOnlyConfig, QAT prepare (fake quant) vs torchao's own convert."""
    import copy
    from torchao.quantization import IntxWeightOnlyConfig, PerGroup, quantize_
    from torchao.quantization.qat import QATConfig
    from torchao.quantization.qat.linear import FakeQuantizedLinear
    from transformers import AutoModelForCausalLM
    d = out / "f_intx_convert"
    d.mkdir(parents=True)
    for label in ("train", "eval"):
        (d / f"{label}.yaml").write_text(INTX_RECIPE.format(model=MODEL))
    base = IntxWeightOnlyConfig(weight_dtype=torch.int4, granularity=PerGroup(32))
    fake = AutoModelForCausalLM.from_pretrained(ck / MODEL, dtype=torch.bfloat16, attn_implementation="eager").eval()
    quantize_(fake, QATConfig(base, step="prepare"))
    real = copy.deepcopy(fake)
    quantize_(real, QATConfig(base, step="convert"))
    fake_w = {n: m.weight_fake_quantizer(m.weight) for n, m in fake.named_modules() if isinstance(m, FakeQuantizedLinear)}
    real_mods = dict(real.named_modules())
    rows = {}
    for name, fw in fake_w.items():
        qw = real_mods[name].weight
        dq = qw.dequantize()
        diff = (fw.double() - dq.double()).abs()
        rows[name] = {"weight_type": type(qw).__name__, "dequant_max_abs": float(diff.max()),
                      "dequant_differing": int((fw != dq).sum())}
    lf = torch.cat([fake(input_ids=x).logits[0].float() for x in ids])
    lr = torch.cat([real(input_ids=x).logits[0].float() for x in ids])
    dl = (lf - lr).abs()
    write_json(d / "expected.json", {"convert": rows, "logits": {
        "max_abs": float(dl.max()), "argmax_agreement": float((lf.argmax(-1) == lr.argmax(-1)).double().mean())}})


def build(out: Path) -> None:
    import transformers
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    out = Path(out)
    ck = out.parent / "checkpoints"
    _metrics(out)
    g = seed_all(9100)
    ids = [torch.randint(0, 1000, (1, n), generator=g, dtype=torch.int64) for n in PROMPT_LENGTHS]
    for name, sides in SCENARIOS.items():
        _scenario(out, ck, name, sides, ids)
    _intx_convert(out, ck, ids)
    _diagnose(out, ck, ids)
    write_json(out / "index.json", {"scenarios": list(SCENARIOS) + ["f_intx_convert", "g_diagnose"],
                                    "prompt_ids": [x[0].tolist() for x in ids]})
