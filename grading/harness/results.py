"""A pytest plugin that records every test's outcome as data (``--decodelab-results FILE``).

Each record: ``nodeid``, ``name``, ``exercise``, ``points`` (the test function's ``points``
mark), ``outcome`` (passed / failed / skipped / not_run), ``status`` (a :class:`Status`),
``message`` — the feedback text, never the test's source — and, for a failure, ``brief``: the
same without what was expected and what came back (:meth:`grading.harness.compare.Mismatch.brief`;
the whole message where it holds no expected value).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from grading.harness.catalogue import EXERCISES
from grading.harness.output import encodable, keep_end
from grading.harness.status import Status

_KEYS = {exercise.key for exercise in EXERCISES}


NOT_RUN = Status.NOT_RUN


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("decodelab").addoption("--decodelab-results", default=None, help="write test outcomes as JSON here")


class _Recorder:
    def __init__(self, path: Path):
        self.path = path
        self.records: dict[str, dict] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        properties = dict(report.user_properties)
        record = self.records.get(report.nodeid)
        if record is None:  # not seen at collection (should not happen); record it now
            record = self._new_record(report.nodeid, properties.get("exercise", ""), float(properties.get("points", 0)))
            self.records[report.nodeid] = record
        record["duration"] += report.duration
        if report.failed:
            status = Status(properties.get("status", Status.ERROR if report.when != "call" else Status.FAILED))
            if record["outcome"] != "failed":  # keep the first failure: it is the cause
                message = _message(report)
                record.update(outcome="failed", status=status, message=message,
                              brief=keep_end(str(properties["brief"])) if "brief" in properties else message)
        elif report.skipped and record["outcome"] == NOT_RUN:
            record.update(outcome="skipped", status=Status.SKIPPED, message=_skip_reason(report))
        elif report.when == "call" and report.passed and record["outcome"] == NOT_RUN:
            record.update(outcome="passed", status=Status.PASSED, message="")

    @staticmethod
    def _new_record(nodeid: str, exercise: str, points: float) -> dict:
        # A test starts as "not run": only a passing call makes it pass, so a session that
        # stops early (a collection error, a crash) never turns unrun tests into points.
        return {
            "nodeid": nodeid,
            "name": nodeid.split("::", 1)[-1],
            "exercise": exercise,
            "points": points,
            "outcome": NOT_RUN,
            "status": NOT_RUN,
            "message": "this test did not run: the test session stopped before reaching it",
            "duration": 0.0,
        }

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        # Record each selected item's exercise and points up front, so a test that errors
        # in set-up, or never runs, still counts towards its exercise's total.
        for item in session.items:
            points = item.get_closest_marker("points")
            keys = [m.name for m in item.iter_markers() if m.name in _KEYS]
            self.records[item.nodeid] = self._new_record(
                item.nodeid, keys[0] if keys else "", float(points.args[0]) if points else 0.0
            )

    def pytest_sessionfinish(self) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(encodable(list(self.records.values())), indent=1, ensure_ascii=False),
                             encoding="utf-8")
        os.replace(temporary, self.path)


def _message(report: pytest.TestReport) -> str:
    text = str(report.longrepr) if report.longrepr is not None else ""
    return keep_end(text)


def _skip_reason(report: pytest.TestReport) -> str:
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        return str(report.longrepr[2])
    return str(report.longrepr or "")


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption("--decodelab-results")
    if path:
        config.pluginmanager.register(_Recorder(Path(path)), "decodelab-results-recorder")
