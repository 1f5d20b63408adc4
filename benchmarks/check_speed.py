"""Benchmark: how long a learner waits, each figure against a named peer measured in the same run.

Everything runs where a learner runs it: in a student bundle made by ``decodelab release`` (the
bundle's own ``decodelab``, its ``exercises/`` as the target, in-process as ``decodelab check``
runs it there), with the solutions copied into ``exercises/`` so that every exercise passes
and every demo unlocks.

1. ``decodelab check KEY`` right after one edit of the exercise's file: a new process, and no
   verdict cached for that version of the file. Peer: plain ``pytest -q -m KEY`` in the bundle
   (what the learner's guide offers instead), the least a check of those tests can cost.
2. ``decodelab check KEY --watch``: from the moment the file is saved to the verdict on screen.
   Peer: the same cold plain pytest.
3. Every demo, ``decodelab demo NAME --backend tiny``, after one ``decodelab check`` (a learner
   who unlocked the demos has checked). Peer: a fresh Python that imports transformers, loads
   the same tiny model and runs ``model.generate`` greedily for 12 new tokens: the least any
   demo pays (start-up, model, some decoding).

Each check figure is the median of ``--repeat`` runs, each demo's of ``--demo-repeat``. Targets
(issue 11): a check after an edit under 3 s (1 s with ``--watch``), every demo under 15 s, on 2
idle cores; the load average is recorded with the figures.

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

from grading.harness.catalogue import EXERCISES, by_key  # noqa: E402

DEMOS = ("complete", "tokens", "next-token", "temperature", "generate", "embeddings", "logprobs", "tasks")
PEER_GENERATE = """
import torch
from reference.backends import load_backend
backend = load_backend("tiny")
ids = backend.tokenizer("The capital of Japan is", return_tensors="pt").input_ids
with torch.no_grad():
    backend.model.generate(ids, max_new_tokens=12, do_sample=False)
"""


def timed(command: Sequence[str], cwd: Path, env: dict[str, str], allowed: Sequence[int] = (0,)) -> float:
    """Wall seconds of ``command``; raises with its output when it exits otherwise than ``allowed``."""
    started = time.monotonic()
    done = subprocess.run(list(command), cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode not in allowed:
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
    command = [sys.executable, "-m", "decodelab.cli", "check", key, "--watch"]
    process = subprocess.Popen(command, cwd=folder, env=dict(env, PYTHONUNBUFFERED="1"), stdout=subprocess.PIPE,
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
        bundle = scratch / "bundle"
        env = dict(os.environ, DECODELAB_CACHE=str(scratch / "cache"), TOKENIZERS_PARALLELISM="false")
        env.pop("DECODELAB_TARGET", None)
        timed([sys.executable, "-m", "decodelab.cli", "release", "--out", str(bundle)], ROOT, env)
        for module in (ROOT / "solutions").glob("*.py"):
            if module.name != "__init__.py":
                shutil.copy(module, bundle / "exercises" / module.name)
        cli = [sys.executable, "-m", "decodelab.cli"]  # run in the bundle: its own decodelab comes first
        counter = [0]
        report: dict[str, Any] = {"load_average_start": os.getloadavg(), "cores": len(os.sched_getaffinity(0)),
                                  "repeat": args.repeat, "demo_repeat": args.demo_repeat, "check": {}, "demos": {}}
        # The first check of everything (no verdict cached yet): what a learner's first `decodelab check` costs.
        report["first_full_check"] = timed([*cli, "check"], bundle, env, allowed=(0,))
        print(f"first check of all {len(EXERCISES)} exercises: {report['first_full_check']:.2f} s", flush=True)
        for key in args.exercises:
            module_file = bundle / "exercises" / f"{by_key(key).module}.py"
            checks, peers = [], []
            for _ in range(args.repeat):
                edit(module_file, counter)
                checks.append(timed([*cli, "check", key], bundle, env, allowed=(0,)))
                peers.append(timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", key],
                                   bundle, env, allowed=(0,)))
            watched = watch_seconds(key, bundle, module_file, env, args.repeat, counter)
            report["check"][key] = {
                "check_after_edit": statistics.median(checks), "watch_after_save": statistics.median(watched),
                "plain_pytest": statistics.median(peers), "runs": {"check": checks, "watch": watched, "pytest": peers},
            }
            print(f"check {key}: {report['check'][key]['check_after_edit']:.2f} s after an edit, "
                  f"{report['check'][key]['watch_after_save']:.2f} s with --watch; plain pytest "
                  f"{report['check'][key]['plain_pytest']:.2f} s", flush=True)
        peer = statistics.median(timed([sys.executable, "-c", PEER_GENERATE], bundle, env) for _ in range(args.repeat))
        report["generate_peer"] = peer
        print(f"peer: a fresh Python, the tiny model and model.generate: {peer:.2f} s", flush=True)
        timed([*cli, "check"], bundle, env, allowed=(0,))  # every verdict cached, as after a learner's check
        for demo in args.demos:
            seconds = statistics.median(
                timed([*cli, "demo", demo, "--backend", "tiny"], bundle, env)
                for _ in range(args.demo_repeat))
            report["demos"][demo] = seconds
            print(f"demo {demo}: {seconds:.2f} s ({seconds / peer:.1f}x the peer)", flush=True)
        report["load_average_end"] = os.getloadavg()
        return report
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def summary(report: dict[str, Any]) -> str:
    lines = ["| exercise | check after an edit | --watch after a save | plain `pytest -m KEY` (peer) | check / peer |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for key, item in report["check"].items():
        lines.append(f"| {key} | {item['check_after_edit']:.2f} s | {item['watch_after_save']:.2f} s | "
                     f"{item['plain_pytest']:.2f} s | {item['check_after_edit'] / item['plain_pytest']:.2f}x |")
    lines += ["", f"First `decodelab check` of all {len(EXERCISES)} exercises (nothing cached): "
                  f"{report['first_full_check']:.2f} s."]
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
