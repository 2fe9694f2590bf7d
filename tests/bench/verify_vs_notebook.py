#!/usr/bin/env python3
"""`quantlens verify` vs the seed notebook's Python pipeline, on CPU, on a Qwen3-0.6B-shaped checkpoint.

Usage: verify_vs_notebook.py --quantlens EXE [--runs 3] [--threads 2] [--tokens 128] [--tiny] [--out r.json]

Checkpoint: the synthetic bf16 Qwen3-0.6B-shaped model of forward_vs_transformers.py (built once into
~/.cache/quantlens/bench/), linked into WORK/model next to a small byte-level BPE tokenizer.json trained
here with `tokenizers`. `--tiny` uses a 2-layer H=256 model instead (smoke test).

Python side (one fresh process per run): exactly the notebook's steps (shared/reference/seed-notebook.txt),
sections 1-3 and 5, on CPU: QAT configs compared; two from_pretrained loads; quantize_(QATConfig(
Int4WeightOnlyConfig(group_size=128), step="prepare")) on both; the named_parameters comparison loop;
AutoTokenizer + forward of both on every prompt, logit diff; del; a fresh load + prepare, copy.deepcopy,
quantize_(QATConfig(..., step="convert")), forward of fake vs real, argmax match. torchao 0.18's PLAIN
int4 convert calls mslk (CUDA-only, not installed): its int4_row_quantize_zp / pack_int4 are replaced by
the FBGEMM transcriptions of tests/reference/ql_ref/fake_quant.py, and torch.ops.mslk.bf16i4bf16_rowwise
(what torchao's Int4Tensor linear calls) is registered for CPU as that file's kernel_emulation, applied
to blocks of 8192 output rows so the lm_head's fp32 dequant temporary stays bounded.
QuantLens side: `EXE verify --train train.yaml --eval eval.yaml --prompts prompts.txt --report r.json`,
both recipes int4_weight_only g128, torchao 0.18, cpu numerics, no adapter.

Runs alternate QuantLens / Python. Each is a child of this (torch-free, small) driver; wall time is the
whole process (interpreter start and imports included), peak RSS is that child's ru_maxrss from
os.wait4. Before each run the driver waits (--max-load, --max-wait) for the 1-minute load average and
records it, and the CPU seconds other processes used during the run (/proc/stat busy time minus the
child's own). Both sides' verdicts are compared
(parameters identical / logit diff 0, token ids identical); the script exits 1 when they disagree.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = Path.home() / ".cache/quantlens/bench"
NOTEBOOK_PROMPT = "The quick brown fox"
WORDS = ("the quick brown fox jumps over the lazy dog while quantization aware training keeps low bit weights "
         "in the loop and evaluation rebuilds the same model from the checkpoint to compare logits").split()
TINY = dict(hidden_size=256, intermediate_size=512, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, head_dim=64, vocab_size=4096, max_position_embeddings=4096,
            tie_word_embeddings=True, rms_norm_eps=1e-6, rope_theta=1000000.0)


# ------------------------------------------------------------------------------------------------
# preparation (in a child: this driver never imports torch, so its RSS stays small)
def make_tokenizer(out: Path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    corpus = [" ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(30)) for i in range(400)]
    tok.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=1024, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    tok.save(str(out / "tokenizer.json"))
    (out / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "PreTrainedTokenizerFast"}))
    return tok


def make_weights(tiny: bool) -> Path:
    if not tiny:
        sys.path.insert(0, str(HERE))
        import forward_vs_transformers as fvt  # its builder: seeded from_config init, bf16, save_pretrained
        fvt.make_model()
        return fvt.MODEL
    src = BENCH / "qwen3-tiny-synthetic-bf16"
    if not (src / "config.json").exists():
        import torch
        from transformers import AutoModelForCausalLM, Qwen3Config
        torch.manual_seed(0)
        AutoModelForCausalLM.from_config(Qwen3Config(**TINY)).to(torch.bfloat16).save_pretrained(src)
    return src


def prepare(work: Path, tiny: bool, tokens: int):
    src = make_weights(tiny)
    model = work / "model"
    model.mkdir(parents=True, exist_ok=True)
    for f in ("config.json", "generation_config.json", "model.safetensors"):
        if (src / f).exists() and not (model / f).exists():
            (model / f).symlink_to(src / f)
    tok = make_tokenizer(model)
    prompts = [NOTEBOOK_PROMPT]
    if tokens > 0:  # the longest run of WORDS (cycled) that tokenizes to <= tokens ids
        words, n = [], 0
        while True:
            cand = words + [WORDS[len(words) % len(WORDS)]]
            if len(tok.encode(" ".join(cand)).ids) > tokens:
                break
            words = cand
        prompts.append(" ".join(words))
    (work / "prompts.txt").write_text("\n".join(prompts) + "\n")
    for side in ("train", "eval"):
        (work / f"{side}.yaml").write_text(
            "model: model\ndtype: bfloat16\ndevice_numerics: cpu\ntorchao_version: \"0.18\"\n"
            "quantization: {scheme: int4_weight_only, group_size: 128, packing_format: plain}\n")


# ------------------------------------------------------------------------------------------------
# the notebook pipeline (child process)
def install_cpu_int4():
    """mslk stand-ins for torchao 0.18's PLAIN Int4Tensor on CPU (see the module docstring)."""
    import torch
    from torchao.quantization.quantize_.workflows.int4 import int4_tensor as it
    sys.path.insert(0, str(HERE.parent / "reference"))
    from ql_ref.fake_quant import fbgemm_int4_row_quantize_zp, fbgemm_pack_int4, kernel_emulation
    it.int4_row_quantize_zp = fbgemm_int4_row_quantize_zp
    it.pack_int4 = fbgemm_pack_int4
    lib = torch.library.Library("mslk", "DEF")
    lib.define("bf16i4bf16_rowwise(Tensor x, Tensor w, Tensor s, Tensor z) -> Tensor")

    def rowwise(x, w, s, z):
        g = (w.shape[1] * 2) // s.shape[0]
        return torch.cat([kernel_emulation(x, w[r:r + 8192], s[:, r:r + 8192], z[:, r:r + 8192], None, g)
                          for r in range(0, w.shape[0], 8192)], dim=-1)
    lib.impl("bf16i4bf16_rowwise", rowwise, "CPU")
    return lib


