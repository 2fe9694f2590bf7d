"""Forward-pass reference: transformers 5 eager/SDPA logits and per-layer hidden states of the tiny
checkpoints (ql_ref/checkpoints.py), PEFT LoRA unmerged/merged logits and merged state dicts, and the
QAT forms T / T' / M (torchao QATConfig prepare + PEFT) for one Qwen3 adapter.

Reads `out.parent / "checkpoints"` (make_reference.py builds it first). Layout written into `out`:
  index.json     {"prompts_seed", "cases": [...]} — one entry per written file, see below
  fwd_<model>_<dtype>_<attn>.safetensors
                 ids.<p> int64 [1, S]; logits.<p> [1, S, V] (model dtype); hidden.<p>.<i> [1, S, H]
                 = output of decoder layer i (forward hook, before the final norm)
  lora_<adapter>.safetensors
                 ids.<p>; unmerged.<p> logits of PeftModel (LoRA unmerged, eager); merged.<p> logits
                 after merge_and_unload; state.<param> every tensor of the merged model's state_dict
  qat_<adapter>.safetensors
                 ids.<p>; T.<p>, Tprime.<p>, M.<p>, FQ.<p> (no adapter) logits, eager, CPU.
Case entry: {"kind": "forward"|"lora"|"qat", "file", "model", "adapter"?, "dtype", "attn",
             "prompts": [lengths], "group_size"?, "lm_head_quantized"?}
"""
import json
from pathlib import Path

import torch
from safetensors.torch import save_file

from ._common import seed_all, write_json

PROMPT_LENGTHS = [7, 19]
MISTRAL_EXTRA = 80   # longer than its sliding window (64): exercises the window mask
QAT_ADAPTER = "lora_plain_qwen3"
QAT_GROUP = 32
DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}


def build(out: Path) -> None:
    import transformers
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    out = Path(out)
    ck = out.parent / "checkpoints"
    index = json.loads((ck / "index.json").read_text())
    cases = []
    models = [c for c in index["cases"] if c["kind"] == "model" and "v4config" not in c["name"]]
    models.append(_linear_rope_copy(out, ck, next(c for c in models if c["name"] == "llama2_fp32")))
    for c in models:
        prompts = _prompts(c, 7000)
        for dname in DTYPES:
            for attn in ("eager", "sdpa"):
                cases.append(_forward_case(out, ck, c, prompts, dname, attn))
    for c in index["cases"]:
        if c["kind"] == "adapter":
            cases.append(_lora_case(out, ck, c, _prompts(c, 7100)))
    adapter = next(c for c in index["cases"] if c["name"] == QAT_ADAPTER)
    cases.append(_qat_case(out, ck, adapter, _prompts(adapter, 7200)))
    write_json(out / "index.json", {"cases": cases})


def _linear_rope_copy(out, ck, source):
    """llama2_fp32 with rope_parameters {"rope_type": "linear", "factor": 4.0}: the linear RoPE scaling
    of Llama 2 long-context fine-tunes. Written into this module's folder (model path is relative to
    the forward folder's parent: "../forward/<name>" from the checkpoints folder)."""
    import shutil
    name = "llama2_linear_rope_fp32"
    shutil.copytree(ck / source["path"], out / name)
    cfg = json.loads((out / name / "config.json").read_text())
    cfg["rope_parameters"] = {"rope_type": "linear", "factor": 4.0,
                              "rope_theta": cfg["rope_parameters"]["rope_theta"]}
    (out / name / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    return {**source, "name": name, "path": f"../forward/{name}", "_src": out / name}


def _prompts(case, seed):
    """(lengths, seed) of the token-id prompts of one case: seeded, independent of the run order."""
    lengths = PROMPT_LENGTHS + ([MISTRAL_EXTRA] if case["family"] == "mistral" else [])
    return lengths, seed + sum(map(ord, case["name"]))


def _ids(vocab, prompts):
    lengths, seed = prompts
    g = seed_all(seed)
    return [torch.randint(0, vocab, (1, n), generator=g, dtype=torch.int64) for n in lengths]


def _load(path, dtype, attn):
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype, attn_implementation=attn)
    return model.eval()


@torch.no_grad()
def _forward_case(out, ck, c, prompts, dname, attn):
    model = _load(c.get("_src", ck / c["path"]), DTYPES[dname], attn)
    ids = _ids(model.config.vocab_size, prompts)
    tensors = {}
    captured = {}
    hooks = [layer.register_forward_hook(_capture(captured, i)) for i, layer in enumerate(model.model.layers)]
    for p, x in enumerate(ids):
        captured.clear()
        logits = model(input_ids=x).logits
        tensors[f"ids.{p}"] = x
        tensors[f"logits.{p}"] = logits.contiguous()
        for i, h in captured.items():
            tensors[f"hidden.{p}.{i}"] = h.contiguous()
    for h in hooks:
        h.remove()
    name = f"fwd_{c['name']}_{dname}_{attn}.safetensors"
    save_file(tensors, str(out / name), metadata={"format": "pt"})
    return {"kind": "forward", "file": name, "model": c["path"], "family": c["family"], "dtype": dname,
            "attn": attn, "prompts": [int(x.shape[1]) for x in ids],
            "logits_dtype": str(logits.dtype).removeprefix("torch.")}



