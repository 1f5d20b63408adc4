"""A submission's busy processes cannot push the classmate graded beside it past its time limits.

``tests/hostile/cpu_hog`` starts sixty busy processes, each in a session (so a scheduler group)
of its own, that run whenever its own process waits. Graded on two workers beside an honest copy
of ``solutions/``, without a control group per worker the honest copy got one share of the
machine against sixty: 10 to 25 times slower, and under a time limit it passes alone it lost 64
of 111 points, told it had used up its time. With the submissions' control group
(:mod:`grading.sandbox.cgroups`) the sixty share one worker's part. Checked here: every process
of a submission sits in its worker's group (in both the cpu and the memory hierarchy) while it
runs, and under a time limit of twice what the honest copies need alone they score exactly as
alone.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from grading.grader.driver import GradeOptions, grade_class
from grading.sandbox.cgroups import WorkerGroup
from grading.sandbox.limits import Limits
from tests.test_hostile import _copy_solutions, _tiny_available, build_hostile


pytestmark = [
    pytest.mark.skipif(not _tiny_available(), reason="the tiny model is not built yet"),
    pytest.mark.skipif(not WorkerGroup.possible(), reason="no control group can be made here (needs root and the "
                                                       "cgroup memory and cpu controllers)"),
]
EXERCISES = ("subword_embedding", "next_token", "temperature")


def _submission_processes() -> dict[int, list[str]]:
    """Learner processes (the sandboxed worker's command line, another uid than root's: graded
    as root, a submission's processes take the worker's uid) -> their memory and cpu groups."""
    found = {}
    for entry in os.listdir("/proc"):
        try:
            if not entry.isdigit() or os.stat(f"/proc/{entry}").st_uid == 0:
                continue
            if b"grading.sandbox.learner_side" not in Path(f"/proc/{entry}/cmdline").read_bytes():
                continue
            lines = Path(f"/proc/{entry}/cgroup").read_text().splitlines()
        except OSError:
            continue
        v1 = [line for line in lines if {"memory", "cpu"} & set(line.split(":")[1].split(","))]
        found[int(entry)] = v1 or [line for line in lines if line.startswith("0::")]
    return found


class _Watch(threading.Thread):
    """Looks at the submissions' processes every 0.1 s while a class is graded."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.most, self.outside, self.done = 0, [], threading.Event()

    def run(self) -> None:
        streak: dict[int, int] = {}
        while not self.done.wait(0.1):
            seen = _submission_processes()
            self.most = max(self.most, len(seen))
            # Outside in three looks in a row: the worker's own helpers that take a submission's
            # uid for a moment (to signal or clean up as it) are not a submission's processes.
            streak = {pid: streak.get(pid, 0) + 1 for pid, groups in seen.items()
                      if not all("decodelab-worker-" in line for line in groups)}
            self.outside += [(pid, seen[pid]) for pid, count in streak.items() if count == 3]


def _scores(outcome, name: str) -> dict[str, float]:
    return {test["name"]: test["score"] for test in outcome.results[name]["tests"]}


def test_busy_processes_cannot_slow_a_classmate_into_its_time_limit(tmp_path):
    honest = tmp_path / "class" / "b_honest"
    _copy_solutions(honest)
    later = tmp_path / "class" / "c_honest"  # graded once the hog's processes surely run
    _copy_solutions(later)
    hog = build_hostile("cpu_hog", tmp_path / "class" / "a_hog")
    alone = grade_class([honest], tmp_path / "alone", GradeOptions(backend="tiny", exercises=EXERCISES), workers=2)
    needed = alone.results["b_honest"]["execution_time"]
    # Its calls' time may be twice its whole grading alone (which also holds the judge's work):
    # room for a loaded machine, not for the 7- to 10-fold slow-down measured beside the hog
    # without a control group (1.0 s alone, 7.6 and 10.3 s beside it).
    limit = max(3.0, 2 * needed)
    options = GradeOptions(backend="tiny", exercises=EXERCISES, limits=Limits(call_seconds=10, submission_seconds=limit))
    watch = _Watch()
    watch.start()
    try:
        beside = grade_class([hog, honest, later], tmp_path / "beside", options, workers=2)
    finally:
        watch.done.set()
        watch.join()
    assert watch.most >= 50, f"at most {watch.most} learner processes were seen at once: the hog did not run"
    assert not watch.outside, (f"{len(watch.outside)} sightings of a submission's process outside its worker's "
                               f"control group, e.g. {watch.outside[:2]}")
    for name in ("b_honest", "c_honest"):
        lost = {test: (alone_score, score) for test, score in _scores(beside, name).items()
                if score != (alone_score := _scores(alone, "b_honest")[test])}
        assert not lost, (
            f"graded beside cpu_hog under a {limit:.0f} s limit (alone it took {needed:.1f} s), {name}'s scores "
            f"changed (test: alone, beside): {lost}; its feedback: "
            + "; ".join(t["output"][:160] for t in beside.results[name]["tests"] if t["name"] in lost))
        assert beside.results[name]["extra_data"].get("grader_error") is None
        sandbox = beside.results[name]["extra_data"].get("sandbox", "")
        assert "bounded by a control group" in sandbox, f"results.json's sandbox description does not say so: {sandbox!r}"
