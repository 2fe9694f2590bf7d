#!/usr/bin/env python3
"""QuantLens `verify --device cuda` vs the notebook's Python pipeline on a Qwen3-4B-shaped checkpoint (GPU).

Usage: gpu_verify_vs_notebook.py QUANTLENS_EXE [--work DIR] [--layers 36] [--no-adapter] [--out summary.json]

1. Builds a synthetic Qwen3-4B-shaped checkpoint in WORK/model (bf16, heavy-tailed Student-t(3) weights,
   three safetensors shards + index, config.json, a small byte-level BPE tokenizer.json) and a LoRA
   adapter (r=16, all linear projections) in WORK/adapter. Skipped when WORK/model/config.json exists.
2. Times the notebook's steps (shared/reference/seed-notebook.txt: load, QATConfig(Int4WeightOnlyConfig(128)) prepare,
   PeftModel + merge_and_unload for the eval side, parameter comparison, forward on the prompts, logit
   diff) with transformers + torchao + peft on CUDA.
3. Times `QUANTLENS_EXE verify --train train.yaml --eval eval.yaml --device cuda --report r.json` on the
   same files, and prints both wall times, their ratio and the logit max |Δ| each reports.
torchao is not in the device image: carry its wheel (tests/bench/README.md "## GPU"). The script exits 1
when a pipeline fails; it does not judge numbers (the golden and gpu tests do).
"""
import argparse, json, math, os, subprocess, sys, time
from pathlib import Path

import torch

QWEN3_4B = dict(architectures=["Qwen3ForCausalLM"], model_type="qwen3", hidden_size=2560, intermediate_size=9728,
                num_hidden_layers=36, num_attention_heads=32, num_key_value_heads=8, head_dim=128,
                vocab_size=151936, max_position_embeddings=40960, rms_norm_eps=1e-6, rope_theta=1000000.0,
                tie_word_embeddings=True, hidden_act="silu", attention_bias=False, attention_dropout=0.0,
                torch_dtype="bfloat16", bos_token_id=151643, eos_token_id=151645, use_cache=True)
PROMPTS = ["The quick brown fox", "Quantization-aware training keeps the low-bit weights in the loop.",
           "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)"]
LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def heavy_tailed(shape, gen, scale=0.02, df=3.0):
    """Student-t(df) * scale / sqrt(df/(df-2)) on the GPU, rounded to bf16 (heavy tails, unit-ish variance)."""
    z = torch.randn(shape, generator=gen, device="cuda")
    g = torch._standard_gamma(torch.full(shape, df / 2, device="cuda"), generator=gen) * (2 / df)
    return (z / g.sqrt() * (scale / math.sqrt(df / (df - 2)))).to(torch.bfloat16)


def layer_shapes(c):
    h, i, hd = c["hidden_size"], c["intermediate_size"], c["head_dim"]
    q, kv = c["num_attention_heads"] * hd, c["num_key_value_heads"] * hd
    return {"self_attn.q_proj.weight": (q, h), "self_attn.k_proj.weight": (kv, h), "self_attn.v_proj.weight": (kv, h),
            "self_attn.o_proj.weight": (h, q), "mlp.gate_proj.weight": (i, h), "mlp.up_proj.weight": (i, h),
            "mlp.down_proj.weight": (h, i), "self_attn.q_norm.weight": (hd,), "self_attn.k_norm.weight": (hd,),
            "input_layernorm.weight": (h,), "post_attention_layernorm.weight": (h,)}


def make_tokenizer(out: Path):
    from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    corpus = PROMPTS * 50 + [" ".join(f"token{i}" for i in range(j, j + 40)) for j in range(0, 4000, 40)]
    tok.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=2048, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.save(str(out / "tokenizer.json"))
    (out / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "PreTrainedTokenizerFast"}))


