"""Run the public or hidden suites against a target and get the outcome as data.

This is the one way suites are run: ``decodelab check``, ``decodelab grade`` and the
project's own tests all call :func:`run_suites`. pytest runs in a child process (so a
learner's crash cannot take the caller down), with :mod:`grading.harness.results` writing a JSON
record per test; scores are computed here from the ``points`` marks.

Scoring: a test function's points are shared equally between its parametrized cases, so
passing two of three cases of a 3-point test earns 2 points.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from grading.harness.scratch import prefix as scratch_prefix

GRADING = Path(__file__).resolve().parents[1]
SUITES = {"public": GRADING / "public", "hidden": GRADING / "hidden"}


@dataclass
class TestResult:
    """One test case's outcome."""

    name: str
    exercise: str
    max_score: float
    score: float
    status: str
    message: str
    duration: float
    brief: str = ""  # a failure's message without the expected values (grading.harness.results)


@dataclass
class SuiteRun:
    """All outcomes of one run, and what happened to the run itself."""

    tests: list[TestResult] = field(default_factory=list)
    returncode: int = 0
    log: str = ""

    @property
    def score(self) -> float:
        return round(sum(test.score for test in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(test.max_score for test in self.tests), 6)

    def by_exercise(self) -> dict[str, list[TestResult]]:
        grouped: dict[str, list[TestResult]] = defaultdict(list)
        for test in self.tests:
            grouped[test.exercise].append(test)
        return dict(grouped)


def score_records(records: list[dict]) -> list[TestResult]:
    """Turn the plugin's records into scored results, sharing points among parametrizations."""
    cases: dict[str, int] = defaultdict(int)
    for record in records:
        cases[record["nodeid"].split("[", 1)[0]] += 1
    results = []
    for record in records:
        share = record["points"] / cases[record["nodeid"].split("[", 1)[0]]
        passed = record["outcome"] == "passed"
        if record["outcome"] == "skipped":  # e.g. a GPU-only case on a CPU machine: not part of the grade
            share = 0.0
        results.append(
            TestResult(
                name=record["name"],
                exercise=record["exercise"],
                max_score=share,
                score=share if passed else 0.0,
                status=record["status"],
                message=record["message"],
                duration=round(record["duration"], 4),
                brief=record.get("brief", ""),
            )
        )
    return results


def suite_files(suite: str, exercises: Sequence[str] = ()) -> list[Path]:
    """What pytest is given for ``suite``: its folder, or with ``exercises`` only the files that can
    hold their tests — a file marking one of them (``mark.<key>`` in its text, a whole word), or a file marking
    no exercise at all (then nobody can tell, so it is kept). ``-m`` still picks the tests; this only
    spares importing the other files, which is most of a quick check's time."""
    folder = SUITES[suite]
    if not exercises:
        return [folder]
    from grading.harness.catalogue import EXERCISES

    every_key = {exercise.key for exercise in EXERCISES}
    chosen = []
    for path in sorted(folder.glob("test_*.py")):
        text = path.read_text(encoding="utf-8", errors="replace")
        marked = set(re.findall(r"\bmark\.(\w+)", text)) & every_key
        if not marked or marked & set(exercises):
            chosen.append(path)
    return chosen or [folder]


def pytest_command(
    target: str,
    suites: Sequence[str] = ("hidden",),
    exercises: Sequence[str] = (),
    backends: str = "tiny",
    results_file: Path | None = None,
    extra: Sequence[str] = (),
    files_of: Sequence[str] | None = None,
) -> list[str]:
    """The pytest command line that runs ``suites`` against ``target``; ``files_of`` (exercise
    keys, default ``exercises``) narrows the files pytest is given to those holding their tests."""
    files_of = exercises if files_of is None else files_of
    # unraisableexception runs two full garbage collections per session (0.45 s with torch and a
    # model loaded: 39 % of a short hidden-suite session) to turn stray exceptions into warnings
    # that no score or feedback reads.
    command = [sys.executable, "-m", "pytest", *(str(path) for s in suites for path in suite_files(s, files_of)),
               "-p", "no:unraisableexception"]
    if tuple(suites) == ("public",):
        # What a check does not need, and what it costs each `decodelab check` (docs/benchmarks.md):
        # hypothesis' plugin imports hypothesis at the end of every session (0.9 s; no public test
        # uses it, tests/test_architecture.py holds that); anyio's looks for async back-ends (up to
        # 0.5 s; no public test is async).
        command += ["-p", "no:hypothesispytest", "-p", "no:anyio"]
    command += ["-p", "grading.harness.results", "--target", target, "--backend", backends,
                "-q", "-p", "no:cacheprovider"]
    command += ["--rootdir", str(GRADING.parent), "-o", "addopts=-p grading.harness.plugin"]
    if exercises:
        command += ["-m", " or ".join(exercises)]
    if results_file is not None:
        command += ["--decodelab-results", str(results_file)]
    return command + list(extra)


def run_suites(
    target: str,
    suites: Sequence[str] = ("hidden",),
    exercises: Sequence[str] = (),
    backends: str = "tiny",
    timeout: float | None = 900,
    extra: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> SuiteRun:
    """Run ``suites`` (``public`` and/or ``hidden``) against ``target`` in a child pytest."""
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("run")) as scratch:
        results_file = Path(scratch) / "results.json"
        command = pytest_command(target, suites, exercises, backends, results_file, extra)
        child_env = dict(os.environ if env is None else env)
        child_env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
        try:
            done = subprocess.run(  # the learner's output may hold any bytes: errors="replace"
                command, capture_output=True, text=True, errors="replace", timeout=timeout, env=child_env,
                cwd=GRADING.parent,
            )
            returncode, log = done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired as expired:
            returncode, log = -9, f"the test run timed out after {timeout} s\n{expired.stdout or ''}"
        records = json.loads(results_file.read_text()) if results_file.exists() else []
    return SuiteRun(score_records(records), returncode, log)


# The child of run_suites_in_turn: argv[1] is a JSON list of [pytest arguments, log file, exit-code file].
_IN_TURN_CHILD = """
import json, os, sys
import pytest
with open(sys.argv[1]) as jobs:
    jobs = json.load(jobs)
for arguments, log_path, code_path in jobs:
    sys.stdout.flush(); sys.stderr.flush()
    with open(log_path, "w") as log:
        os.dup2(log.fileno(), 1); os.dup2(log.fileno(), 2)
        code = pytest.main(arguments)
        sys.stdout.flush(); sys.stderr.flush()
    with open(code_path, "w") as out:
        out.write(str(int(code)))
"""


def run_suites_in_turn(
    targets: Sequence[str],
    suites: Sequence[str] = ("public",),
    exercises: Sequence[str] = (),
    backends: str = "tiny",
    timeout: float | None = 900,
    exercises_of: Sequence[Sequence[str]] | None = None,
) -> list[SuiteRun]:
    """:func:`run_suites` for each of ``targets``, one after another in ONE child process.

    ``exercises`` narrows every run; ``exercises_of`` (one list per target) narrows each run to
    its own.

    Most of a short run's time is the child's start-up (importing torch and transformers);
    this pays it once. Each target still gets its own pytest session and freshly loaded
    backends. Meant for the project's own tests of many small variants of one exercise
    (``tests/test_pitfalls.py``), never for grading learners: one learner's code must not
    share a process with the next. ``timeout`` bounds the whole batch; a target the child
    never reached (it crashed or timed out) gets a run with return code -9 and no tests.
    """
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("run")) as scratch:
        jobs, files = [], []
        if exercises_of is not None and len(exercises_of) != len(targets):
            raise ValueError(f"exercises_of has {len(exercises_of)} lists for {len(targets)} targets")
        for index, target in enumerate(targets):
            results, log, code = (Path(scratch) / f"{index}.{kind}" for kind in ("json", "log", "code"))
            narrowed = exercises if exercises_of is None else exercises_of[index]
            arguments = pytest_command(target, suites, narrowed, backends, results)[3:]
            jobs.append([arguments, str(log), str(code)])
            files.append((results, log, code))
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        # A file, not an argument: one argument may hold at most 128 KiB (MAX_ARG_STRLEN), which
        # the 254 targets of tests/test_grade_cli.py passed once the catalogues had grown.
        jobs_file = Path(scratch) / "jobs.json"
        jobs_file.write_text(json.dumps(jobs))
        try:
            done = subprocess.run([sys.executable, "-c", _IN_TURN_CHILD, str(jobs_file)], capture_output=True,
                                  text=True, errors="replace", timeout=timeout, env=env, cwd=GRADING.parent)
            trouble = done.stdout + done.stderr
        except subprocess.TimeoutExpired:
            trouble = f"the batch of {len(targets)} runs timed out after {timeout} s"
        runs = []
        for results, log, code in files:
            records = json.loads(results.read_text()) if results.exists() else []
            text = log.read_text(errors="replace") if log.exists() else ""
            if code.exists():
                runs.append(SuiteRun(score_records(records), int(code.read_text()), text))
            else:
                runs.append(SuiteRun(score_records(records), -9, text + "\nthis run never finished:\n" + trouble))
    return runs
