"""Running `quantlens verify` on one training checkpoint: finding the executable, building the command
line, running it and reading its report. Knows nothing about transformers.

Exit codes of `quantlens verify`: 0 every check passed, 1 a check failed (the report is written),
2 bad input or an error (one line on stderr saying what; no report is written).
"""
import dataclasses
import functools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from .report import FAIL_STATUSES, check_statuses, key_numbers

ENV_BIN = "QUANTLENS_BIN"
FORMS = ("unmerged", "merged", "qat_after_peft")


class QuantLensError(RuntimeError):
    """The check could not run: no executable, bad input (exit 2), a timeout, or an unreadable report."""


def find_binary(explicit=None):
    """The quantlens executable: `explicit` if given, else $QUANTLENS_BIN, else `quantlens` on PATH.
    Returns an absolute path; raises QuantLensError naming what was tried."""
    tried = []
    for candidate, origin in ((explicit, "binary="), (os.environ.get(ENV_BIN), f"${ENV_BIN}")):
        if candidate:
            path = shutil.which(str(candidate)) or (str(candidate) if os.access(candidate, os.X_OK) else None)
            if path and os.path.isfile(path):
                return os.path.abspath(path)
            raise QuantLensError(f"quantlens executable not found: {origin} is {candidate!r}, "
                                 "which is not an executable file")
        tried.append(f"{origin} (not set)")
    path = shutil.which("quantlens")
    if path:
        return os.path.abspath(path)
    raise QuantLensError("quantlens executable not found: " + ", ".join(tried) + ", no `quantlens` on PATH; "
                         f"set {ENV_BIN}=/path/to/quantlens or pass binary=")


@functools.lru_cache(maxsize=None)
def verify_flags(binary):
    """The long options `quantlens verify --help` lists (e.g. "--eval-form"), to pass newer flags only to
    an executable that knows them. Raises QuantLensError when the executable does not run."""
    try:
        proc = subprocess.run([binary, "verify", "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise QuantLensError(f"{binary} verify --help did not run: {e}") from e
    if proc.returncode != 0:
        raise QuantLensError(f"{binary} verify --help exited {proc.returncode}: {_last_line(proc.stderr)}")
    return frozenset(re.findall(r"--[a-z][a-z0-9-]*", proc.stdout))


@dataclasses.dataclass
class VerifyOptions:
    """How to rebuild both sides of a checkpoint; None leaves the executable's default.

    model            base model folder or hub id (default: the adapter's base_model_name_or_path)
    quant_config     torchao's config as print(config) writes it, or the config object itself (its str()),
                     instead of scheme / group_size
    train_form, eval_form   unmerged | merged | qat_after_peft (the executable's defaults: unmerged, merged)
    checks           only these check kinds decide pass/fail and are passed as --checks where supported
    prompts_file     UTF-8, one prompt per line
    extra_args       appended verbatim (e.g. ["--no-diagnosis"], ["--attention", "eager"])
    """
    model: str | None = None
    revision: str | None = None
    scheme: str | None = None
    group_size: int | None = None
    quant_config: object = None
    dtype: str | None = None
    device_numerics: str | None = None
    torchao_version: str | None = None
    train_form: str | None = None
    eval_form: str | None = None
    device: str | None = None
    checks: tuple | None = None
    prompts_file: str | None = None
    extra_args: tuple = ()


@dataclasses.dataclass
class VerifyResult:
    """One verify run. `passed`: no selected check failed (all checks when none were selected: exit 0).
    `metrics`: key_numbers() of the report plus quantlens/passed (1 or 0)."""
    step: int
    checkpoint: str
    returncode: int
    passed: bool
    failed_checks: list
    metrics: dict
    report_path: str
    report: dict
    verdict: object = None


def build_command(binary, output_dir, step, report_path, opts, flags):
    """argv of `quantlens verify` for checkpoint-<step> of the Trainer output folder `output_dir`.
    `flags`: the options this executable knows (verify_flags); a form or check subset it does not know
    raises QuantLensError unless the value is the executable's default anyway."""
    cmd = [binary, "verify", "--adapter", str(output_dir), "--checkpoint", str(step),
           "--report", str(report_path), "-q"]
    quant_repr = None if opts.quant_config is None else str(opts.quant_config)
    if quant_repr is not None and (opts.scheme or opts.group_size):
        raise ValueError("give quant_config or scheme/group_size, not both")
    simple = [("--model", opts.model), ("--revision", opts.revision), ("--scheme", opts.scheme),
              ("--group-size", opts.group_size), ("--repr", quant_repr), ("--dtype", opts.dtype),
              ("--device-numerics", opts.device_numerics), ("--torchao-version", opts.torchao_version),
              ("--device", opts.device), ("--prompts", opts.prompts_file)]
    for flag, value in simple:
        if value is not None:
            cmd += [flag, str(value)]
    for flag, value, default in (("--train-form", opts.train_form, "unmerged"),
                                 ("--eval-form", opts.eval_form, "merged")):
        if value is None:
            continue
        if flag in flags:
            cmd += [flag, value]
        elif value != default:
            raise QuantLensError(f"{binary} does not know {flag} (needed for {value!r}); "
                                 "use a newer quantlens or leave the form at its default")
    if opts.checks and "--checks" in flags:
        cmd += ["--checks", ",".join(opts.checks)]
    cmd += [str(a) for a in opts.extra_args]
    return cmd


def run_verify(binary, output_dir, step, report_path, opts, timeout=None):
    """Runs verify on checkpoint-<step> of `output_dir`, writing the report to `report_path`.
    Returns a VerifyResult for exit 0 and 1; raises QuantLensError (naming the checkpoint) for anything
    else: exit 2 with the executable's message, a crash, a timeout, a missing or unreadable report."""
    checkpoint = os.path.join(str(output_dir), f"checkpoint-{step}")
    Path(report_path).parent.mkdir(parents=True, exist_ok=True)
    cmd = build_command(binary, output_dir, step, report_path, opts, verify_flags(binary))
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise QuantLensError(f"quantlens verify on {checkpoint} did not finish within {timeout} s") from e
    except OSError as e:
        raise QuantLensError(f"quantlens verify on {checkpoint} could not start: {e}") from e
    if proc.returncode not in (0, 1):
        raise QuantLensError(f"quantlens verify on {checkpoint} failed (exit {proc.returncode}): "
                             f"{_last_line(proc.stderr) or _last_line(proc.stdout) or 'no message'}")
    try:
        report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise QuantLensError(f"quantlens verify on {checkpoint} exited {proc.returncode} "
                             f"but its report {report_path} is unreadable: {e}") from e
    return _result(step, checkpoint, proc.returncode, report_path, report, opts.checks)


def _result(step, checkpoint, returncode, report_path, report, selected):
    statuses = check_statuses(report)
    failed = [k for k, s in statuses.items() if s in FAIL_STATUSES and (not selected or k in selected)]
    if selected:
        passed = not failed
    else:
        passed = returncode == 0 and not failed
        if not passed and not failed:
            failed = ["verdict"]  # exit 1 without a failed status this reader understands
    metrics = key_numbers(report)
    metrics["quantlens/passed"] = 1.0 if passed else 0.0
    return VerifyResult(step=step, checkpoint=checkpoint, returncode=returncode, passed=passed,
                        failed_checks=failed, metrics=metrics, report_path=str(report_path), report=report,
                        verdict=report.get("verdict"))


def _last_line(text):
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""