def make_checkpoint(work: Path, layers: int, adapter: bool):
    from safetensors.torch import save_file
    model, cfg = work / "model", dict(QWEN3_4B, num_hidden_layers=layers)
    if (model / "config.json").exists():
        return
    model.mkdir(parents=True, exist_ok=True)
    gen = torch.Generator(device="cuda").manual_seed(20240531)
    cuts = [0, (layers + 2) // 3, (2 * layers + 2) // 3, layers]  # three contiguous shards, like Qwen3-4B's
    shards = [range(cuts[s], cuts[s + 1]) for s in range(3)]
    weight_map = {}
    for si, idx in enumerate(shards):
        name = f"model-{si + 1:05d}-of-00003.safetensors"
        t = {}
        if si == 0:
            t["model.embed_tokens.weight"] = heavy_tailed((cfg["vocab_size"], cfg["hidden_size"]), gen)
            t["model.norm.weight"] = (1 + 0.05 * torch.randn(cfg["hidden_size"], generator=gen, device="cuda")).bfloat16()
        for l in idx:
            for k, shape in layer_shapes(cfg).items():
                norm = k.endswith("norm.weight")
                t[f"model.layers.{l}.{k}"] = ((1 + 0.05 * torch.randn(shape, generator=gen, device="cuda")).bfloat16()
                                              if norm else heavy_tailed(shape, gen))
        save_file({k: v.cpu().contiguous() for k, v in t.items()}, str(model / name), metadata={"format": "pt"})
        weight_map.update({k: name for k in t})
    (model / "model.safetensors.index.json").write_text(json.dumps({"metadata": {}, "weight_map": weight_map}))
    (model / "config.json").write_text(json.dumps(cfg, indent=1))
    make_tokenizer(model)
    if adapter:
        make_adapter(work / "adapter", cfg, layers, gen)


def make_adapter(out: Path, cfg, layers, gen, r=16, alpha=32):
    from safetensors.torch import save_file
    out.mkdir(parents=True, exist_ok=True)
    shapes = layer_shapes(cfg)
    t = {}
    for l in range(layers):
        for m in LORA_TARGETS:
            key = next(k for k in shapes if k.endswith(f"{m}.weight"))
            n, k = shapes[key]
            p = f"base_model.model.model.layers.{l}.{key[:-len('.weight')]}"
            t[f"{p}.lora_A.weight"] = (torch.randn(r, k, generator=gen, device="cuda") / math.sqrt(k)).bfloat16().cpu()
            t[f"{p}.lora_B.weight"] = (torch.randn(n, r, generator=gen, device="cuda") * 1e-3).bfloat16().cpu()
    save_file(t, str(out / "adapter_model.safetensors"), metadata={"format": "pt"})
    (out / "adapter_config.json").write_text(json.dumps({
        "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": r, "lora_alpha": alpha, "lora_dropout": 0.0,
        "target_modules": LORA_TARGETS, "bias": "none", "fan_in_fan_out": False, "use_rslora": False,
        "base_model_name_or_path": str(out.parent / "model")}))


def write_recipes(work: Path, adapter: bool):
    for side, form in (("train", "unmerged"), ("eval", "merged")):
        lines = ["model: model", "dtype: bfloat16", "device_numerics: cuda", 'torchao_version: "0.18"',
                 "quantization: {scheme: int4_weight_only, group_size: 128}"]
        if adapter:
            lines.insert(1, f"adapter: {{path: adapter, form: {form}}}")
        (work / f"{side}.yaml").write_text("\n".join(lines) + "\n")
    (work / "prompts.txt").write_text("\n".join(p.replace("\n", " ") for p in PROMPTS) + "\n")


def python_pipeline(work: Path, adapter: bool):
    """The notebook's steps (seed-notebook sections 2-4), timed per stage."""
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from torchao.quantization import Int4WeightOnlyConfig, quantize_
    from torchao.quantization.qat import QATConfig
    times, t0 = {}, time.perf_counter()

    def lap(name):
        nonlocal t0
        torch.cuda.synchronize()
        times[name] = time.perf_counter() - t0
        t0 = time.perf_counter()

    load = lambda: AutoModelForCausalLM.from_pretrained(work / "model", dtype=torch.bfloat16, device_map="cuda")
    qat = QATConfig(Int4WeightOnlyConfig(group_size=128), step="prepare")
    train = load(); quantize_(train, qat)
    evalm = load(); quantize_(evalm, qat)
    lap("load+prepare")
    if adapter:
        from peft import PeftModel
        train = PeftModel.from_pretrained(train, work / "adapter")
        evalm = PeftModel.from_pretrained(evalm, work / "adapter").merge_and_unload()
        lap("adapter+merge")
    mismatches, max_diff = 0, 0.0
    ep = dict(evalm.named_parameters())
    for n, p in train.named_parameters():
        n2 = n.replace("base_model.model.", "").replace(".base_layer", "")
        if n2 in ep and ep[n2].shape == p.shape and not torch.equal(p, ep[n2]):
            mismatches += 1
            max_diff = max(max_diff, (p.float() - ep[n2].float()).abs().max().item())
    lap("compare parameters")
    tok = AutoTokenizer.from_pretrained(work / "model")
    logit_max = 0.0
    with torch.no_grad():
        for prompt in PROMPTS:
            x = tok(prompt.replace("\n", " "), return_tensors="pt").to("cuda")
            d = (train(**x).logits.float() - evalm(**x).logits.float()).abs()
            logit_max = max(logit_max, d.max().item())
    lap("forward+logit diff")
    return {"seconds": times, "total_s": sum(times.values()), "param_mismatches": mismatches,
            "param_max_diff": max_diff, "logit_max_abs": logit_max}


def quantlens_pipeline(exe: str, work: Path):
    report = work / "report.json"
    t0 = time.perf_counter()
    proc = subprocess.run([exe, "verify", "--train", str(work / "train.yaml"), "--eval", str(work / "eval.yaml"),
                           "--prompts", str(work / "prompts.txt"), "--device", "cuda", "--report", str(report)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):  # 1 = a check failed, still a result
        print(proc.stderr, file=sys.stderr)
        raise SystemExit(f"quantlens verify exited {proc.returncode}")
    out = {"total_s": wall, "exit_code": proc.returncode}
    if report.exists():
        r = json.loads(report.read_text())
        out["logits"] = r.get("logits", {}).get("diff") if isinstance(r.get("logits"), dict) else None
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("quantlens")
    ap.add_argument("--work", default="/tmp/ql_qwen3_4b_synth")
    ap.add_argument("--layers", type=int, default=36)
    ap.add_argument("--no-adapter", action="store_true")
    ap.add_argument("--skip-python", action="store_true", help="time only quantlens (no torchao wheel)")
    ap.add_argument("--out")
    a = ap.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("gpu_verify_vs_notebook.py needs a CUDA device")
    work, adapter = Path(a.work), not a.no_adapter
    t0 = time.perf_counter()
    make_checkpoint(work, a.layers, adapter)
    write_recipes(work, adapter)
    summary = {"device": torch.cuda.get_device_name(), "layers": a.layers, "adapter": adapter,
               "make_checkpoint_s": time.perf_counter() - t0}
    torch.cuda.empty_cache()
    if not a.skip_python:
        summary["python"] = python_pipeline(work, adapter)
        torch.cuda.empty_cache()
    summary["quantlens"] = quantlens_pipeline(a.quantlens, work)
    if "python" in summary:
        summary["speedup"] = summary["python"]["total_s"] / summary["quantlens"]["total_s"]
    text = json.dumps(summary, indent=1, default=str)
    print(text)
    if a.out:
        Path(a.out).write_text(text)


if __name__ == "__main__":
    main()
