"""Benchmark: the judge's peak memory grading each submission, against the 1.5 GB target.

One ``decodelab grade CLASS --out DIR --workers 1 --backend tiny`` run over a class written fresh:

- ``honest``                 a complete copy of ``solutions/``;
- ``hostile_<threat>``       every hostile submission of ``tests/hostile/`` (a correct submission
                             with the threat's code added, :func:`grade_class.write_hostile`); the
                             three that read or write the machine's files only where bubblewrap
                             sandboxes them;
- ``judge_bomb_<bomb>``      the judge-limit bombs of ``tests/test_judge_limits.py``: replies
                             crafted to exhaust the judge that decodes them.

Each submission's ``results.json`` says the judge's peak in ``extra_data.judge_peak_rss_mb``: the
forked judge's ``ru_maxrss`` when the judge server reaps it (``grading/grader/driver.py``), which counts
the pages it shares with the judge server (torch, the model, the suites), so it is the judge's
whole resident peak for that submission. Prints a markdown table (submission, score, peak), the
highest peak with a plain verdict against the target, and the load average.

Run: ``python benchmarks/judge_memory.py [--exercises KEY ...] [--target-mb 1536] [--keep DIR]
[--json FILE]``. Exits 1 when a peak is over the target or missing, 0 otherwise.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NoReturn, Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.insert(0, str(ROOT / "benchmarks"))

from grade_class import hostile_threats, machine, write_hostile  # noqa: E402

from grading.harness.catalogue import EXERCISES  # noqa: E402

TARGET_MB = 1536  # the issue: "the judge's peak memory grading any submission stays under 1.5 GB"
BOMB_THREAT = "judge_bomb"  # graded once per bomb, with @BOMB@ replaced (tests/hostile/README.md)


def judge_bombs() -> tuple[str, ...]:
    """The bombs ``tests/test_judge_limits.py`` grades (``judge_bomb`` with ``@BOMB@`` replaced)."""
    from tests.test_judge_limits import BOMBS

    return tuple(BOMBS)


def write_honest(target: Path) -> Path:
    """A complete copy of ``solutions/``, laid out as :func:`write_hostile` lays out the others."""
    from grading.harness.catalogue import modules

    target.mkdir(parents=True)
    for module in modules():
        shutil.copyfile(ROOT / "solutions" / f"{module}.py", target / f"{module}.py")
    return target


def write_class(folder: Path) -> list[Path]:
    """The honest submission, every hostile one and every bomb, written into ``folder``."""
    folder.mkdir(parents=True)
    paths = [write_honest(folder / "honest")]
    paths += [write_hostile(threat, folder / f"hostile_{threat}") for threat in hostile_threats() if threat != BOMB_THREAT]
    for bomb in judge_bombs():
        target = write_hostile(BOMB_THREAT, folder / f"judge_bomb_{bomb}")
        module = target / "distributions.py"
        module.write_text(module.read_text().replace("@BOMB@", bomb))
        paths.append(target)
    return paths


def grade(klass: Path, out: Path, exercises: Sequence[str]) -> float:
    """``decodelab grade CLASS --out OUT --workers 1 --backend tiny`` (on ``exercises``); its wall time."""
    command = [sys.executable, "-m", "decodelab.cli", "grade", str(klass), "--out", str(out),
               "--workers", "1", "--backend", "tiny", *(["--exercises", *exercises] if exercises else [])]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"decodelab grade exited {done.returncode}:\n{done.stderr[-3000:]}")
    return seconds


def read_rows(out: Path) -> list[dict[str, Any]]:
    """One row per results.json: name, score, max_score, peak (MB or None), grader_error."""
    rows = []
    for path in sorted(out.glob("*/results.json")):
        data = json.loads(path.read_text())
        extra = data["extra_data"]
        rows.append({"name": path.parent.name, "score": data["score"], "max_score": data["max_score"],
                     "peak_mb": extra.get("judge_peak_rss_mb"), "grader_error": extra.get("grader_error"),
                     "sandbox": extra.get("sandbox")})
    order = {"honest": 0, "hostile": 1, "judge": 2}
    return sorted(rows, key=lambda row: (order.get(row["name"].split("_")[0], 3), row["name"]))


def verdict(rows: list[dict[str, Any]], target_mb: float) -> tuple[bool, str]:
    """Whether every peak is known and under ``target_mb``, and one plain sentence saying so."""
    missing = [row["name"] for row in rows if not isinstance(row["peak_mb"], (int, float))]
    measured = [row for row in rows if row["name"] not in missing]
    if not measured:
        return False, "NOT measured: no results.json carries judge_peak_rss_mb"
    top = max(measured, key=lambda row: row["peak_mb"])
    over = [row["name"] for row in measured if row["peak_mb"] >= target_mb]
    if over:
        sentence = (f"target NOT met: {len(over)} submission(s) took the judge to {target_mb:g} MB or more "
                    f"({', '.join(over)}); the highest, {top['name']}, {top['peak_mb']:.1f} MB")
    else:
        sentence = (f"target met: the highest peak, {top['peak_mb']:.1f} MB ({top['name']}), is under "
                    f"{target_mb:g} MB ({target_mb / 1024:g} GB), {target_mb - top['peak_mb']:.1f} MB to spare")
    if missing:
        sentence += f"; NO measurement for {', '.join(missing)}"
    return not over and not missing, sentence


def table(report: dict[str, Any]) -> str:
    lines = ["| submission | score | judge peak RSS (MB) |", "| --- | ---: | ---: |"]
    for row in report["rows"]:
        score = f"{row['score']:g} / {row['max_score']:g}" + (" (grader error)" if row["grader_error"] else "")
        peak = f"{row['peak_mb']:.1f}" if isinstance(row["peak_mb"], (int, float)) else "—"
        lines.append(f"| `{row['name']}` | {score} | {peak} |")
    measured = [row["peak_mb"] for row in report["rows"] if isinstance(row["peak_mb"], (int, float))]
    lines.append(f"| **maximum** | | **{max(measured):.1f}** |" if measured else "| **maximum** | | — |")
    start, end = report["load_average"]["start"], report["load_average"]["end"]
    lines += [
        "",
        f"Verdict against the {report['target_mb']:g} MB target: {report['verdict']}.",
        f"{len(report['rows'])} submissions graded in {report['seconds']:.1f} s "
        f"(exercises: {', '.join(report['exercises']) or 'all'}); sandbox: {report['sandbox']}.",
        "Load average (1, 5, 15 min): " + " / ".join(f"{v:.2f}" for v in start) + " at the start, "
        + " / ".join(f"{v:.2f}" for v in end) + f" at the end, on {report['machine']['cores']} cores.",
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> dict[str, Any]:
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="decodelab-judge-memory-"))
    scratch.mkdir(parents=True, exist_ok=True)
    klass, out = scratch / "class", scratch / "grades"
    for folder in (klass, out):
        shutil.rmtree(folder, ignore_errors=True)
    paths = write_class(klass)
    print(f"class of {len(paths)} in {klass}; grading with one worker...", flush=True)
    report: dict[str, Any] = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
                              "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
                              "exercises": list(args.exercises or ()), "target_mb": args.target_mb}
    start = os.getloadavg()
    report["seconds"] = grade(klass, out, args.exercises or ())
    report["load_average"] = {"start": start, "end": os.getloadavg()}
    report["rows"] = read_rows(out)
    report["sandbox"] = next((row["sandbox"] for row in report["rows"] if row["sandbox"]), "unknown")
    report["sandbox"] = report["sandbox"].split(":")[0]
    graded = {row["name"] for row in report["rows"]}
    lost = sorted(path.name for path in paths if path.name not in graded)
    if lost:
        raise RuntimeError(f"decodelab grade wrote no results.json for {', '.join(lost)}")
    report["ok"], report["verdict"] = verdict(report["rows"], args.target_mb)
    report["scratch"] = str(scratch)
    return report


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    keys = [exercise.key for exercise in EXERCISES]
    parser = _Parser(prog="judge_memory.py", description=__doc__.split("\n\n")[0],
                     epilog="Exits 1 when a submission's judge peak is over the target or missing.")
    parser.add_argument("--exercises", nargs="+", metavar="KEY",
                        help=f"grade only these exercises (default: all; keys: {', '.join(keys)})")
    parser.add_argument("--target-mb", type=float, default=TARGET_MB,
                        help=f"the target for every peak, in MB of 2^20 bytes (default: {TARGET_MB}, 1.5 GB)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the full report here")
    args = parser.parse_args(argv)
    unknown = [key for key in args.exercises or () if key not in keys]
    if unknown:
        parser.error(f"unknown exercise key(s) {', '.join(unknown)}; the keys are {', '.join(keys)}")
    if not args.target_mb > 0:
        parser.error(f"--target-mb must be a positive number of MB, not {args.target_mb:g}")
    if args.keep is not None and args.keep.exists() and not args.keep.is_dir():
        parser.error(f"--keep {args.keep} exists and is not a folder")
    if args.json is not None and not args.json.parent.is_dir():
        parser.error(f"--json {args.json}: the folder {args.json.parent} does not exist")
    from reference.backends import tiny_status

    if not tiny_status()[0]:
        parser.error("the bundled tiny model is not built yet (see docs/tiny-model.md)")
    try:
        report = run(args)
    except RuntimeError as error:
        print(f"judge_memory.py: {error}", file=sys.stderr)
        return 1
    if not args.keep:
        shutil.rmtree(report["scratch"], ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str))
    print(table(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
