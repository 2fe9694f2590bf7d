#!/usr/bin/env python3
"""Prefill benchmark: QuantLens forward (ql_forward_bench) vs transformers 5 eager on a Qwen3-0.6B-shaped
synthetic bf16 checkpoint (28 layers, H 1024, 16 heads, 8 kv heads, head_dim 128, I 3072, V 151936),
created once with transformers from a config + seeded init into ~/.cache/quantlens/bench/.

Usage: forward_vs_transformers.py BENCH_EXE [--tokens 512] [--threads N] [--runs 3] [--attn eager|sdpa]
Each run is a fresh process (so peak RSS is per run), alternating QuantLens / transformers; prints
wall time and CPU time (user + system, all threads) of the forward and peak RSS for each, the
medians and the ratios, the load average around the runs, and whether the logit checksums agree.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

MODEL = Path.home() / ".cache/quantlens/bench/qwen3-0.6b-synthetic-bf16"

CHILD = r"""
import json, resource, sys, time, torch
from transformers import AutoModelForCausalLM
model_dir, tokens, threads, attn = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
if threads > 0:
    torch.set_num_threads(threads)
model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.bfloat16, attn_implementation=attn).eval()
ids = ((torch.arange(tokens, dtype=torch.int64) * 7919 + 13) % model.config.vocab_size).unsqueeze(0)
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
with torch.no_grad():
    c0, t0 = cpu(), time.perf_counter()
    logits = model(input_ids=ids).logits
    seconds, cpu_seconds = time.perf_counter() - t0, cpu() - c0
print(json.dumps({"impl": "transformers", "seconds": seconds, "cpu_seconds": cpu_seconds,
                  "threads": torch.get_num_threads(),
                  "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "checksum": logits.double().sum().item()}))
"""


def make_model():
    if (MODEL / "config.json").exists():
        return
    import torch
    from transformers import AutoModelForCausalLM, Qwen3Config
    cfg = Qwen3Config(hidden_size=1024, intermediate_size=3072, num_hidden_layers=28, num_attention_heads=16,
                      num_key_value_heads=8, head_dim=128, vocab_size=151936, max_position_embeddings=40960,
                      tie_word_embeddings=True, rms_norm_eps=1e-6, rope_theta=1000000.0)
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(cfg).to(torch.bfloat16)
    model.save_pretrained(MODEL)


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bench_exe")
    ap.add_argument("--tokens", type=int, default=512)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--attn", default="eager", choices=["eager", "sdpa"])
    a = ap.parse_args()
    # In a child process: ru_maxrss survives fork+exec on Linux, so a parent that held the model
    # would inflate every later child's peak RSS.
    subprocess.run([sys.executable, __file__, "--make-model"], check=True, capture_output=True)
    results = {"quantlens": [], "transformers": []}
    load0 = os.getloadavg()[0]
    for _ in range(a.runs):
        results["quantlens"].append(run([a.bench_exe, str(MODEL), str(a.tokens), str(a.threads), a.attn]))
        results["transformers"].append(run([sys.executable, "-c", CHILD, str(MODEL), str(a.tokens),
                                            str(a.threads), a.attn]))
    for impl, rs in results.items():
        for r in rs:
            print(f"{impl:13s} {r['seconds']:.3f} s (cpu {r['cpu_seconds']:.3f} s)  "
                  f"peak RSS {r['peak_rss_kb'] / 1024:.0f} MiB  "
                  f"threads {r['threads']}  checksum {r['checksum']!r}")
    med = {k: (statistics.median(r["seconds"] for r in v), statistics.median(r["peak_rss_kb"] for r in v))
           for k, v in results.items()}
    cpu = {k: statistics.median(r["cpu_seconds"] for r in v) for k, v in results.items()}
    print(f"load average before / after: {load0:.2f} / {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs "
          f"(other processes inflate wall time; CPU time is less sensitive)")
    print(f"speed-up (transformers / quantlens wall): {med['transformers'][0] / med['quantlens'][0]:.2f}x  "
          f"(goal >= 1.5x); CPU time: {cpu['transformers'] / cpu['quantlens']:.2f}x")
    print(f"peak RSS ratio (quantlens / transformers): {med['quantlens'][1] / med['transformers'][1]:.2f}  "
          f"(goal <= 0.5)")
    same = {r["checksum"] for r in results["quantlens"]} == {r["checksum"] for r in results["transformers"]}
    print(f"logit checksums identical: {same}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--make-model"]:
        make_model()
    else:
        main()
