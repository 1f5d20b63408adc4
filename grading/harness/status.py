"""Why a test ended as it did: one list, shared by the plugin that writes it, the recorder
(:mod:`grading.harness.results`), the reports and the CLI. Imports nothing, so the CLI may
read it without starting pytest."""
from __future__ import annotations

import enum


class Status(str, enum.Enum):
    """Why a test ended as it did: the one list. A failing test's status is written by one hook,
    :func:`grading.harness.plugin.pytest_runtest_makereport`, as the report's ``status`` property;
    the rest are the recorder's own, and the judge's for the tests it does not run (not started,
    or not graded: :meth:`grading.grader.driver.Judge._fill`). A ``str``, so that it is written to JSON as its value."""

    PASSED = "passed"
    SKIPPED = "skipped"
    NOT_RUN = "not_run"  # the session stopped before the test ran
    WRONG = "wrong"  # a check failed (grading.harness.compare.Mismatch)
    NOT_STARTED = "not_started"  # the exercise is still a stub, or its function is missing
    RAISED = "raised"  # the learner's code raised an exception
    TIMEOUT = "timeout"  # the learner's code ran past its time limit
    CRASHED = "crashed"  # the learner's process ended without answering
    MEMORY = "memory"  # the learner's process ran out of memory
    OUTPUT = "output"  # the learner's process printed more than it may
    FAILED = "failed"  # the test's own code failed, not the learner's
    ERROR = "error"  # the test could not be set up

    def __str__(self) -> str:
        return self.value


LEARNERS_FAULT = frozenset({Status.WRONG, Status.NOT_STARTED, Status.RAISED, Status.TIMEOUT, Status.CRASHED,
                            Status.MEMORY, Status.OUTPUT})
"""Statuses whose message is written for the learner (the rest show a test's own failure)."""
