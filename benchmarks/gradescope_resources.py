"""Benchmark: the memory and time the Gradescope bundle needs to grade one submission.

Gradescope runs ``run_autograder`` in a container with, by default, 768 MB of memory and half
a CPU. This script builds the bundle (``decodelab gradescope build``), lays out a temporary
root the way Gradescope does (``source/``, ``submission/``, ``results/``), puts a complete
submission (``solutions/``) in it, runs ``run_autograder`` and samples, every 50 ms, the
proportional set size (PSS: shared pages split between the processes sharing them) summed
over every process of the run. The peak is what a container's memory limit must allow.

Run: ``python benchmarks/gradescope_resources.py [--sandbox auto|bwrap|none] [--json FILE]``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from decodelab.commands.gradescope import lay_out_root  # noqa: E402


def descendants(pid: int) -> set[int]:
    """``pid`` and every process below it (through /proc/<pid>/task/*/children)."""
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return found


def pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class PeakSampler(threading.Thread):
    """Samples the summed PSS of a process tree until stopped; keeps the peak and when it was."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak, self.peak_processes, self.samples = 0, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            tree = descendants(self.pid)
            total = sum(pss_bytes(pid) for pid in tree)
            self.samples += 1
            if total > self.peak:
                self.peak, self.peak_processes = total, len(tree)
            self.done.wait(self.interval)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto")
    parser.add_argument("--json", type=Path, help="write the measurements here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="decodelab-gradescope-bench-") as scratch:
        base = Path(scratch)
        bundle = base / "autograder.zip"
        subprocess.run([sys.executable, "-m", "decodelab.cli", "gradescope", "build", "--out", str(bundle)],
                       check=True, capture_output=True, cwd=ROOT)
        solutions = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "solutions").glob("*.py"))
                     if path.name != "__init__.py"}
        root = lay_out_root(bundle, base / "autograder", solutions)
        environment = dict(os.environ, DECODELAB_GRADESCOPE_ROOT=str(root), DECODELAB_PYTHON=sys.executable,
                           DECODELAB_SANDBOX=args.sandbox)
        started = time.monotonic()
        process = subprocess.Popen(["bash", str(root / "run_autograder")], env=environment,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        sampler = PeakSampler(process.pid)
        sampler.start()
        _, errors = process.communicate(timeout=1800)
        seconds = time.monotonic() - started
        sampler.done.set()
        sampler.join()
        results = json.loads((root / "results" / "results.json").read_text())
    report = {
        "sandbox": args.sandbox, "returncode": process.returncode, "seconds": round(seconds, 1),
        "peak_pss_mb": round(sampler.peak / 2**20), "processes_at_peak": sampler.peak_processes,
        "samples": sampler.samples, "score": results.get("score"),
        "max_score": sum(test.get("max_score", 0) for test in results.get("tests", [])),
        "sandbox_used": results.get("extra_data", {}).get("sandbox", ""),
        "machine": {"cores": len(os.sched_getaffinity(0)), "python": platform.python_version(),
                    "load_average_1min": os.getloadavg()[0]},
    }
    if process.returncode != 0:
        report["stderr"] = errors[-2000:]
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0 if process.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