def notebook(model_dir: str, prompts_file: str, threads: int, out_file: str):
    t_start = time.perf_counter()
    import copy, gc
    import torch
    from torchao.quantization import Int4WeightOnlyConfig, quantize_
    from torchao.quantization.qat import QATConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    lib = install_cpu_int4()  # noqa: F841 (keeps the op library alive)
    torch.set_num_threads(threads)
    prompts = [p for p in Path(prompts_file).read_text().splitlines() if p]
    times, r, t0 = {"imports": time.perf_counter() - t_start}, {}, time.perf_counter()

    def lap(name):
        nonlocal t0
        times[name] = time.perf_counter() - t0
        t0 = time.perf_counter()

    qat = lambda step: QATConfig(Int4WeightOnlyConfig(group_size=128), step=step)
    load = lambda: AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.bfloat16)
    assert str(qat("prepare")) == str(qat("prepare"))                                     # section 1
    model_train, model_eval = load(), load()                                             # section 2
    quantize_(model_train, qat("prepare"))
    quantize_(model_eval, qat("prepare"))
    lap("load+prepare x2")
    mismatches = []
    for (n1, p1), (n2, p2) in zip(model_train.named_parameters(), model_eval.named_parameters()):
        assert n1 == n2, f"Parameter name mismatch: {n1} vs {n2}"
        if not torch.equal(p1, p2):
            mismatches.append((n1, (p1 - p2).abs().max().item()))
    r["param_mismatches"] = len(mismatches)
    r["params_compared"] = sum(1 for _ in model_train.named_parameters())
    lap("compare parameters")
    tokenizer = AutoTokenizer.from_pretrained(model_dir)                                 # section 3
    r["ids"], diffs = [], []
    with torch.no_grad():
        for p in prompts:
            x = tokenizer(p, return_tensors="pt")
            r["ids"].append(x["input_ids"][0].tolist())
            diffs.append((model_train(**x).logits - model_eval(**x).logits).abs().float())
    r["logit_max"] = max(d.max().item() for d in diffs)
    r["logit_mean"] = torch.cat([d.flatten() for d in diffs]).mean().item()
    lap("tokenize+forward x2")
    del model_train, model_eval, diffs
    gc.collect()
    model_fake = load()                                                                  # section 5
    quantize_(model_fake, qat("prepare"))
    model_real = copy.deepcopy(model_fake)
    quantize_(model_real, QATConfig(Int4WeightOnlyConfig(group_size=128), step="convert"))
    r["real_q_proj_weight"] = type(model_real.model.layers[0].self_attn.q_proj.weight).__name__
    lap("load+prepare+deepcopy+convert")
    fr_max, match = 0.0, True
    with torch.no_grad():
        for p in prompts:
            x = tokenizer(p, return_tensors="pt")
            lf, lr = model_fake(**x).logits, model_real(**x).logits
            fr_max = max(fr_max, (lf - lr).abs().max().item())
            match = match and bool((lf.argmax(-1) == lr.argmax(-1)).all())
    r["fake_vs_real_max"], r["predictions_match"] = fr_max, match
    lap("forward fake vs real")
    r["stages_s"] = times
    Path(out_file).write_text(json.dumps(r))


