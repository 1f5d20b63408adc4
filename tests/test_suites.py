"""Proof that the suites grade well: solutions earn everything, stubs earn nothing,
every catalogued wrong implementation loses points, and the points add up."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections import Counter
from pathlib import Path

import pytest

import tests.wrong_implementations as wrong_package
from grading.harness.catalogue import EXERCISES
from grading.harness.runner import SuiteRun, run_suites
from grading.harness.target import exercise_for
from tests.stubs import stubs_target

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def solutions_run() -> SuiteRun:
    return run_suites("solutions", suites=("public", "hidden"))


@pytest.fixture(scope="module")
def stubs_run() -> SuiteRun:
    return run_suites(stubs_target(), suites=("public", "hidden"))


def test_every_test_passes_on_solutions(solutions_run):
    failed = [f"{t.name}: {t.message[:300]}" for t in solutions_run.tests if t.status not in ("passed", "skipped")]
    assert solutions_run.tests, f"no tests ran on solutions/:\n{solutions_run.log[-2000:]}"
    assert not failed, "tests that fail on solutions/:\n" + "\n".join(failed)
    assert solutions_run.score == solutions_run.max_score, (
        f"run_suites('solutions') scored {solutions_run.score}, expected the maximum {solutions_run.max_score}"
    )


def test_the_public_suites_pass_on_solutions_through_the_sandbox():
    # Where the hidden suites are not installed (a learner's bundle), `decodelab grade` runs the
    # public ones through the sandbox: every object they pass the learner must cross (a toy
    # model by value, Mistral's tokenizer by name, with no backend loaded), none call back.
    run = run_suites("isolated:solutions", suites=("public",))
    failed = [f"{t.name}: {t.message[:300]}" for t in run.tests if t.status not in ("passed", "skipped")]
    assert run.tests, f"no public test ran on isolated:solutions:\n{run.log[-2000:]}"
    assert not failed, "public tests that fail on solutions/ through the sandbox:\n" + "\n".join(failed)


def test_every_test_name_reads_as_written(solutions_run):
    # pytest writes a parameter's non-ASCII characters as escapes; Gradescope, the feedback page
    # and the gradebook would show learners "[\u66c7\u308a]".
    escaped = [t.name for t in solutions_run.tests if "\\" in t.name]
    assert not escaped, f"test names with escapes (give the parameters readable ids): {escaped}"


def _number_strings_without_ids(source: str) -> list[str]:
    """The parametrize calls in ``source`` whose values include a string that reads as a number
    (``"0.9"``) and that give no ``ids``: pytest names that case ``[0.9]``, as if it were the number."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "parametrize"):
            continue
        if any(keyword.arg == "ids" for keyword in node.keywords) or len(node.args) < 2:
            continue
        for value in ast.walk(node.args[1]):
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                try:
                    float(value.value)
                except ValueError:
                    continue
                found.append(f"line {node.lineno}: {value.value!r}")
    return found


def test_a_string_that_reads_as_a_number_is_named_as_a_string():
    # `[0.9]` beside `[-0.1]` and `[nan]` reads as a third number; the case is the string "0.9".
    assert _number_strings_without_ids('@pytest.mark.parametrize("p", [-0.1, "0.9"])\ndef test_p(p): pass'), (
        "the check itself no longer finds a string parameter without ids"
    )
    unnamed = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / "grading").glob("*/test_*.py"))
        if (found := _number_strings_without_ids(path.read_text(encoding="utf-8")))
    }
    assert not unnamed, f"give these parametrize calls ids that say the value is a string: {unnamed}"


def test_untouched_stubs_score_zero(stubs_run):
    assert stubs_run.tests, f"no tests ran on exercises/:\n{stubs_run.log[-2000:]}"
    assert stubs_run.score == 0, (
        f"run_suites('exercises') scored {stubs_run.score}, expected 0; passing: "
        + ", ".join(t.name for t in stubs_run.tests if t.status == "passed")
    )
    statuses = Counter(t.status for t in stubs_run.tests if t.status != "skipped")
    assert set(statuses) == {"not_started"}, (
        f"every test on the stubs should read 'not started', got statuses {dict(statuses)}"
    )


def test_points_per_exercise_match_the_catalogue(solutions_run):
    totals = Counter()
    for test in solutions_run.tests:
        totals[test.exercise] += test.max_score
    for exercise in EXERCISES:
        assert round(totals[exercise.key], 6) == exercise.points, (
            f"the hidden tests of '{exercise.key}' are worth {totals[exercise.key]:g} points, "
            f"the catalogue says {exercise.points}"
        )


def test_every_exercise_has_public_tests(solutions_run):
    # Public tests carry no points marks, so they are the zero-point records of the run.
    with_public = {t.exercise for t in solutions_run.tests if t.max_score == 0 and t.status == "passed"}
    missing = [e.key for e in EXERCISES if e.key not in with_public]
    assert not missing, f"exercises without passing public tests: {missing}"


def wrong_implementations() -> list[tuple[str, str]]:
    """(module, function name) of every catalogued wrong implementation."""
    found = []
    for info in pkgutil.iter_modules(wrong_package.__path__):
        module = importlib.import_module(f"{wrong_package.__name__}.{info.name}")
        for name, value in inspect.getmembers(module, inspect.isfunction):
            if "__" in name and value.__module__ == module.__name__:
                found.append((info.name, name))
    return sorted(found)


WRONG = wrong_implementations()


def test_catalogue_has_five_wrong_versions_per_exercise():
    counts = Counter(exercise_for(name.split("__")[0]).key for _, name in WRONG)
    short = {e.key: counts[e.key] for e in EXERCISES if counts[e.key] < 5}
    assert not short, f"exercises with fewer than five catalogued wrong implementations: {short}"


# Each wrong version losing points is proved through `decodelab grade`, sandboxed, in
# tests/test_grade_cli.py (with the independent catalogue's wrong and correct versions).
