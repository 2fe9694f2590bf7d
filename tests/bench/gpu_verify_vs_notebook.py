#!/usr/bin/env python3
"""`quantlens verify --device cuda` vs the notebook's steps with torch + torchao + peft on the same GPU, in one
run (issue 14 item 2), and quantlens alone on a checkpoint larger than a GPU memory cap (layer streaming).

Usage:
  gpu_verify_vs_notebook.py gen --shape qwen3-4b [--layers N] [--work DIR] [--device cuda|cpu] [--no-adapter]
  gpu_verify_vs_notebook.py run --quantlens EXE --shape qwen3-4b [--layers N] [--work DIR] [--device cuda|cpu]
        [--no-adapter] [--skip-python] [--gpu-cap-gb G] [--tokens N] [--timeout S] [--out r.json]
  gpu_verify_vs_notebook.py summary --stages FILE --json A.json B.json   (gpu_run.sh's closing table)

gen: the synthetic checkpoint (synth.py: seeded N(0, 0.02) bf16 weights drawn on --device, written shard by
shard) and a rank-16 LoRA adapter on all 7 projections (PEFT's own save_pretrained, nonzero A and B) into
WORK/model and WORK/adapter; kept when present with a matching stamp. Shapes: qwen3-4b (36 layers, 8 GB,
2 shards), llama3-70b (Llama-3-70B: hidden 8192, intermediate 28672, 64 heads, 8 kv heads, vocab 128256;
--layers 20 = its first 20 layers, about 38 GB).

run: each side is a fresh child process; wall time includes interpreter start, imports and loading.
  quantlens: `EXE verify --train train.yaml --eval eval.yaml --prompts prompts.txt --device cuda --report r.json`
    (train = adapter unmerged, eval = adapter merged, int4 g128 plain, torchao 0.18, cuda numerics).
    --gpu-cap-gb G sets PYTORCH_CUDA_ALLOC_CONF=per_process_memory_fraction:<G / device memory> for it
    (c10's caching allocator reads it: allocations beyond the cap fail with out-of-memory).
  python: notebook_pipeline.py on the same files and device (sections 1-5; section 4 = PeftModel unmerged vs
    merge_and_unload; mslk stand-ins when mslk is absent, as the result says). --skip-python: quantlens only.
Measured: wall, peak host RSS (ru_maxrss via os.wait4), peak GPU memory: nvidia-smi memory.used sampled every
100 ms minus the value before the start (whole device, CUDA context included; both sides) and, for python,
torch.cuda.max_memory_allocated / max_memory_reserved (no context); for quantlens the report's
`device_memory` {max_allocated, max_reserved} when it writes one. Compared: both verdicts (token ids; params
identical <=> weights check passes; logit diff 0 <=> logits check passes) and the train-vs-eval logit max |diff|
of the report vs Python's (float32 difference of the bf16 logits) under the report's logit_tolerance (|a-b| <= atol OR <= rtol*|b|). Goals (issue 14):
quantlens <= 5 s including load, >= 10x faster than python, peak GPU memory <= 1.3x the model's bf16 size.
--device cpu runs the same on CPU (dry run without a GPU; quantlens gets --device cpu and cpu numerics).
Prints a table last; exit 1 when a side fails or the verdicts disagree.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_harness as bh  # noqa: E402
from verify_vs_notebook import agreement, verdicts_agree  # noqa: E402


def gen(a):
    """Child: checkpoint + adapter + tokenizer (in the model folder), recipes, prompts."""
    import synth
    work = Path(a.work)
    t0 = time.perf_counter()
    model = synth.make_model(work / "model", a.shape, a.layers, a.seed, a.device,
                             log=lambda m: print(f"[{time.perf_counter() - t0:6.1f} s] {m}", flush=True))
    tok = synth.make_tokenizer(model)
    if not a.no_adapter:
        synth.make_adapter(work / "adapter", model, a.shape, a.layers, rank=16, alpha=32, seed=a.seed + 1,
                           device=a.device)
    prompts = [synth.NOTEBOOK_PROMPT] + ([synth.prompt_of_tokens(tok, a.tokens)] if a.tokens > 0 else [])
    (work / "prompts.txt").write_text("\n".join(prompts) + "\n")
    synth.write_recipes(work, "model", None if a.no_adapter else "adapter", a.device)
    print(f"[{time.perf_counter() - t0:6.1f} s] checkpoint ready in {work}", flush=True)


def device_total_mib():
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=memory.total", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=20).stdout.split()
        return int(out[0])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def run_quantlens(a, work: Path) -> dict:
    report = work / "report_quantlens.json"
    if report.exists():
        report.unlink()
    env = dict(os.environ)
    cap = {}
    if a.gpu_cap_gb:
        total = device_total_mib()
        if total:
            frac = min(1.0, a.gpu_cap_gb * 1024 / total)
            env["PYTORCH_CUDA_ALLOC_CONF"] = ",".join(
                filter(None, [env.get("PYTORCH_CUDA_ALLOC_CONF"), f"per_process_memory_fraction:{frac:.4f}"]))
            cap = {"gpu_cap_gib": a.gpu_cap_gb, "device_total_mib": total, "fraction": frac}
    cmd = [a.quantlens, "verify", "--train", work / "train.yaml", "--eval", work / "eval.yaml",
           "--prompts", work / "prompts.txt", "--device", a.device, "--report", report]
    r, _, err = bh.measure(cmd, env, gpu=a.device == "cuda", timeout=a.timeout)
    r.update(cap, stderr_tail=err[-1500:])
    if report.exists():
        rep = json.loads(report.read_text())
        r["report"] = rep
        r["checks"] = {c.get("kind"): c.get("status") for c in rep.get("checks", [])}
        r["device_memory"] = rep.get("device_memory")
    return r


def run_python(a, work: Path) -> dict:
    res = work / "result_python.json"
    adapter = "-" if a.no_adapter else work / "adapter"
    cmd = [sys.executable, HERE / "notebook_pipeline.py", work / "model", adapter, work / "prompts.txt", a.device,
           0 if a.device == "cuda" else a.threads, res]
    r, _, err = bh.measure(cmd, gpu=a.device == "cuda", timeout=a.timeout)
    r["stderr_tail"] = err[-1500:]
    if r["exit"] == 0 and res.exists():
        r["result"] = json.loads(res.read_text())
    return r


def logit_gap(rep: dict, py: dict) -> dict:
    """The report's train-vs-eval logit max |diff| vs Python's (the float32 difference of its bf16 logits; the
    notebook's own bf16 subtraction rounds the difference), under the report's logit tolerance."""
    ql, ref = bh.dig(rep, "logits", "diff", "max_abs"), py.get("logit_max_fp32", py.get("logit_max"))
    tol = rep.get("logit_tolerance") or {}
    if not isinstance(ql, (int, float)) or ref is None or not tol:
        return {"quantlens": ql, "python": ref, "tolerance": tol, "within": None}
    gap = abs(ql - ref)
    return {"quantlens": ql, "python": ref, "abs_gap": gap, "tolerance": tol,
            "within": gap <= tol.get("atol", 0) or gap <= tol.get("rtol", 0) * abs(ref)}


def mib(v):
    return None if v is None else f"{v / 2**20:.0f}"


def run(a):
    work = Path(a.work)
    model_bytes = sum(f.stat().st_size for f in (work / "model").glob("*.safetensors"))
    summary = {"shape": a.shape, "layers": a.layers, "adapter": not a.no_adapter, "device": a.device,
               "model_bytes": model_bytes, "work": str(work)}
    q = run_quantlens(a, work)
    print(f"quantlens: exit {q['exit']}, {q['wall_s']:.2f} s, host RSS {q['peak_rss_kb'] / 1024:.0f} MiB, "
          f"GPU (nvidia-smi) {q.get('gpu_mem_peak_mib')} MiB, checks {q.get('checks')}", flush=True)
    if q["exit"] not in (0, 1):
        print(q["stderr_tail"], flush=True)
    rep = q.pop("report", {})
    summary["quantlens"] = q
    ok = q["exit"] in (0, 1) and bool(rep)
    if not a.skip_python:
        p = run_python(a, work)
        print(f"python:    exit {p['exit']}, {p['wall_s']:.2f} s, host RSS {p['peak_rss_kb'] / 1024:.0f} MiB, "
              f"GPU (nvidia-smi) {p.get('gpu_mem_peak_mib')} MiB", flush=True)
        summary["python"] = p
        if p["exit"] != 0 or "result" not in p:
            print(p["stderr_tail"], flush=True)
            ok = False
        elif rep:
            py = p["result"]
            summary["agreement"] = agreement(rep, py)
            summary["verdicts_agree"] = verdicts_agree(summary["agreement"])
            summary["logit_gap"] = logit_gap(rep, py)
            summary["speedup"] = p["wall_s"] / q["wall_s"]
            ok = ok and summary["verdicts_agree"]
    if q.get("gpu_mem_peak_mib") is not None and model_bytes:
        summary["quantlens_gpu_peak_over_model"] = q["gpu_mem_peak_mib"] * 2**20 / model_bytes
    summary["ok"] = ok
    print_table(summary)
    if a.out:
        bh.write_json(a.out, summary)
    return 0 if ok else 1


def print_table(s: dict):
    print(f"\n{s['shape']} ({s['layers'] or 'all'} layers, {s['model_bytes'] / 1e9:.2f} GB bf16), "
          f"{'LoRA r16 unmerged vs merged' if s['adapter'] else 'no adapter'}, device {s['device']}")
    rows = []
    for side in ("quantlens", "python"):
        r = s.get(side)
        if not r:
            continue
        res = r.get("result", {})
        dm = r.get("device_memory") or {}
        rows.append([side, r["exit"], f"{r['wall_s']:.2f}", f"{r['peak_rss_kb'] / 1024:.0f}",
                     r.get("gpu_mem_peak_mib"), mib(res.get("cuda_max_allocated", dm.get("max_allocated"))),
                     mib(res.get("cuda_max_reserved", dm.get("max_reserved")))])
    print(bh.table(rows, ["side", "exit", "wall s (incl. load)", "host peak RSS MiB", "GPU peak MiB (nvidia-smi)",
                          "GPU max allocated MiB", "GPU max reserved MiB"]))
    if "speedup" in s:
        print(f"speed-up python/quantlens {s['speedup']:.2f}x (goal >= 10x); verdicts agree: {s['verdicts_agree']}; "
              f"logit max |diff| quantlens {s['logit_gap']['quantlens']} vs python {s['logit_gap']['python']} "
              f"(within the report's tolerance: {s['logit_gap']['within']})")
    if "quantlens_gpu_peak_over_model" in s:
        print(f"quantlens GPU peak / model bf16 size: {s['quantlens_gpu_peak_over_model']:.2f} (goal <= 1.3)")
    if s["quantlens"].get("gpu_cap_gib"):
        print(f"GPU cap {s['quantlens']['gpu_cap_gib']} GiB (per_process_memory_fraction "
              f"{s['quantlens']['fraction']:.4f}); quantlens exit {s['quantlens']['exit']}")


def summary(a):
    """gpu_run.sh's closing table: its stage lines ("name status seconds note...") + the run summaries."""
    print("QuantLens device run (tests/bench/gpu_run.sh)")
    stages = [line.split(" ", 3) for line in Path(a.stages).read_text().splitlines() if line.strip()]
    print(bh.table([s + [""] * (4 - len(s)) for s in stages], ["stage", "status", "s", "note"]))
    rows = []
    for path in a.json:
        if not Path(path).exists():
            rows.append([Path(path).name, "missing"] + [None] * 8)
            continue
        s = json.loads(Path(path).read_text())
        q, p = s.get("quantlens", {}), s.get("python", {})
        gap = s.get("logit_gap", {})
        rows.append([f"{s['shape']} L{s['layers'] or 'all'} ({s['model_bytes'] / 1e9:.1f} GB)",
                     f"exit {q.get('exit')}, {q.get('wall_s', 0):.2f} s",
                     f"{q.get('peak_rss_kb', 0) / 1024:.0f}", q.get("gpu_mem_peak_mib"),
                     f"{s['quantlens_gpu_peak_over_model']:.2f}" if "quantlens_gpu_peak_over_model" in s else None,
                     f"exit {p['exit']}, {p['wall_s']:.2f} s" if p else None,
                     f"{p['peak_rss_kb'] / 1024:.0f}" if p else None,
                     p.get("gpu_mem_peak_mib") if p else None,
                     f"{s['speedup']:.1f}x" if "speedup" in s else None,
                     f"{s.get('verdicts_agree')}; gap {gap.get('quantlens')} vs {gap.get('python')}" if gap else None])
    print(bh.table(rows, ["case", "quantlens", "host RSS MiB", "GPU MiB", "GPU / model", "python",
                          "host RSS MiB", "GPU MiB", "speed-up", "verdicts agree; logit gap ql vs py"]))
    print("goals (issue 14): quantlens <= 5 s incl. load, >= 10x python, GPU peak <= 1.3x model bf16; "
          "GPU MiB = nvidia-smi memory.used peak minus idle (CUDA context included)")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["gen", "run", "summary"])
    ap.add_argument("--quantlens", help="the quantlens executable (run)")
    ap.add_argument("--shape", default="qwen3-4b", choices=["qwen3-4b", "llama3-70b", "qwen3-0.6b"])
    ap.add_argument("--layers", type=int, default=0, help="N layers instead of the shape's own")
    ap.add_argument("--work", help="default /tmp/ql_bench_<shape>[-L<N>]")
    ap.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    ap.add_argument("--no-adapter", action="store_true")
    ap.add_argument("--skip-python", action="store_true", help="quantlens only")
    ap.add_argument("--gpu-cap-gb", type=float, default=0, help="GPU memory cap for quantlens (GiB)")
    ap.add_argument("--tokens", type=int, default=0, help="add a prompt of about N tokens (gen)")
    ap.add_argument("--threads", type=int, default=2, help="CPU threads of the python side with --device cpu")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=None, help="kill a side after this many seconds")
    ap.add_argument("--out", help="write the summary as JSON here (run)")
    ap.add_argument("--stages", help="gpu_run.sh's stage lines (summary)")
    ap.add_argument("--json", nargs="*", default=[], help="run summaries (summary)")
    a = ap.parse_args()
    if a.mode == "summary":
        return summary(a)
    a.work = a.work or f"/tmp/ql_bench_{a.shape}{f'-L{a.layers}' if a.layers else ''}"
    if a.mode == "gen":
        return gen(a)
    if not a.quantlens:
        ap.error("run needs --quantlens")
    return run(a)


if __name__ == "__main__":
    sys.exit(main())