# ------------------------------------------------------------------------------------------------
# driver
def busy_cpu_s():
    """Machine-wide non-idle CPU seconds so far (/proc/stat)."""
    f = [int(v) for v in open("/proc/stat").readline().split()[1:]]
    return (sum(f[:8]) - f[3] - f[4]) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(max_load, max_wait):
    """Waits until the 1-minute load average is <= max_load (at most max_wait s); returns it."""
    t0 = time.monotonic()
    while os.getloadavg()[0] > max_load and time.monotonic() - t0 < max_wait:
        time.sleep(5)
    return os.getloadavg()[0]


def measure(cmd, env=None):
    """Runs cmd as a direct child; returns wall s, peak RSS KiB, exit code, stderr tail, its CPU s and the
    CPU s that everything else on the machine used meanwhile."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        busy0, t0 = busy_cpu_s(), time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall, busy = time.perf_counter() - t0, busy_cpu_s() - busy0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        cpu = ru.ru_utime + ru.ru_stime
        return {"wall_s": wall, "peak_rss_kb": ru.ru_maxrss, "exit": p.returncode, "cpu_s": cpu,
                "other_cpu_s": max(0.0, busy - cpu)}, err.read().decode(errors="replace")[-2000:]


def run_quantlens(exe, work: Path, threads: int, i: int):
    report = work / f"report_{i}.json"
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    cmd = [exe, "verify", "--train", str(work / "train.yaml"), "--eval", str(work / "eval.yaml"),
           "--prompts", str(work / "prompts.txt"), "--report", str(report)]
    r, err = measure(cmd, env)
    if r["exit"] not in (0, 1):
        raise SystemExit(f"quantlens verify exited {r['exit']}: {err}")
    return dict(r, report=json.loads(report.read_text()))


def run_python(work: Path, threads: int, i: int):
    res = work / f"python_{i}.json"
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    cmd = [sys.executable, __file__, "--notebook-child", str(work / "model"), str(work / "prompts.txt"),
           str(threads), str(res)]
    r, err = measure(cmd, env)
    if r["exit"] != 0:
        raise SystemExit(f"python pipeline exited {r['exit']}: {err}")
    return dict(r, result=json.loads(res.read_text()))


def check(report: dict, kind: str) -> dict:
    return next((c for c in report.get("checks", []) if c.get("kind") == kind), {})


def agreement(q: dict, py: dict) -> dict:
    rep = q["report"]
    ql_ids = [p.get("ids") for p in rep.get("prompts", [])]
    w, lg = check(rep, "weights"), check(rep, "logits")
    return {"ids_identical": ql_ids == py["ids"],
            "python_params_all_match": py["param_mismatches"] == 0,
            "python_logit_diff_zero": py["logit_max"] == 0.0,
            "quantlens_weights": w.get("status"), "quantlens_weights_headline": w.get("headline"),
            "quantlens_logits": lg.get("status"), "quantlens_logits_headline": lg.get("headline"),
            "convert_headline": check(rep, "convert").get("headline"),
            "python_fake_vs_real_max": py["fake_vs_real_max"], "python_predictions_match": py["predictions_match"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quantlens", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tokens", type=int, default=128, help="length of the second prompt (0: notebook prompt only)")
    ap.add_argument("--tiny", action="store_true", help="2-layer H=256 model (smoke test)")
    ap.add_argument("--work", help="default ~/.cache/quantlens/bench/verify-notebook[-tiny]")
    ap.add_argument("--out", help="write all results as JSON here")
    ap.add_argument("--max-load", type=float, default=1.5, help="wait for this 1-minute load average before a run")
    ap.add_argument("--max-wait", type=float, default=300, help="... but at most this many seconds")
    a = ap.parse_args()
    work = Path(a.work or BENCH / ("verify-notebook-tiny" if a.tiny else "verify-notebook"))
    subprocess.run([sys.executable, __file__, "--prepare", str(work), str(int(a.tiny)), str(a.tokens)], check=True)
    runs = []
    for i in range(a.runs):
        for side in ("quantlens", "python"):
            load = wait_for_quiet(a.max_load, a.max_wait)
            r = run_quantlens(a.quantlens, work, a.threads, i) if side == "quantlens" else run_python(work, a.threads, i)
            r.update(side=side, run=i, load_before=load)
            runs.append(r)
            print(f"{side:9s} run {i}: {r['wall_s']:7.2f} s  peak RSS {r['peak_rss_kb'] / 1024:7.0f} MiB  "
                  f"cpu {r['cpu_s']:6.1f} s  others' cpu {r['other_cpu_s']:5.1f} s  load1 before {load:.2f}", flush=True)
    med = {s: (statistics.median(r["wall_s"] for r in runs if r["side"] == s),
               statistics.median(r["peak_rss_kb"] for r in runs if r["side"] == s)) for s in ("quantlens", "python")}
    py_last = [r for r in runs if r["side"] == "python"][-1]
    print("python stages (last run): " + ", ".join(f"{k} {v:.2f}s" for k, v in py_last["result"]["stages_s"].items()))
    agree = agreement([r for r in runs if r["side"] == "quantlens"][-1], py_last["result"])
    print(json.dumps(agree, indent=1))
    print(f"median wall: quantlens {med['quantlens'][0]:.2f} s, python {med['python'][0]:.2f} s -> "
          f"speed-up {med['python'][0] / med['quantlens'][0]:.2f}x (goal >= 5x)")
    print(f"median peak RSS: quantlens {med['quantlens'][1] / 1024:.0f} MiB, python {med['python'][1] / 1024:.0f} MiB"
          f" -> ratio {med['quantlens'][1] / med['python'][1]:.3f} (goal <= 0.5)")
    print(f"driver's own peak RSS (a floor inherited by children): "
          f"{__import__('resource').getrusage(__import__('resource').RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if a.out:
        for r in runs:
            r.pop("report", None)
        exe = Path(a.quantlens)
        info = {"quantlens": str(exe), "quantlens_mtime": time.ctime(exe.stat().st_mtime), "cores": os.cpu_count(),
                "threads": a.threads, "tokens": a.tokens, "tiny": a.tiny}
        Path(a.out).write_text(json.dumps({"info": info, "runs": runs, "median": med, "agreement": agree}, indent=1))
    ok = (agree["ids_identical"] and agree["python_params_all_match"] == (agree["quantlens_weights"] == "pass")
          and agree["python_logit_diff_zero"] == (agree["quantlens_logits"] == "pass"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prepare"]:
        prepare(Path(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4]))
    elif sys.argv[1:2] == ["--notebook-child"]:
        notebook(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        main()
