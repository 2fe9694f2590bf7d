#!/usr/bin/env python3
"""Int4 g128 fake quant on CPU: QuantLens (fused C++) vs torchao 0.18.0 eager, same machine, same threads.

Usage: fake_quant_vs_torchao.py BENCH_EXE [--threads N] [--repeats R]
Writes the bf16 weights to a temp dir, runs BENCH_EXE (ql_fake_quant_bench) on them with
QL_FQ_BENCH_IO set, times torchao's Int4WeightFakeQuantizer (built by QATConfig prepare) on the same
tensors, checks the outputs bit-identical and prints the speed ratio and GB/s vs memcpy.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

import torch
import torch.nn as nn

SHAPES = [("w4096x4096", 4096, 4096), ("w151936x2560", 151936, 2560)]


def torchao_quantizer():
    from torchao.quantization import Int4WeightOnlyConfig, quantize_
    from torchao.quantization.qat import QATConfig
    m = nn.Sequential(nn.Linear(128, 8, bias=False, dtype=torch.bfloat16))
    quantize_(m, QATConfig(Int4WeightOnlyConfig(group_size=128), step="prepare"))
    return m[0].weight_fake_quantizer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    fq = torchao_quantizer()
    g = torch.Generator().manual_seed(0)
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
        ql = {}
        for b in json.loads(out)["benchmarks"]:
            if b.get("aggregate_name") == "median":
                ql[(b["run_name"].split("/")[0], b["label"])] = b
        for name, n, k in SHAPES:
            w = weights[name]
            with torch.no_grad():
                fq(w)  # warm-up
                times = []
                for _ in range(a.repeats):
                    t0 = time.perf_counter(); ref = fq(w); times.append(time.perf_counter() - t0)
            t_ao = sorted(times)[len(times) // 2]
            got = torch.from_numpy(__import__("numpy").fromfile(f"{d}/{name}.out", dtype="int16")).view(torch.bfloat16)
            same = torch.equal(got.view(torch.int16), ref.reshape(-1).view(torch.int16))
            t_ql = ql[("bmFused", name)]["real_time"] / 1e3
            t_aten = ql[("bmAten", name)]["real_time"] / 1e3
            mem = ql[("bmMemcpy", name)]["bytes_per_second"] / 1e9
            gbs = 2 * w.numel() * 2 / t_ql / 1e9
            print(f"{name}: torchao eager {t_ao*1e3:.1f} ms | QuantLens ATen reference {t_aten*1e3:.1f} ms | "
                  f"QuantLens fused {t_ql*1e3:.1f} ms -> {t_ao/t_ql:.1f}x faster than torchao | "
                  f"fused {gbs:.2f} GB/s vs memcpy {mem:.2f} GB/s ({100*gbs/mem:.0f}%) | "
                  f"bit-identical: {'yes' if same else 'NO'} | threads {a.threads}")
            if not same:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
