#!/usr/bin/env python3
"""Builds the Python reference data that QuantLens' golden tests compare against.

Everything is synthetic and seeded: tiny HF checkpoints, PEFT adapters, torchao fake-quant and
convert outputs, tokenizer vocabularies and expected results, written with the pinned packages of
requirements.txt (torch, torchao, transformers, peft, safetensors, tokenizers) on CPU.

Usage: make_reference.py --out DIR [--only MODULE ...] [--force]

Each module of ql_ref/ with a `build(out_dir: pathlib.Path)` function writes into DIR/<module>/.
A stamp (hash of this folder's sources and the package versions) makes re-runs free when nothing
changed; a module's folder is written to a temporary name and renamed, so a crash never leaves a
half-written reference behind.
"""
import argparse
import hashlib
import importlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = ["checkpoints", "hub_cache", "quant_configs", "fake_quant", "torchao_ckpt", "tokenizer", "forward", "scenarios", "qat_coverage",
           "mx_formats"]


# Modules that import another module's code or read its output: they rebuild when it changes.
DEPENDS = {
    "torchao_ckpt": ["fake_quant"],
    "hub_cache": ["checkpoints"],
    "forward": ["checkpoints"],
    "scenarios": ["checkpoints", "fake_quant"],
    "mx_formats": ["checkpoints"],
}


def source_hash(module: str) -> str:
    h = hashlib.sha256()
    files = [HERE / "requirements.txt", HERE / "make_reference.py"]
    files += sorted((HERE / "ql_ref").glob("_*.py"))  # shared helpers affect every module
    for name in DEPENDS.get(module, []) + [module]:
        files.append(HERE / "ql_ref" / f"{name}.py")
    for f in files:
        if f.exists():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def package_versions() -> dict:
    import torch, torchao, transformers, peft, safetensors, tokenizers  # noqa: E401
    return {m.__name__: m.__version__ for m in (torch, torchao, transformers, peft, safetensors, tokenizers)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # the reference runs on CPU
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    args.out.mkdir(parents=True, exist_ok=True)
    versions = None
    for name in MODULES:
        if args.only and name not in args.only:
            continue
        if not (HERE / "ql_ref" / f"{name}.py").exists():
            continue
        target = args.out / name
        stamp = target / ".stamp"
        digest = source_hash(name)
        if not args.force and stamp.exists() and stamp.read_text() == digest:
            print(f"reference/{name}: up to date")
            continue
        if versions is None:
            versions = package_versions()
        module = importlib.import_module(f"ql_ref.{name}")
        tmp = args.out / f".{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        t0 = time.time()
        module.build(tmp)
        (tmp / "versions.json").write_text(json.dumps(versions, indent=1))
        (tmp / ".stamp").write_text(digest)
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        print(f"reference/{name}: built in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
