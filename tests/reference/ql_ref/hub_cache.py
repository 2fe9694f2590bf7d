"""Hugging Face Hub cache layouts and what huggingface_hub itself resolves in them, offline.

The cache is built by hand in the layout huggingface_hub writes (nothing is downloaded):
  cache/models--<org>--<name>/blobs/<sha256>            file contents
  cache/models--<org>--<name>/refs/<branch or tag>      a commit hash, no newline
  cache/models--<org>--<name>/snapshots/<hash>/<file>   relative symlinks into ../../blobs/
The model files are copies of the `checkpoints` module's tiny checkpoints, so QuantLens can open the
resolved snapshot (one plain model, one sharded model whose shards are symlinks into blobs/).

For each (repo id, revision) case, `cases.json` records what huggingface_hub 2.x returns for
  snapshot_download(repo_id, revision=..., cache_dir=cache, local_files_only=True)
  try_to_load_from_cache(repo_id, "config.json", cache_dir=cache, revision=...)
(paths relative to `cache`, or the exception class name). `env_cases.json` records
huggingface_hub.constants.HF_HUB_CACHE as a fresh interpreter computes it under each environment
(HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME, XDG_CACHE_HOME, ~ and $VAR expansion).
"""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from ._common import write_json

HASH_A = "a" * 8 + "0123456789abcdef0123456789abcdef"   # 40 hex
HASH_B = "b" * 8 + "fedcba9876543210fedcba9876543210"
HASH_C = "c" * 8 + "00112233445566778899aabbccddeeff"
HASH_D = "d" * 8 + "0f1e2d3c4b5a69788796a5b4c3d2e1f0"  # named by a ref, snapshot folder missing
HASH_E = "e" * 8 + "1234567890abcdef1234567890abcdef"

# repo id -> {"snapshots": {hash: source checkpoint dir (under checkpoints/) or None}, "refs": {ref: text}}
REPOS = {
    "ql-test/tiny-qwen3": {
        "snapshots": {HASH_A: "qwen3_tied_bf16", HASH_B: "qwen3_tied_bf16"},
        "refs": {"main": HASH_A, "dev": HASH_B, "v1.0": HASH_B, "feature/nested": HASH_A},
    },
    "ql-test/sharded-mistral": {"snapshots": {HASH_C: "mistral_bf16_sharded"}, "refs": {"main": HASH_C}},
    "tiny-single-name": {"snapshots": {HASH_E: "qwen3_tied_bf16"}, "refs": {"main": HASH_E}},
    "ql-test/interrupted": {"snapshots": {HASH_A: "qwen3_tied_bf16"}, "refs": {"main": HASH_D}},
    "ql-test/newline-ref": {"snapshots": {HASH_A: "qwen3_tied_bf16"}, "refs": {"main": HASH_A + "\n"}},
}

# (repo id, revision or None)
CASES = [
    ("ql-test/tiny-qwen3", None),
    ("ql-test/tiny-qwen3", "main"),
    ("ql-test/tiny-qwen3", "dev"),
    ("ql-test/tiny-qwen3", "v1.0"),
    ("ql-test/tiny-qwen3", "feature/nested"),
    ("ql-test/tiny-qwen3", HASH_B),                 # a commit hash that is cached
    ("ql-test/tiny-qwen3", HASH_C),                 # a commit hash that is not
    ("ql-test/tiny-qwen3", "no-such-branch"),
    ("ql-test/sharded-mistral", None),
    ("tiny-single-name", None),
    ("ql-test/interrupted", None),
    ("ql-test/newline-ref", None),
    ("ql-test/not-downloaded", None),
    ("other-org/tiny-qwen3", None),
]

ENV_CASES = [
    {},
    {"XDG_CACHE_HOME": "/xdg/cache"},
    {"XDG_CACHE_HOME": "relative/xdg"},
    {"HF_HOME": "/hf/home", "XDG_CACHE_HOME": "/xdg/cache"},
    {"HF_HOME": "~/hf-home"},
    {"HF_HOME": "~"},
    {"HF_HOME": ""},
    {"HF_HOME": "/hf/home/"},
    {"HUGGINGFACE_HUB_CACHE": "/legacy/hub", "HF_HOME": "/hf/home"},
    {"HF_HUB_CACHE": "/hub/cache", "HUGGINGFACE_HUB_CACHE": "/legacy/hub", "HF_HOME": "/hf/home"},
    {"HF_HUB_CACHE": "$QL_ROOT/hub", "QL_ROOT": "/from/var"},
    {"HF_HUB_CACHE": "${QL_ROOT}/x/${QL_UNSET}/y", "QL_ROOT": "/braced"},
    {"HF_HUB_CACHE": "~/hub/$QL_UNSET"},
    {"HF_HOME": "$HOME/hh", "XDG_CACHE_HOME": "/ignored"},
    {"XDG_CACHE_HOME": "~/xdg"},
]
FAKE_HOME = "/home/ql-user"


def _blob(repo_dir: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    path = repo_dir / "blobs" / digest
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return digest


def _write_repo(cache: Path, repo_id: str, spec: dict, checkpoints: Path) -> None:
    repo_dir = cache / ("models--" + repo_id.replace("/", "--"))
    for commit, source in spec["snapshots"].items():
        snap = repo_dir / "snapshots" / commit
        snap.mkdir(parents=True, exist_ok=True)
        for f in sorted((checkpoints / source).iterdir()):
            digest = _blob(repo_dir, f.read_bytes())
            (snap / f.name).symlink_to(Path("..") / ".." / "blobs" / digest)
    for ref, text in spec["refs"].items():
        path = repo_dir / "refs" / ref
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _resolve(cache: Path, repo_id: str, revision):
    from huggingface_hub import snapshot_download, try_to_load_from_cache

    def rel(p):
        return None if p is None else os.path.relpath(p, cache)

    out = {"repo_id": repo_id, "revision": revision}
    try:
        out["snapshot_download"] = rel(snapshot_download(repo_id, revision=revision, cache_dir=str(cache),
                                                         local_files_only=True))
    except Exception as e:  # noqa: BLE001 - the class name is the expected result
        out["snapshot_download"] = None
        out["snapshot_download_error"] = type(e).__name__
    found = try_to_load_from_cache(repo_id, "config.json", cache_dir=str(cache), revision=revision)
    out["try_to_load_from_cache"] = rel(found) if isinstance(found, str) else None
    return out


def _env_case(env: dict) -> dict:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": FAKE_HOME, "HF_HUB_OFFLINE": "1"}
    clean.update(env)
    code = "from huggingface_hub import constants; print(constants.HF_HUB_CACHE, end='')"
    result = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True)
    return {"env": clean, "hf_hub_cache": result.stdout}


def build(out: Path) -> None:
    out = Path(out)
    checkpoints = out.parent / "checkpoints"
    cache = out / "cache"
    for repo_id, spec in REPOS.items():
        _write_repo(cache, repo_id, spec, checkpoints)
    write_json(out / "cases.json", {"cache": "cache", "cases": [_resolve(cache, r, rev) for r, rev in CASES]})
    write_json(out / "env_cases.json", {"cases": [_env_case(e) for e in ENV_CASES]})
    import huggingface_hub
    (out / "huggingface_hub_version.txt").write_text(huggingface_hub.__version__)
