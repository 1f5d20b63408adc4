"""Benchmark: how long a learner waits, each figure against a named peer measured in the same run.

1. ``decodelab check KEY`` right after one edit of the exercise's file: a new process, and no
   verdict cached for that version of the file. Peer: plain pytest on the same public tests and
   files (the exact command line of :func:`grading.runner.pytest_command`), the least a check
   can cost.
2. ``decodelab check KEY --watch``: from the moment the file is saved to the verdict on screen.
   Peer: the same cold plain pytest.
3. Every demo, ``decodelab demo NAME --target FOLDER``, on the tiny model. Peer: a fresh Python
   that imports transformers, loads the same tiny model and runs ``model.generate`` greedily for
   12 new tokens: the least any demo pays (start-up, model, some decoding).

The learner's files are a copy of ``solutions/`` (every exercise passes, every demo unlocks).
Each check figure is the median of ``--repeat`` runs, each demo's of ``--demo-repeat``. Targets (issue 11): a check after an edit under
3 s (1 s with ``--watch``), every demo under 15 s, on 2 idle cores; the load average is
recorded with the figures.

Run: ``python benchmarks/check_speed.py [--exercises temperature top_p] [--repeat 3] [--json FILE]``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from grading.catalogue import by_key  # noqa: E402
from grading.runner import pytest_command  # noqa: E402

DEMOS = ("complete", "tokens", "next-token", "temperature", "generate", "embeddings", "logprobs", "tasks")
PEER_GENERATE = """
import torch
from reference.backends import load_backend
backend = load_backend("tiny")
ids = backend.tokenizer("The capital of Japan is", return_tensors="pt").input_ids
with torch.no_grad():
    backend.model.generate(ids, max_new_tokens=12, do_sample=False)
