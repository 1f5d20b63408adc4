"""The one hypothesis profile every run of the suites gets (grading/harness/plugin.py).

A session of pytest with the project's plugin that collects a module using hypothesis must run
it derandomized, without an example database, deadline or health checks, with shrinking
bounded by ``SHRINK_SECONDS``, and without the explain phase (its comments go to a report no
learner sees, and it was most of a wrong submission's grading). The grader's judges and the
in-process runner both get their profile this way, so that their verdicts agree.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from grading.harness.plugin import SHRINK_SECONDS

ROOT = Path(__file__).resolve().parents[1]

PROBE = '''
from hypothesis import HealthCheck, given, settings, strategies
from hypothesis.internal.conjecture import engine


def test_the_profile_in_force():
    current = settings.default
    found = {{
        "derandomize": current.derandomize,
        "database": current.database,
        "deadline": current.deadline,
        "unsuppressed": sorted(set(HealthCheck) - set(current.suppress_health_check), key=str),
        "shrink_seconds": engine.MAX_SHRINKING_SECONDS,
        "phases": [phase.name for phase in current.phases],
        "report_multiple_bugs": current.report_multiple_bugs,
    }}
    expected = {{"derandomize": True, "database": None, "deadline": None, "unsuppressed": [],
                 "shrink_seconds": {shrink},
                 "phases": ["explicit", "reuse", "generate", "target", "shrink"], "report_multiple_bugs": False}}
    assert found == expected, f"the profile in force was {{found}}, expected {{expected}}"


def test_a_test_failing_two_ways_reports_one_failure():
    # The feedback is the failure's own message: an ExceptionGroup of two would hide it.
    @given(strategies.integers())
    def fails_two_ways(value):
        if value > 10:
            raise ValueError("too large")
        if value < -10:
            raise KeyError("too small")

    try:
        fails_two_ways()
    except Exception as error:
        raised = error
    else:
        raise AssertionError("a test failing for every value beyond 10 passed")
    assert isinstance(raised, (ValueError, KeyError)), (
        f"a test failing two ways raised {{type(raised).__name__}}: {{raised}}, expected one of its failures")


DRAWN = []


@given(strategies.integers())
def test_draw(value):
    DRAWN.append(value)


def test_the_examples_are_those_of_every_run():
    print("DRAWN", DRAWN[:20])
'''


def _run_probe(folder: Path) -> str:
    """Run the probe module in a fresh pytest session in ``folder``; its line of drawn examples."""
    folder.mkdir(exist_ok=True)
    (folder / "test_probe.py").write_text(textwrap.dedent(PROBE.format(shrink=SHRINK_SECONDS)), encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-p", "grading.harness.plugin", "-p", "no:cacheprovider", "-p", "no:randomly",
               "-q", "-s", "--rootdir", str(folder), str(folder / "test_probe.py")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=folder, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, f"{' '.join(command[2:])} exited {done.returncode}, expected 0:\n{done.stdout[-3000:]}"
    return next(line for line in done.stdout.splitlines() if "DRAWN" in line)


def test_a_session_with_the_plugin_runs_hypothesis_under_the_grading_profile(tmp_path):
    _run_probe(tmp_path)


def test_two_sessions_draw_the_same_examples(tmp_path):
    first = _run_probe(tmp_path / "first")
    second = _run_probe(tmp_path / "second")
    assert first == second, f"two sessions drew {first!r} and {second!r}, expected the same examples"
