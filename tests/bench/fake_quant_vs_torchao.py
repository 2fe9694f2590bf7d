#!/usr/bin/env python3
"""Int4 g128 fake quant on CPU: QuantLens' fused kernel as a fraction of memcpy bandwidth on the same bytes,
and vs torchao 0.18.0 eager, same machine, same threads, from in-cache to DRAM sizes.

Usage: fake_quant_vs_torchao.py BENCH_EXE [--threads N] [--repeats R] [--seed S] [--no-torchao] [--out r.json]

BENCH_EXE is <builddir>/tests/bench/ql_fake_quant_bench. The script writes seeded N(0, 0.02) bf16 weights
of every shape below to a temp dir and runs BENCH_EXE on exactly those bytes (QL_FQ_BENCH_IO): bmFused
(QuantLens' fake quant: reads the bf16 weight, writes the bf16 result), bmAten (the op-for-op ATen
reference), bmMemcpy (a parallel memcpy of the same bytes into a preallocated buffer: read + write) and
bmMemcpyNew (the same into a tensor allocated per iteration, as the fused kernel allocates its result, so
both pay the first touch of fresh pages); GB/s counts read + write bytes for all, so fused GB/s / memcpy
GB/s is the fraction of memcpy bandwidth (issue 11 goal: >= 50 %; the column against bmMemcpyNew shows how
much of the gap is the fresh output). Then torchao's Int4WeightFakeQuantizer (built by QATConfig(..., step="prepare")) runs in this
process with the same thread count on the same tensors; the outputs must be bit-identical (exit 1 if not).
Medians of R repetitions. Sizes (input + output): 1 MiB (fits L2), 16 MiB (fits L3), 64 MiB and
1.5 GiB (DRAM); the cache sizes of this machine are printed (lscpu).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn as nn

# Same list as kShapes in fake_quant_bench.cpp.
SHAPES = [("w256x1024", 256, 1024), ("w2048x2048", 2048, 2048), ("w4096x4096", 4096, 4096),
          ("w151936x2560", 151936, 2560)]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_harness as bh  # noqa: E402


def torchao_quantizer():
    from torchao.quantization import Int4WeightOnlyConfig, quantize_
    from torchao.quantization.qat import QATConfig
    m = nn.Sequential(nn.Linear(128, 8, bias=False, dtype=torch.bfloat16))
    quantize_(m, QATConfig(Int4WeightOnlyConfig(group_size=128), step="prepare"))
    return m[0].weight_fake_quantizer


def caches() -> str:
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    return "; ".join(" ".join(line.split()) for line in out.splitlines() if " cache" in line)


def time_torchao(fq, w, repeats):
    with torch.no_grad():
        fq(w)  # warm-up
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            ref = fq(w)
            times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2], ref


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bench", help="ql_fake_quant_bench")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="threads on both sides (default: all)")
    ap.add_argument("--repeats", type=int, default=3, help="repetitions, median (default 3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-torchao", action="store_true", help="skip torchao (no bit-identity check)")
    ap.add_argument("--out", help="write the results as JSON here")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(a.seed)
    rows, results, same_all = [], [], True
    with tempfile.TemporaryDirectory() as d:
        weights = {}
        for name, n, k in SHAPES:
            w = (torch.randn(n, k, generator=g) * 0.02).to(torch.bfloat16)
            w.view(torch.int16).numpy().tofile(f"{d}/{name}.in")
            weights[name] = w
        env = dict(os.environ, QL_FQ_BENCH_IO=d, OMP_NUM_THREADS=str(a.threads))
        out = subprocess.run([a.bench, "--benchmark_format=json", f"--benchmark_repetitions={a.repeats}",
                              "--benchmark_report_aggregates_only=true"], env=env, check=True,
                             capture_output=True, text=True).stdout
        ql = {(b["run_name"].split("/")[0], b["label"]): b for b in json.loads(out)["benchmarks"]
              if b.get("aggregate_name") == "median"}
        fq = None if a.no_torchao else torchao_quantizer()
        for name, n, k in SHAPES:
            w = weights[name]
            seconds = {impl: ql[(impl, name)]["real_time"] / 1e3
                       for impl in ("bmFused", "bmAten", "bmMemcpy", "bmMemcpyNew")}
            gbs = {impl: 2 * w.numel() * 2 / t / 1e9 for impl, t in seconds.items()}
            r = {"shape": name, "bytes_in": w.numel() * 2, "seconds": seconds, "gb_per_s": gbs,
                 "fraction_of_memcpy": gbs["bmFused"] / gbs["bmMemcpy"],
                 "fraction_of_memcpy_new": gbs["bmFused"] / gbs["bmMemcpyNew"]}
            if fq is not None:
                t_ao, ref = time_torchao(fq, w, a.repeats)
                got = torch.from_numpy(__import__("numpy").fromfile(f"{d}/{name}.out", dtype="int16"))
                r.update(torchao_s=t_ao, speedup_vs_torchao=t_ao / seconds["bmFused"],
                         bit_identical=torch.equal(got, ref.reshape(-1).view(torch.int16)))
                same_all &= r["bit_identical"]
            results.append(r)
            rows.append([name, f"{2 * w.numel() * 2 / 2**20:.0f}", f"{seconds['bmFused'] * 1e3:.2f}",
                         f"{gbs['bmFused']:.2f}", f"{gbs['bmMemcpy']:.2f}", f"{100 * r['fraction_of_memcpy']:.0f} %",
                         f"{gbs['bmMemcpyNew']:.2f}", f"{100 * r['fraction_of_memcpy_new']:.0f} %",
                         f"{seconds['bmAten'] * 1e3:.1f}",
                         None if fq is None else f"{r['torchao_s'] * 1e3:.1f}",
                         None if fq is None else f"{r['speedup_vs_torchao']:.1f}x",
                         None if fq is None else ("yes" if r["bit_identical"] else "NO")])
    print(f"int4 g128 fake quant (CPU semantics), {a.threads} threads, median of {a.repeats}; caches: {caches()}")
    print(bh.table(rows, ["shape", "in+out MiB", "fused ms", "fused GB/s", "memcpy GB/s", "fused / memcpy",
                          "memcpy new GB/s", "fused / memcpy new", "ATen ref ms", "torchao ms", "vs torchao",
                          "bit-identical"]))
    print("goal: fused >= 50 % of memcpy on the same bytes (issue 11)")
    if a.out:
        bh.write_json(a.out, {"threads": a.threads, "repeats": a.repeats, "seed": a.seed, "caches": caches(),
                              "bench": a.bench, "results": results})
    return 0 if same_all else 1


if __name__ == "__main__":
    sys.exit(main())