"""


def timed(command: Sequence[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall seconds of ``command``; raises with its output when it fails."""
    started = time.monotonic()
    done = subprocess.run(list(command), cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n{(done.stdout + done.stderr)[-2000:]}")
    return seconds


def edit(path: Path, counter: list[int]) -> None:
    """A new version of the file that behaves the same: one more comment line."""
    counter[0] += 1
    with open(path, "a", encoding="utf-8") as module:
        module.write(f"\n# edit {counter[0]}\n")


def watch_seconds(key: str, folder: Path, module_file: Path, env: dict[str, str], repeat: int,
                  counter: list[int]) -> list[float]:
    """Seconds from each save to ``--watch``'s next verdict."""
    command = [sys.executable, "-m", "decodelab.cli", "check", key, "--watch", "--target", str(folder)]
    process = subprocess.Popen(command, cwd=ROOT, env=dict(env, PYTHONUNBUFFERED="1"), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    marker = "watching for saved changes"

    def wait_for_verdict(limit: float) -> None:
        deadline = time.monotonic() + limit
        seen = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if marker in line:
                return
        raise RuntimeError(f"no verdict from {' '.join(command)} within {limit} s:\n{''.join(seen)[-2000:]}")

    found = []
    try:
        wait_for_verdict(300)
        for _ in range(repeat):
            time.sleep(1.5)  # a learner does not save twice in a second
            edit(module_file, counter)
            saved = time.monotonic()
            wait_for_verdict(120)
            found.append(time.monotonic() - saved)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    return found


def run(args: argparse.Namespace) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix="decodelab-speed-"))
    try:
        folder = scratch / "learner"
        shutil.copytree(ROOT / "solutions", folder, ignore=shutil.ignore_patterns("__pycache__"))
        env = dict(os.environ, DECODELAB_CACHE=str(scratch / "cache"), TOKENIZERS_PARALLELISM="false")
        counter = [0]
        report: dict[str, Any] = {"load_average_start": os.getloadavg(), "cores": len(os.sched_getaffinity(0)),
                                  "repeat": args.repeat, "demo_repeat": args.demo_repeat, "check": {}, "demos": {}}
        # One untimed check first: it builds the tokenizer cache every later run reads.
        timed([sys.executable, "-m", "decodelab.cli", "check", args.exercises[0], "--target", str(folder)], ROOT, env)
        for key in args.exercises:
            module_file = folder / f"{by_key(key).module}.py"
            checks, peers = [], []
            for _ in range(args.repeat):
                edit(module_file, counter)
                checks.append(timed([sys.executable, "-m", "decodelab.cli", "check", key, "--target", str(folder)],
                                    ROOT, env))
                peers.append(timed(pytest_command(str(folder), ("public",), [key]), ROOT, env))
            watched = watch_seconds(key, folder, module_file, env, args.repeat, counter)
            report["check"][key] = {
                "check_after_edit": statistics.median(checks), "watch_after_save": statistics.median(watched),
                "plain_pytest": statistics.median(peers), "runs": {"check": checks, "watch": watched, "pytest": peers},
            }
            print(f"check {key}: {report['check'][key]['check_after_edit']:.2f} s after an edit, "
                  f"{report['check'][key]['watch_after_save']:.2f} s with --watch; plain pytest "
                  f"{report['check'][key]['plain_pytest']:.2f} s", flush=True)
        peer = statistics.median(timed([sys.executable, "-c", PEER_GENERATE], ROOT, env) for _ in range(args.repeat))
        report["generate_peer"] = peer
        print(f"peer: a fresh Python, the tiny model and model.generate: {peer:.2f} s", flush=True)
        work = scratch / "demos"
        work.mkdir()
        for demo in args.demos:
            seconds = statistics.median(
                timed([sys.executable, "-m", "decodelab.cli", "demo", demo, "--backend", "tiny", "--target", str(folder)],
                      work, env) for _ in range(args.demo_repeat))
            report["demos"][demo] = seconds
            print(f"demo {demo}: {seconds:.2f} s ({seconds / peer:.1f}x the peer)", flush=True)
        report["load_average_end"] = os.getloadavg()
        return report
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def summary(report: dict[str, Any]) -> str:
    lines = ["| exercise | check after an edit | --watch after a save | plain pytest (peer) | check / peer |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for key, item in report["check"].items():
        lines.append(f"| {key} | {item['check_after_edit']:.2f} s | {item['watch_after_save']:.2f} s | "
                     f"{item['plain_pytest']:.2f} s | {item['check_after_edit'] / item['plain_pytest']:.2f}x |")
    lines += ["", f"| demo | seconds | / peer ({report['generate_peer']:.2f} s: a fresh Python, the tiny model, model.generate) |",
              "| --- | ---: | ---: |"]
    for demo, seconds in report["demos"].items():
        lines.append(f"| {demo} | {seconds:.2f} s | {seconds / report['generate_peer']:.1f}x |")
    start, end = report["load_average_start"], report["load_average_end"]
    lines += ["", f"Median of {report['repeat']} runs per check, {report['demo_repeat']} per demo, on {report['cores']} cores; "
                  "load average (1, 5, 15 min) "
                  f"{start[0]:.2f}, {start[1]:.2f}, {start[2]:.2f} at the start and {end[0]:.2f}, {end[1]:.2f}, "
                  f"{end[2]:.2f} at the end."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exercises", nargs="+", default=["temperature", "top_p", "greedy", "subword_embedding"],
                        metavar="KEY", help="exercises to check (keys of `decodelab list`)")
    parser.add_argument("--demos", nargs="+", default=list(DEMOS), choices=DEMOS, metavar="NAME")
    parser.add_argument("--repeat", type=int, default=3, help="runs per check figure; the median is reported")
    parser.add_argument("--demo-repeat", type=int, default=1, help="runs per demo (the median is reported)")
    parser.add_argument("--json", type=Path, help="write the full report here")
    args = parser.parse_args(argv)
    for key in args.exercises:
        by_key(key)  # an unknown key: KeyError before anything runs
    report = run(args)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