def _capture(store, i):
    def hook(_module, _inputs, output):
        store[i] = (output[0] if isinstance(output, tuple) else output).detach().clone()
    return hook


@torch.no_grad()
def _lora_case(out, ck, c, prompts):
    from peft import PeftModel
    base = _load(ck / c["base"], None, "eager")
    model = PeftModel.from_pretrained(base, ck / c["path"]).eval()
    ids = _ids(base.config.vocab_size, prompts)
    tensors = {}
    for p, x in enumerate(ids):
        tensors[f"ids.{p}"] = x
        tensors[f"unmerged.{p}"] = model(input_ids=x).logits.contiguous()
    merged = model.merge_and_unload()
    for p, x in enumerate(ids):
        tensors[f"merged.{p}"] = merged(input_ids=x).logits.contiguous()
    for k, v in merged.state_dict().items():
        tensors[f"state.{k}"] = v.detach().clone().contiguous()
    name = f"lora_{c['name']}.safetensors"
    save_file(tensors, str(out / name), metadata={"format": "pt"})
    return {"kind": "lora", "file": name, "model": c["base"], "adapter": c["path"], "family": c["family"],
            "dtype": str(base.dtype).removeprefix("torch."), "attn": "eager",
            "prompts": [int(x.shape[1]) for x in ids],
            "tie_word_embeddings": bool(merged.config.tie_word_embeddings)}


def _qat_prepare(model, divisible_only=False):
    """QATConfig(Int4WeightOnlyConfig(group_size=32), step="prepare") with torchao's default filter (every
    nn.Linear incl. lm_head), or only the Linears whose in_features divide by the group: torchao raises
    at forward time on a rank-8 lora_B ([out, 8] does not view as groups of 32), so T' skips those."""
    from torchao.quantization import Int4WeightOnlyConfig, quantize_
    from torchao.quantization.qat import QATConfig
    kw = {}
    if divisible_only:
        kw["filter_fn"] = lambda m, fqn: isinstance(m, torch.nn.Linear) and m.in_features % QAT_GROUP == 0
    quantize_(model, QATConfig(Int4WeightOnlyConfig(group_size=QAT_GROUP), step="prepare"), **kw)
    return model


@torch.no_grad()
def _qat_case(out, ck, c, prompts):
    from peft import PeftModel
    from torchao.quantization.qat.linear import FakeQuantizedLinear
    tensors = {}
    fq = _qat_prepare(_load(ck / c["base"], None, "eager"))
    ids = _ids(fq.config.vocab_size, prompts)
    for p, x in enumerate(ids):
        tensors[f"ids.{p}"] = x
        tensors[f"FQ.{p}"] = fq(input_ids=x).logits.contiguous()
    lm_head_fq = isinstance(fq.lm_head, FakeQuantizedLinear)
    # T: QAT prepare, then PEFT on the prepared model (LoRA unmerged on top of FakeQuantizedLinear).
    t = PeftModel.from_pretrained(_qat_prepare(_load(ck / c["base"], None, "eager")), ck / c["path"]).eval()
    for p, x in enumerate(ids):
        tensors[f"T.{p}"] = t(input_ids=x).logits.contiguous()
    # M: merge_and_unload of T: W' = W + s*BA in the weight dtype, still FakeQuantizedLinear.
    m = t.merge_and_unload()
    for p, x in enumerate(ids):
        tensors[f"M.{p}"] = m(input_ids=x).logits.contiguous()
    # T': PEFT first, then QAT prepare (lora_A / lora_B become FakeQuantizedLinear where their
    # in_features divide by the group size; see _qat_prepare).
    tp = PeftModel.from_pretrained(_load(ck / c["base"], None, "eager"), ck / c["path"])
    _qat_prepare(tp, divisible_only=True)
    tp.eval()
    fq_lora = sorted(n for n, mod in tp.named_modules()
                     if isinstance(mod, FakeQuantizedLinear) and (".lora_A." in n or ".lora_B." in n))
    for p, x in enumerate(ids):
        tensors[f"Tprime.{p}"] = tp(input_ids=x).logits.contiguous()
    name = f"qat_{c['name']}.safetensors"
    save_file(tensors, str(out / name), metadata={"format": "pt"})
    return {"kind": "qat", "file": name, "model": c["base"], "adapter": c["path"], "family": c["family"],
            "dtype": str(fq.dtype).removeprefix("torch."), "attn": "eager", "group_size": QAT_GROUP,
            "prompts": [int(x.shape[1]) for x in ids], "lm_head_quantized": lm_head_fq,
            "tprime_fake_quantized_lora": fq_lora}
