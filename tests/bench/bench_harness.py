"""Process measurement shared by the bench drivers (torch-free: a driver that never imports torch keeps
its own RSS small, and ru_maxrss survives fork+exec, so a large driver would inflate every child's peak).

measure(cmd) runs one child and returns its wall time (the whole process: interpreter start, imports and
loads included), its peak RSS (ru_maxrss from os.wait4, KiB), user and system CPU seconds, the CPU seconds
every other process on the machine used meanwhile (/proc/stat busy time minus the child's own), and,
with gpu=True, the peak of nvidia-smi's memory.used sampled every 100 ms (MiB, whole device, the CUDA
context included) minus the value before the start.
"""
import json
import os
import resource
import subprocess
import tempfile
import threading
import time
from pathlib import Path


def busy_cpu_s() -> float:
    """Machine-wide non-idle CPU seconds so far (/proc/stat: all fields but idle and iowait)."""
    f = [int(v) for v in open("/proc/stat").readline().split()[1:]]
    return (sum(f[:8]) - f[3] - f[4]) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(max_load: float, max_wait: float) -> float:
    """Waits until the 1-minute load average is <= max_load (at most max_wait s); returns it."""
    t0 = time.monotonic()
    while os.getloadavg()[0] > max_load and time.monotonic() - t0 < max_wait:
        time.sleep(5)
    return os.getloadavg()[0]


class GpuMemoryPoller:
    """Peak of `nvidia-smi --query-gpu=memory.used` (MiB) while active; None where nvidia-smi is absent."""

    def __init__(self, period_ms: int = 100):
        self.period_ms, self.samples, self.proc, self.thread = period_ms, [], None, None
        self.baseline = self._query()

    @staticmethod
    def _query():
        try:
            out = subprocess.run(["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits"],
                                 capture_output=True, text=True, timeout=20).stdout.split()
            return int(out[0]) if out else None
        except (OSError, subprocess.SubprocessError, ValueError):
            return None

    def __enter__(self):
        if self.baseline is None:
            return self
        self.proc = subprocess.Popen(["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits",
                                      f"--loop-ms={self.period_ms}"], stdout=subprocess.PIPE, text=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        return self

    def _read(self):
        for line in self.proc.stdout:
            try:
                self.samples.append(int(line.split()[0]))
            except (ValueError, IndexError):
                pass

    def __exit__(self, *exc):
        if self.proc:
            self.proc.terminate()
            self.proc.wait()
            self.thread.join(timeout=5)

    def result(self) -> dict:
        if self.baseline is None or not self.samples:
            return {"gpu_mem_peak_mib": None, "gpu_mem_baseline_mib": self.baseline}
        return {"gpu_mem_peak_mib": max(self.samples) - self.baseline, "gpu_mem_baseline_mib": self.baseline,
                "gpu_mem_samples": len(self.samples)}


def measure(cmd, env=None, gpu=False, timeout=None):
    """Runs cmd as a direct child (stdout/stderr to temp files); returns (numbers, stdout, stderr tail)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        poller = GpuMemoryPoller() if gpu else None
        with poller or _Null():
            busy0, t0 = busy_cpu_s(), time.perf_counter()
            p = subprocess.Popen([str(c) for c in cmd], stdout=out, stderr=err, env=env)
            timer = threading.Timer(timeout, p.kill) if timeout else None
            if timer:
                timer.start()
            _, status, ru = os.wait4(p.pid, 0)
            if timer:
                timer.cancel()
            wall, busy = time.perf_counter() - t0, busy_cpu_s() - busy0
        p.returncode = os.waitstatus_to_exitcode(status)
        cpu = ru.ru_utime + ru.ru_stime
        r = {"wall_s": wall, "peak_rss_kb": ru.ru_maxrss, "exit": p.returncode, "user_s": ru.ru_utime,
             "sys_s": ru.ru_stime, "cpu_s": cpu, "other_cpu_s": max(0.0, busy - cpu)}
        if poller:
            r.update(poller.result())
        out.seek(0)
        err.seek(0)
        return r, out.read().decode(errors="replace"), err.read().decode(errors="replace")[-4000:]


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def add_run_args(ap, threads: int = 2):
    """--threads, --out, --max-load, --max-wait: the options every CPU driver shares."""
    ap.add_argument("--threads", type=int, default=threads, help=f"CPU threads of the runs (default {threads})")
    ap.add_argument("--out", help="write all results as JSON here")
    ap.add_argument("--max-load", type=float, default=1.5, help="wait for this 1-minute load average before a run")
    ap.add_argument("--max-wait", type=float, default=300, help="... but at most this many seconds")


def driver_rss_mib() -> float:
    """This driver's own peak RSS (a floor that every child inherits in ru_maxrss)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(rows: list, headers: list) -> str:
    """A Markdown table (numbers as given; None as '-')."""
    cells = [[("-" if v is None else str(v)) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = lambda vals: "| " + " | ".join(v.ljust(w) for v, w in zip(vals, widths)) + " |"
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in cells])


def write_json(path, data):
    """Writes JSON atomically (temporary file + rename)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str))
    tmp.replace(path)


def check(report: dict, kind: str) -> dict:
    """The entry of a quantlens report's `checks` list of this kind ({} when absent)."""
    return next((c for c in report.get("checks", []) if c.get("kind") == kind), {})


def dig(d, *keys):
    """d[k0][k1]... (an int key indexes a list) or None when any level is missing."""
    for k in keys:
        if isinstance(d, list) and isinstance(k, int) and -len(d) <= k < len(d):
            d = d[k]
        elif isinstance(d, dict) and k in d:
            d = d[k]
        else:
            return None
    return d
