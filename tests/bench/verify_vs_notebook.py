#!/usr/bin/env python3
"""`quantlens verify` vs the seed notebook's Python pipeline (sections 1-5, section 4 included), on CPU,
on a Qwen3-0.6B-shaped checkpoint with a rank-16 LoRA adapter on all 7 projections.

Usage: verify_vs_notebook.py --quantlens EXE [--runs 3] [--threads 2] [--tokens 0] [--layers N]
                             [--no-adapter] [--out r.json]

Checkpoint: forward_vs_transformers.py's synthetic bf16 Qwen3-0.6B-shaped model (28 layers; built once into
~/.cache/quantlens/bench/), or with --layers N an N-layer model of the same shapes made by synth.py (quick
try). Linked into WORK/model next to a 1024-token byte-level BPE tokenizer.json trained here. Adapter
(WORK/adapter): synth.make_adapter, PEFT's own save_pretrained of a LoRA r=16, alpha=32 on q/k/v/o/gate/up/
down with seeded random nonzero A and B (s*B@A about 1 % of the weights' scale). Generation is skipped when
the files are present and their stamp (generator version + parameters) matches.

Python side (one fresh process per run): notebook_pipeline.py: QAT configs compared; the training student
(load + QATConfig(Int4WeightOnlyConfig(group_size=128), step="prepare") + PeftModel.from_pretrained,
unmerged) and eval's reconstruction (fresh load + prepare + PeftModel + merge_and_unload), parameters
compared by name, forward on every prompt, logit diff; then the convert section on a fresh eval-style
model (load + prepare + merge, deepcopy, step="convert", fake vs real forward, argmax match). CPU int4
kernel: see notebook_pipeline.py. QuantLens side: `EXE verify --train train.yaml --eval eval.yaml
--prompts prompts.txt --report r.json`, train = adapter unmerged, eval = adapter merged, both int4 g128
plain, torchao 0.18, cpu numerics. --no-adapter: both sides plain (the earlier benchmark).

Runs alternate QuantLens / Python (fresh process each; wall = the whole process; peak RSS = ru_maxrss of
that child from os.wait4). Before each run the driver waits for the 1-minute load average (--max-load, at
most --max-wait s) and records it and the CPU seconds other processes used during the run. Both sides'
verdicts are compared (token ids identical; parameters identical <=> weights check passes; logit diff 0
<=> logits check passes); exit 1 when they disagree. Prints a table last; --out writes all as JSON.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import bench_harness as bh

HERE = Path(__file__).resolve().parent
BENCH = Path.home() / ".cache/quantlens/bench"


# ------------------------------------------------------------------------------------------------
# preparation (in a child: this driver never imports torch)
def prepare(work: Path, layers: int, tokens: int, adapter: bool, seed: int):
    import synth
    if layers > 0:
        src = synth.make_model(BENCH / f"qwen3-0.6b-L{layers}-seed{seed}", "qwen3-0.6b", layers, seed)
    else:
        import forward_vs_transformers as fvt  # its builder: seeded from_config init, bf16, save_pretrained
        fvt.make_model()
        src = fvt.MODEL
    model = work / "model"
    synth.link_model(src, model)
    tok = synth.make_tokenizer(model)
    if adapter:
        synth.make_adapter(work / "adapter", model, "qwen3-0.6b", layers, rank=16, alpha=32, seed=seed + 1)
    prompts = [synth.NOTEBOOK_PROMPT] + ([synth.prompt_of_tokens(tok, tokens)] if tokens > 0 else [])
    (work / "prompts.txt").write_text("\n".join(prompts) + "\n")
    synth.write_recipes(work, "model", "adapter" if adapter else None, "cpu")


# ------------------------------------------------------------------------------------------------
# the two sides
def thread_env(threads: int) -> dict:
    return dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))


def run_quantlens(exe, work: Path, threads: int, i: int) -> dict:
    report = work / f"report_{i}.json"
    cmd = [exe, "verify", "--train", work / "train.yaml", "--eval", work / "eval.yaml",
           "--prompts", work / "prompts.txt", "--report", report]
    r, _, err = bh.measure(cmd, thread_env(threads))
    if r["exit"] not in (0, 1):
        raise SystemExit(f"quantlens verify exited {r['exit']}: {err}")
    return dict(r, report=__import__("json").loads(report.read_text()))


def run_python(work: Path, adapter: bool, threads: int, i: int) -> dict:
    res = work / f"python_{i}.json"
    cmd = [sys.executable, HERE / "notebook_pipeline.py", work / "model", work / "adapter" if adapter else "-",
           work / "prompts.txt", "cpu", threads, res]
    r, _, err = bh.measure(cmd, thread_env(threads))
    if r["exit"] != 0:
        raise SystemExit(f"python pipeline exited {r['exit']}: {err}")
    return dict(r, result=__import__("json").loads(res.read_text()))


def agreement(rep: dict, py: dict) -> dict:
    """Both sides' verdicts and the numbers both compute (quantlens report vs notebook_pipeline result)."""
    return {"ids_identical": [p.get("ids") for p in rep.get("prompts", [])] == py["ids"],
            "python_params_all_match": py["param_mismatches"] == 0,
            "python_param_mismatches": py["param_mismatches"], "python_params_compared": py["params_compared"],
            "quantlens_weights": bh.check(rep, "weights").get("status"),
            "quantlens_weights_headline": bh.check(rep, "weights").get("headline"),
            "python_logit_diff_zero": py["logit_max"] == 0.0,
            "quantlens_logits": bh.check(rep, "logits").get("status"),
            "quantlens_logits_headline": bh.check(rep, "logits").get("headline"),
            "logit_max_abs": {"python": py["logit_max"], "python_fp32": py.get("logit_max_fp32"),
                              "quantlens": bh.dig(rep, "logits", "diff", "max_abs")},
            "logit_top1_agreement": {"python": py["top1_agreement"],
                                     "quantlens": bh.dig(rep, "logits", "top1_agreement")},
            "convert_status": bh.check(rep, "convert").get("status"),
            "convert_headline": bh.check(rep, "convert").get("headline"),
            "fake_vs_real_max_abs": {"python": py.get("fake_vs_real_max"),
                                     "python_fp32": py.get("fake_vs_real_max_fp32"),
                                     "quantlens": bh.dig(rep, "convert", "deployments", 0, "logits", "max_abs")},
            "fake_vs_real_argmax_agreement": {"python": py.get("fake_vs_real_argmax_agreement"),
                                              "quantlens": bh.dig(rep, "convert", "deployments", 0, "argmax_agreement")},
            "python_predictions_match": py.get("predictions_match")}


