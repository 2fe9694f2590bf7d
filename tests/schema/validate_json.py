#!/usr/bin/env python3
"""Validates every JSON output of quantlens against its schema in schemas/ (draft 2020-12, strict).

Runs, on the reference data (tests/reference/make_reference.py) and tests/data/recipes:
  verify --report R.json --json   three scenarios: stdout and the report file (report.schema.json), the
                                  drill-down sidecar (report-drilldown.schema.json) and its hash
  compare A.json B.json --json    compare.schema.json
  diff-config A B --json          every recipe pair, with and without --only-differences (diff-config.schema.json)
  inspect PATH --json             every reference checkpoint, adapter, Trainer checkpoint and output folder,
                                  and one .safetensors file (inspect.schema.json)
Exit 0 when every document validates, 1 otherwise (each failure printed with its JSON path).
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from jsonschema import Draft202012Validator

FAILURES = []


def fnv1a64(data: bytes) -> str:
    h = 14695981039346656037
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


class Schemas:
    def __init__(self, folder: Path):
        self.validators = {}
        for path in sorted(folder.glob("*.schema.json")):
            schema = json.loads(path.read_text())
            Draft202012Validator.check_schema(schema)
            self.validators[path.name.removesuffix(".schema.json")] = Draft202012Validator(schema)

    def check(self, name: str, doc, what: str) -> None:
        errors = sorted(self.validators[name].iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors[:10]:
            FAILURES.append(f"{what}: {name} schema: at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
        print(f"{'ok  ' if not errors else 'FAIL'} {name:18} {what}")


def run(exe: str, args: list, allowed=(0, 1)) -> str:
    r = subprocess.run([exe, *args], capture_output=True, text=True)
    if r.returncode not in allowed:
        FAILURES.append(f"quantlens {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()[:300]}")
        return ""
    return r.stdout


def check_stdout(schemas: Schemas, name: str, exe: str, args: list, allowed=(0, 1)):
    out = run(exe, args, allowed)
    if not out:
        return None
    doc = json.loads(out)
    schemas.check(name, doc, "quantlens " + " ".join(Path(a).name if "/" in a else a for a in args))
    return doc


def check_report_file(schemas: Schemas, path: Path) -> None:
    doc = json.loads(path.read_text())
    schemas.check("report", doc, f"report file {path.name}")
    v = doc["verdict"]
    statuses = [c["status"] for c in doc["checks"]]
    counts = {s: statuses.count(s) for s in ("pass", "fail", "error", "skipped", "info")}
    if any(v[s] != n for s, n in counts.items()) or (v["status"] == "pass") != (counts["fail"] + counts["error"] == 0):
        FAILURES.append(f"{path.name}: verdict {v} does not count the checks {statuses}")
    if doc["weights"] is None:
        return
    sidecar = path.parent / doc["drilldown"]["file"]
    data = sidecar.read_bytes()
    if fnv1a64(data) != doc["drilldown"]["fnv1a64"]:
        FAILURES.append(f"{sidecar.name}: hash is not the report's drilldown.fnv1a64")
    side = json.loads(data)
    schemas.check("report-drilldown", side, f"sidecar {sidecar.name}")
    if [m["module"] for m in side["weights"]] != [m["module"] for m in doc["weights"]["modules"]]:
        FAILURES.append(f"{sidecar.name}: modules are not the report's")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quantlens", required=True)
    ap.add_argument("--reference", required=True, type=Path, help="make_reference.py's output folder")
    ap.add_argument("--source", required=True, type=Path, help="the repository root")
    args = ap.parse_args()
    exe, ref, src = args.quantlens, args.reference, args.source
    schemas = Schemas(src / "schemas")
    expected = {"report", "report-drilldown", "inspect", "diff-config", "compare"}
    if set(schemas.validators) != expected:
        FAILURES.append(f"schemas/ holds {sorted(schemas.validators)}, expected {sorted(expected)}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        reports = {}
        for scenario in ("a_identical", "b_merge", "g_diagnose"):
            d = ref / "scenarios" / scenario
            report = tmp / f"{scenario}.json"
            common = ["verify", "--train", str(d / "train.yaml"), "--eval", str(d / "eval.yaml"), "-q"]
            check_stdout(schemas, "report", exe, common + ["--report", str(report), "--json"])
            check_report_file(schemas, report)
            reports[scenario] = report
        check_stdout(schemas, "report", exe, common + ["--json"])  # no --report: no sidecar
        check_stdout(schemas, "compare", exe, ["compare", str(reports["a_identical"]), str(reports["b_merge"]), "--json"])

    for pair in sorted((src / "tests" / "data" / "recipes").iterdir()):
        files = [str(pair / "train.yaml"), str(pair / "eval.yaml")]
        for extra in ([], ["--only-differences"]):
            # exit 2 (a bad recipe, on purpose) prints one line on stderr and no JSON
            check_stdout(schemas, "diff-config", exe, ["diff-config", *files, "--json", *extra], allowed=(0, 1, 2))

    checkpoints = ref / "checkpoints"
    paths = [p for p in sorted(checkpoints.iterdir()) if p.is_dir() and p.name != "expected"]  # expected: JSON only
    paths += [p for p in sorted((checkpoints / "trainer_run_llama3").iterdir()) if p.is_dir()]
    paths += sorted(checkpoints.glob("*/model.safetensors"))[:1]
    for path in paths:
        check_stdout(schemas, "inspect", exe, ["inspect", str(path), "--json"], allowed=(0,))

    for f in FAILURES:
        print("FAIL:", f, file=sys.stderr)
    print(f"{len(FAILURES)} failures")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
