"""Project-test fixtures: a summary of how many catalogued wrong implementations are caught.

A test records each graded wrong version with :func:`wrong_report`; the record travels in the
test report's ``user_properties`` (pytest-xdist carries those from its workers to the main
process), and the terminal summary counts them per catalogue and exercise.
"""
from __future__ import annotations

import os
from collections import defaultdict
from typing import Callable

import pytest
import torch

# The project's tests run two at a time on a two-core machine (pytest-xdist, `make test`), and
# many of them start children that import torch (decodelab check and grade, notebook kernels).
# A torch that spreads every matrix product over all cores in each of them makes them wait on
# one another: the evaluation notebook takes 25 s alone and 102 s beside another test. One
# thread each, set before any child starts, and in this process too (grading.harness.plugin, loaded
# before this file, has imported torch already).
for _variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))

_WRONG_RESULTS: list[tuple[str, str, float, float]] = []
_PROPERTY = "wrong_version"


@pytest.fixture
def wrong_report(record_property) -> Callable[[str, str, float, float], None]:
    """``record(exercise, name, score, max_score)`` for the end-of-run summary."""

    def record(exercise: str, name: str, score: float, max_score: float) -> None:
        record_property(_PROPERTY, (exercise, name, score, max_score))

    return record


def pytest_runtest_logreport(report) -> None:
    if report.when == "call":
        _WRONG_RESULTS.extend(tuple(value) for key, value in report.user_properties if key == _PROPERTY)


def pytest_terminal_summary(terminalreporter) -> None:
    if not _WRONG_RESULTS:
        return
    per_exercise: dict[str, list[bool]] = defaultdict(list)
    for key, _name, score, max_score in _WRONG_RESULTS:
        per_exercise[key].append(score < max_score)
    terminalreporter.section("wrong implementations caught by the hidden suites (through decodelab grade)")
    for key, caught in sorted(per_exercise.items()):
        terminalreporter.write_line(f"{key:40} {sum(caught)}/{len(caught)} caught")
    total = [c for caught in per_exercise.values() for c in caught]
    terminalreporter.write_line(f"{'all':40} {sum(total)}/{len(total)} caught")