def verdicts_agree(a: dict) -> bool:
    return (a["ids_identical"] and a["python_params_all_match"] == (a["quantlens_weights"] == "pass")
            and a["python_logit_diff_zero"] == (a["quantlens_logits"] == "pass"))


# ------------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quantlens", required=True, help="the quantlens executable")
    ap.add_argument("--runs", type=int, default=3, help="alternating runs per side (default 3)")
    ap.add_argument("--tokens", type=int, default=0, help="add a prompt of about N tokens (0: notebook prompt only)")
    ap.add_argument("--layers", type=int, default=0, help="N-layer model of the same shapes (quick try; 0: 28)")
    ap.add_argument("--no-adapter", action="store_true", help="both sides without adapter (earlier benchmark)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the --layers model (adapter: seed + 1)")
    ap.add_argument("--work", help="default ~/.cache/quantlens/bench/verify-notebook[-nolora][-L<N>]")
    bh.add_run_args(ap)
    a = ap.parse_args()
    adapter = not a.no_adapter
    work = Path(a.work or BENCH / ("verify-notebook" + ("" if adapter else "-nolora") +
                                   (f"-L{a.layers}" if a.layers else "")))
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, __file__, "--prepare", work, str(a.layers), str(a.tokens), str(int(adapter)),
                    str(a.seed)], check=True)
    runs = []
    for i in range(a.runs):
        for side in ("quantlens", "python"):
            load = bh.wait_for_quiet(a.max_load, a.max_wait)
            r = (run_quantlens(a.quantlens, work, a.threads, i) if side == "quantlens"
                 else run_python(work, adapter, a.threads, i))
            r.update(side=side, run=i, load_before=load)
            runs.append(r)
            print(f"{side:9s} run {i}: {r['wall_s']:7.2f} s  peak RSS {r['peak_rss_kb'] / 1024:7.0f} MiB  "
                  f"cpu {r['cpu_s']:6.1f} s (sys {r['sys_s']:5.1f})  others' cpu {r['other_cpu_s']:5.1f} s  "
                  f"load1 before {load:.2f}", flush=True)
    side_runs = {s: [r for r in runs if r["side"] == s] for s in ("quantlens", "python")}
    med = {s: {"wall_s": statistics.median(r["wall_s"] for r in rs),
               "peak_rss_mib": statistics.median(r["peak_rss_kb"] for r in rs) / 1024,
               "cpu_s": statistics.median(r["cpu_s"] for r in rs)} for s, rs in side_runs.items()}
    py_last = side_runs["python"][-1]["result"]
    agree = agreement(side_runs["quantlens"][-1]["report"], py_last)
    speedup = med["python"]["wall_s"] / med["quantlens"]["wall_s"]
    rss_ratio = med["quantlens"]["peak_rss_mib"] / med["python"]["peak_rss_mib"]
    goal_speed, goal_rss = (15, 0.2) if adapter else (5, 0.5)
    print("python stages (last run): " + ", ".join(f"{k} {v:.2f}s" for k, v in py_last["stages_s"].items()))
    print("python int4 convert kernel: " + py_last["int4_impl"])
    for k, v in agree.items():
        print(f"  {k}: {v}")
    print(f"driver's own peak RSS (a floor inherited by children): {bh.driver_rss_mib():.0f} MiB")
    rows = [[s, ", ".join(f"{r['wall_s']:.2f}" for r in rs), f"{med[s]['wall_s']:.2f}", f"{med[s]['cpu_s']:.1f}",
             ", ".join(f"{r['peak_rss_kb'] / 1024:.0f}" for r in rs), f"{med[s]['peak_rss_mib']:.0f}"]
            for s, rs in side_runs.items()]
    print(f"\nverify vs notebook, Qwen3-0.6B-shaped ({a.layers or 28} layers), "
          f"{'LoRA r16 unmerged vs merged' if adapter else 'no adapter'}, {a.threads} threads, "
          f"prompt tokens {[len(i) for i in py_last['ids']]}")
    print(bh.table(rows, ["side", "wall s per run", "median wall s", "median CPU s", "peak RSS MiB per run",
                          "median peak RSS MiB"]))
    print(f"speed-up python/quantlens {speedup:.2f}x (goal >= {goal_speed}x); "
          f"peak RSS quantlens/python {rss_ratio:.3f} (goal <= {goal_rss}); verdicts agree: {verdicts_agree(agree)}")
    if a.out:
        for r in runs:
            r.pop("report", None)
        exe = Path(a.quantlens)
        info = {"quantlens": str(exe), "quantlens_mtime": time.ctime(exe.stat().st_mtime), "cores": os.cpu_count(),
                "threads": a.threads, "tokens": a.tokens, "layers": a.layers or 28, "adapter": adapter,
                "work": str(work)}
        bh.write_json(a.out, {"info": info, "runs": runs, "median": med, "speedup": speedup,
                              "rss_ratio": rss_ratio, "goals": {"speedup": goal_speed, "rss_ratio": goal_rss},
                              "agreement": agree, "verdicts_agree": verdicts_agree(agree)})
    sys.exit(0 if verdicts_agree(agree) else 1)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    if sys.argv[1:2] == ["--prepare"]:
        w, layers, tokens, adapter, seed = sys.argv[2:7]
        prepare(Path(w), int(layers), int(tokens), adapter == "1", int(seed))
    else:
        main()
