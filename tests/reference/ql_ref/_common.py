"""Shared helpers for the reference modules: seeding, heavy-tailed weight init, JSON output.

Contract (other modules import this; keep it small and stable):
- `seed_all(seed)` seeds python, numpy (if present) and torch; returns a torch.Generator seeded the same.
- `student_t(shape, g, df=3, scale=1.0)` draws Student-t values from generator `g` only (deterministic
  for a given generator state, independent of the global RNG).
- `heavy_tailed_(weight, g, ...)` overwrites a 2-D weight [out, in] in place with scaled Student-t values
  plus a few input channels (columns) multiplied by `outlier_factor`; returns the outlier column indices.
- `write_json(path, obj)` writes strict JSON (no NaN/Infinity: use `json_float` for non-finite values),
  indent 1, keys in insertion order, UTF-8, trailing newline; creates parent directories.
- `json_float(x)` maps a float to itself when finite, else to the strings "NaN", "Infinity", "-Infinity".
"""
import json
import math
import random
from pathlib import Path

import torch


def seed_all(seed: int) -> torch.Generator:
    random.seed(seed)
    try:
        import numpy as np
        np.random.seed(seed % (2**32))
    except ImportError:
        pass
    torch.manual_seed(seed)
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def student_t(shape, g: torch.Generator, df: int = 3, scale: float = 1.0) -> torch.Tensor:
    """Student-t(df) samples in fp32: z / sqrt(chi2_df / df), chi2 from df squared normals."""
    shape = tuple(shape)
    z = torch.randn(shape, generator=g, dtype=torch.float32)
    chi2 = torch.randn(shape + (df,), generator=g, dtype=torch.float32).pow(2).sum(-1)
    return z / torch.sqrt(chi2 / df).clamp_min(1e-3) * scale


@torch.no_grad()
def heavy_tailed_(weight: torch.Tensor, g: torch.Generator, scale: float | None = None,
                  n_outliers: int = 2, outlier_factor: float = 20.0, df: int = 3) -> list[int]:
    out_f, in_f = weight.shape
    if scale is None:
        scale = 0.5 / math.sqrt(in_f) / math.sqrt(df / (df - 2))  # unit-variance t, then 0.5/sqrt(fan_in)
    values = student_t((out_f, in_f), g, df=df, scale=scale)
    cols = torch.randperm(in_f, generator=g)[:n_outliers].tolist()
    values[:, cols] *= outlier_factor
    weight.copy_(values.to(weight.dtype))
    return sorted(cols)


def json_float(x: float):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def write_json(path, obj) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1, allow_nan=False, ensure_ascii=False) + "\n", encoding="utf-8")
