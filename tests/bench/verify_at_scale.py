#!/usr/bin/env python3
"""`quantlens verify` alone at real model sizes (CPU numerics): Qwen3-4B-shaped (8 GB, 2 shards) or
Qwen3-14B-shaped (30 GB, 8 shards of ~4 GB: larger than this machine's RAM), + a rank-16 LoRA adapter on
all 7 projections, train = adapter unmerged vs eval = adapter merged, int4 g128, one prompt.

Usage: verify_at_scale.py --quantlens EXE [--shape qwen3-4b|qwen3-14b] [--layers N] [--runs 1]
                          [--read-runs 3] [--threads 2] [--no-adapter] [--three-causes] [--out r.json]

--three-causes: the eval recipe also differs in group size (64) and torchao release (0.15), so the
config check finds three numerics causes and the diagnosis runs five eval tracks (eval, three single
reverts, all reverted) in the same walk; the result names the report's walk statistics (tracks, Linear
forwards shared). Goal (issue 18): wall <= 2x the plain run's and peak RSS <= 2 GB.

Checkpoint: synth.py (seeded N(0, 0.02) bf16 weights, written shard by shard with one tensor in memory;
LoRA r=16 alpha=32 saved by PEFT, nonzero A and B) under ~/.cache/quantlens/bench/<shape>[-L<N>]-seed<S>
and .../lora-<shape>...; kept when present and their stamp matches. --layers N: the same shapes with N
layers (quick try).

Per run (fresh process, after waiting for the load average like verify_vs_notebook.py): wall time of the
whole process, user and system CPU seconds, peak RSS (ru_maxrss from os.wait4), others' CPU seconds.
Read time: every shard is read once with `cat` to warm the page cache, then `cat shards > /dev/null` is
timed --read-runs times (median); when the shards are larger than the memory available, the page cache
cannot hold them and this is the disk read time (said in the output). Goals (issue 11): 4B wall <= 15x the
read time and peak RSS <= 2 GB; 14B completes every check with peak RSS <= 3 GB. Exit 1 when quantlens
fails (exit code not 0/1) or a check of its report is missing or has status "error".
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import bench_harness as bh

HERE = Path(__file__).resolve().parent
BENCH = Path.home() / ".cache/quantlens/bench"
CHECKS = ["config", "weights", "logits", "activations", "convert", "adapter_merge"]
GOALS = {"qwen3-4b": {"wall_over_read": 15, "peak_rss_gib": 2}, "qwen3-14b": {"peak_rss_gib": 3}}


def folders(shape: str, layers: int, seed: int):
    tag = f"{shape}{f'-L{layers}' if layers else ''}-seed{seed}"
    return BENCH / tag, BENCH / f"lora-{tag}", BENCH / f"verify-{tag}"


def prepare(shape: str, layers: int, seed: int, adapter: bool):
    """Child process: checkpoint, adapter, tokenizer (in the model folder), recipes, prompt."""
    import synth
    model_dir, lora_dir, work = folders(shape, layers, seed)
    synth.make_model(model_dir, shape, layers, seed)
    if adapter:
        synth.make_adapter(lora_dir, model_dir, shape, layers, rank=16, alpha=32, seed=seed + 1)
    work.mkdir(parents=True, exist_ok=True)
    (work / "prompts.txt").write_text(synth.NOTEBOOK_PROMPT + "\n")
    synth.write_recipes(work, model_dir, lora_dir if adapter else None, "cpu")


def mem_available_bytes() -> int:
    for line in open("/proc/meminfo"):
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def read_times(files: list, runs: int) -> dict:
    """Warms the page cache with one `cat`, then times `runs` more; returns the times and the median."""
    cmd = ["cat", *map(str, files)]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    total = sum(f.stat().st_size for f in files)
    return {"read_s": times, "read_median_s": statistics.median(times), "bytes": total,
            "fits_page_cache": total < mem_available_bytes(), "gb_per_s": total / statistics.median(times) / 1e9}


THREE_CAUSES = {"group_size: 128": "group_size: 64", 'torchao_version: "0.18"': 'torchao_version: "0.15"'}


def eval_recipe(work: Path, three_causes: bool) -> Path:
    """eval.yaml, or eval_three_causes.yaml: the same with group size 64 and torchao 0.15."""
    if not three_causes:
        return work / "eval.yaml"
    text = (work / "eval.yaml").read_text()
    for old, new in THREE_CAUSES.items():
        text = text.replace(old, new)
    path = work / "eval_three_causes.yaml"
    path.write_text(text)
    return path


def run_quantlens(exe, work: Path, threads: int, i: int, three_causes: bool = False) -> dict:
    report = work / f"report_{i}.json"
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    cmd = [exe, "verify", "--train", work / "train.yaml", "--eval", eval_recipe(work, three_causes),
           "--prompts", work / "prompts.txt", "--report", report]
    if report.exists():
        report.unlink()
    r, _, err = bh.measure(cmd, env)
    r["stderr_tail"] = err[-800:]
    if report.exists() and r["exit"] in (0, 1):
        rep = json.loads(report.read_text())
        r["checks"] = {c: bh.check(rep, c).get("status") for c in CHECKS}
        r["headlines"] = {c: bh.check(rep, c).get("headline") for c in CHECKS}
        r["report_wall_s"] = rep.get("wall_seconds")
        r["walk"] = rep.get("walk")
        r["diagnosis_causes"] = [c["field"] for c in (rep.get("diagnosis") or {}).get("causes", [])]
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quantlens", required=True, help="the quantlens executable")
    ap.add_argument("--shape", default="qwen3-4b", choices=sorted(GOALS), help="model shape (default qwen3-4b)")
    ap.add_argument("--layers", type=int, default=0, help="N layers instead of the shape's own (quick try)")
    ap.add_argument("--runs", type=int, default=1, help="quantlens runs (default 1)")
    ap.add_argument("--read-runs", type=int, default=3, help="timed reads of the shards (default 3, median)")
    ap.add_argument("--no-adapter", action="store_true", help="both sides without adapter")
    ap.add_argument("--three-causes", action="store_true",
                    help="eval also differs in group size and torchao release (five diagnosis tracks)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the weights (adapter: seed + 1)")
    bh.add_run_args(ap)
    a = ap.parse_args()
    adapter = not a.no_adapter
    t0 = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--prepare", a.shape, str(a.layers), str(a.seed), str(int(adapter))],
                   check=True)
    prepare_s = time.perf_counter() - t0
    model_dir, _, work = folders(a.shape, a.layers, a.seed)
    shards = sorted(model_dir.glob("*.safetensors"))
    subprocess.run(["cat", *map(str, shards)], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
    runs = []
    for i in range(a.runs):
        load = bh.wait_for_quiet(a.max_load, a.max_wait)
        r = run_quantlens(a.quantlens, work, a.threads, i, a.three_causes)
        r.update(run=i, load_before=load)
        runs.append(r)
        print(f"quantlens run {i}: exit {r['exit']}  {r['wall_s']:.2f} s  user {r['user_s']:.1f} s  "
              f"sys {r['sys_s']:.1f} s  peak RSS {r['peak_rss_kb'] / 1024:.0f} MiB  others' cpu "
              f"{r['other_cpu_s']:.1f} s  load1 before {load:.2f}", flush=True)
        print(f"  checks: {r.get('checks')}", flush=True)
        print(f"  walk: {r.get('walk')}; diagnosis causes: {r.get('diagnosis_causes')}", flush=True)
    read = read_times(shards, a.read_runs)
    wall = statistics.median(r["wall_s"] for r in runs)
    rss_gib = statistics.median(r["peak_rss_kb"] for r in runs) / 2**20
    goals = GOALS[a.shape]
    ok = all(r["exit"] in (0, 1) and r.get("checks") and None not in r["checks"].values()
             and "error" not in r["checks"].values() for r in runs)
    layers = a.layers or __import__("synth").SHAPES[a.shape]["num_hidden_layers"]
    print(f"\nquantlens verify at scale: {a.shape}-shaped, {layers} layers, {read['bytes'] / 1e9:.2f} GB in "
          f"{len(shards)} shard(s), {'LoRA r16 unmerged vs merged' if adapter else 'no adapter'}, "
          f"{a.threads} threads, 1 prompt (generation/check of the files: {prepare_s:.0f} s)")
    print(f"reading the shards once (`cat > /dev/null`, median of {a.read_runs}"
          f"{'' if read['fits_page_cache'] else '; larger than the memory available: disk read, not page cache'}):"
          f" {read['read_median_s']:.2f} s ({read['gb_per_s']:.2f} GB/s)")
    rows = [[r["run"], r["exit"], f"{r['wall_s']:.2f}", f"{r['user_s']:.1f}", f"{r['sys_s']:.1f}",
             f"{r['peak_rss_kb'] / 1024:.0f}", f"{r['wall_s'] / read['read_median_s']:.1f}",
             f"{r['other_cpu_s']:.1f}"] for r in runs]
    print(bh.table(rows, ["run", "exit", "wall s", "user s", "sys s", "peak RSS MiB", "wall / read", "others' CPU s"]))
    goal_text = ", ".join(f"{k} <= {v}" for k, v in goals.items())
    print(f"median wall {wall:.2f} s = {wall / read['read_median_s']:.1f}x the read time; peak RSS {rss_gib:.2f} GiB "
          f"(goals: {goal_text}); every check completed: {ok}")
    if a.out:
        exe = Path(a.quantlens)
        info = {"quantlens": str(exe), "quantlens_mtime": time.ctime(exe.stat().st_mtime), "cores": os.cpu_count(),
                "threads": a.threads, "shape": a.shape, "layers": layers, "adapter": adapter,
                "model_dir": str(model_dir), "prepare_s": prepare_s, "mem_available_bytes": mem_available_bytes()}
        bh.write_json(a.out, {"info": info, "runs": runs, "read": read, "median_wall_s": wall,
                              "median_peak_rss_gib": rss_gib, "wall_over_read": wall / read["read_median_s"],
                              "goals": goals, "all_checks_completed": ok})
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    if sys.argv[1:2] == ["--prepare"]:
        shape, layers, seed, adapter = sys.argv[2:6]
        prepare(shape, int(layers), int(seed), adapter == "1")
    else:
        main()
