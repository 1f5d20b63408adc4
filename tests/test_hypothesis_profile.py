"""The one hypothesis profile every run of the suites gets (grading/harness/plugin.py).

A session of pytest with the project's plugin that collects a module using hypothesis must run
it derandomized, without an example database, deadline or health checks, with shrinking
bounded by ``SHRINK_SECONDS``, and without the explain phase (its comments go to a report no
learner sees, and it was most of a wrong submission's grading). The grader's judges and the
in-process runner both get their profile this way, so that their verdicts agree. A failing
example is not turned into a patch file for the test's author (a learner never reads it, and
writing it imported libcst in every judge of a wrong submission).
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


FAILING = '''
import sys

from hypothesis import given, strategies


@given(strategies.integers())
def test_fails_beyond_ten(value):
    assert value <= 10


def test_report_what_the_failure_imported():
    print("PATCHING", "hypothesis.extra._patching" in sys.modules)
'''


def _run_failing(folder: Path, with_plugin: bool) -> tuple[bool, bool]:
    """A session whose hypothesis test fails: (was hypothesis' patch writer imported, was a patch written)."""
    folder.mkdir()
    (folder / "test_failing.py").write_text(textwrap.dedent(FAILING), encoding="utf-8")
    plugin = ["-p", "grading.harness.plugin"] if with_plugin else []
    command = [sys.executable, "-m", "pytest", *plugin, "-p", "no:cacheprovider", "-p", "no:randomly",
               "-q", "-s", "--rootdir", str(folder), str(folder / "test_failing.py")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=folder, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1, f"{' '.join(command[2:])} exited {done.returncode}, expected 1 (one failure):\n{done.stdout[-3000:]}"
    line = next((line for line in done.stdout.splitlines() if "PATCHING" in line), None)
    assert line is not None, f"the probe printed no PATCHING line:\n{done.stdout[-3000:]}"
    return line.split()[-1] == "True", any((folder / ".hypothesis").glob("patches/*.patch"))


def test_a_failing_example_writes_no_patch_under_the_plugin(tmp_path):
    # Hypothesis writes a patch with the failing example for the test's author, importing libcst
    # to do it: a third of a wrong submission's judging. Without the plugin it does (the control:
    # should a hypothesis release drop the feature, this says the plugin's hook has nothing left to do).
    imported, written = _run_failing(tmp_path / "plain", with_plugin=False)
    assert imported and written, (
        f"without the plugin, hypothesis' patch writer was imported: {imported}, a patch written: {written}; "
        f"expected both (the feature the plugin turns off)")
    imported, written = _run_failing(tmp_path / "graded", with_plugin=True)
    assert not imported and not written, (
        f"with the plugin, hypothesis' patch writer was imported: {imported}, a patch written: {written}; "
        f"expected neither")


MARKER_MODULE = '''
MARKER = "zq-marker-4417"
NUMBER = 987654321
'''

CONSTANTS_PROBE = '''
import hashlib

from hypothesis import given, settings, strategies

{import_line}

DRAWN = []


@settings(max_examples=300, derandomize=True, database=None)
@given(strategies.text(), strategies.integers())
def test_draw(text, number):
    DRAWN.append((text, number))


def test_report():
    seen = any("zq-marker-4417" in text or number == 987654321 for text, number in DRAWN)
    print("CONSTANTS", seen, hashlib.sha256(repr(DRAWN).encode()).hexdigest()[:16])
'''


def _draw_with(folder: Path, imports_marker: bool, with_plugin: bool) -> tuple[bool, str]:
    """(was a literal of the imported local module drawn, a digest of every example drawn)."""
    folder.mkdir()
    (folder / "marker_module.py").write_text(MARKER_MODULE, encoding="utf-8")
    line = "import marker_module  # noqa: F401" if imports_marker else ""
    (folder / "test_constants.py").write_text(textwrap.dedent(CONSTANTS_PROBE.format(import_line=line)), encoding="utf-8")
    plugin = ["-p", "grading.harness.plugin"] if with_plugin else []
    command = [sys.executable, "-m", "pytest", *plugin, "-p", "no:cacheprovider", "-p", "no:randomly",
               "-q", "-s", "--rootdir", str(folder), str(folder / "test_constants.py")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=folder, timeout=300,
                          env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{folder}"})
    assert done.returncode == 0, f"{' '.join(command[2:])} exited {done.returncode}, expected 0:\n{done.stdout[-3000:]}"
    found = next((line.split("CONSTANTS", 1)[1].split() for line in done.stdout.splitlines() if "CONSTANTS" in line), None)
    assert found is not None, f"the probe printed no CONSTANTS line:\n{done.stdout[-3000:]}"
    return found[0] == "True", found[1]


def test_the_examples_do_not_depend_on_the_modules_a_process_imported(tmp_path):
    # Hypothesis draws now and then a literal of a "local" module in sys.modules. Under the
    # plugin the pool is the reference's literals, whatever else was imported (a learner's
    # module in-process, solutions/ after priming): grading.harness.plugin.fixed_local_constants.
    seen, _ = _draw_with(tmp_path / "plain", imports_marker=True, with_plugin=False)
    assert seen, ("without the plugin, 300 examples never drew a literal of the imported local module; expected "
                  "hypothesis to draw one (the behaviour the plugin turns off; has a release dropped it?)")
    seen_with, drawn_with = _draw_with(tmp_path / "with", imports_marker=True, with_plugin=True)
    seen_without, drawn_without = _draw_with(tmp_path / "without", imports_marker=False, with_plugin=True)
    assert not seen_with, "under the plugin, an example held a literal of a module the test had imported"
    assert drawn_with == drawn_without, (
        f"under the plugin, the examples drawn with a local module imported (digest {drawn_with}) differ from "
        f"those drawn without it ({drawn_without}); expected the same examples")
