"""``decodelab check`` always answers: an endless loop in a learner's function costs one time
budget (``$DECODELAB_CHECK_SECONDS``), fails its exercise with a message naming the function,
and the other exercises are still checked.

The learner's folder holds the stubs of ``exercises/``, a ``greedy_generate`` whose loop never
ends, and the complete ``distributions.py`` of ``solutions/``. Each public test may run
:data:`BUDGET` seconds here; ``greedy`` has several public tests, so a check that waited out the
budget in each of them would take several budgets longer than one that stops after the first.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

import grading.harness.runner
from decodelab.cli import main
from grading.harness.runner import SuiteRun, run_suites
from reference.backends import tiny_status
from tests.stubs import stubs_folder

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 3  # seconds per public test
GUARD = 240  # seconds: the longest a run may take here before it counts as hanging
REFUSED = "not run again: it ran past the time budget in an earlier test"
ENDLESS = "    tokens = input_ids\n    while True:  # the stop condition is never true\n        tokens = tokens\n"
needs_tiny = pytest.mark.skipif(not tiny_status()[0], reason="the bundled tiny model is not built yet")


def learner_folder(tmp_path: Path, module: str, function: str, body: str) -> Path:
    """A learner's folder: the stubs, a correct ``distributions.py``, and ``function`` in
    ``module`` with ``body`` in place of its stub's ``raise``."""
    folder = tmp_path / "learner"
    (folder / "exercises").mkdir(parents=True)
    for path in stubs_folder().glob("*.py"):
        shutil.copy(path, folder / "exercises" / path.name)
    shutil.copy(ROOT / "solutions" / "distributions.py", folder / "exercises" / "distributions.py")
    written = folder / "exercises" / f"{module}.py"
    stub = f'    raise NotImplementedError("{function}: see the docstring")\n'
    source = written.read_text(encoding="utf-8")
    assert source.count(stub) == 1, f"expected exactly one {function} stub in {written}, found {source.count(stub)}"
    written.write_text(source.replace(stub, body), encoding="utf-8")
    return folder


@pytest.fixture
def looping_folder(tmp_path: Path) -> Path:
    """A learner's folder: stubs, an endless ``greedy_generate`` and a correct ``distributions.py``."""
    return learner_folder(tmp_path, "decoding", "greedy_generate", ENDLESS)


def loop_line(folder: Path) -> int:
    """The line number of the endless ``while True:`` in the learner's decoding.py."""
    lines = (folder / "exercises" / "decoding.py").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.strip().startswith("while True:"))


def greedy_tests(run: SuiteRun) -> list[grading.harness.runner.TestResult]:
    return [test for test in run.tests if test.exercise == "greedy"]


def check_one_budget_was_spent(call: str, tests: list[grading.harness.runner.TestResult], log: str) -> None:
    """The first greedy test was stopped at the budget; every later one was refused at once."""
    assert len(tests) >= 3, f"{call}: expected at least 3 greedy public tests in the run, got {len(tests)}\n{log[-3000:]}"
    first, later = tests[0], tests[1:]
    assert first.status == "timeout", (
        f"{call}: the first greedy test {first.name} has status {first.status!r} ({first.message!r}), "
        f"expected 'timeout'")
    assert first.duration >= BUDGET, (
        f"{call}: the first greedy test took {first.duration} s, expected it to run until the {BUDGET} s budget")
    not_refused = [(test.name, test.status, test.message) for test in later
                   if test.status != "timeout" or REFUSED not in test.message]
    assert not not_refused, (
        f"{call}: after greedy_generate() ran past the budget, expected every later greedy test to have status "
        f"'timeout' and say {REFUSED!r}; these did not: {not_refused}")
    waited = sum(test.duration for test in later)
    assert waited < BUDGET, (
        f"{call}: the {len(later)} greedy tests after the time-out took {waited:.2f} s together, expected less "
        f"than one budget ({BUDGET} s) — waiting out the budget in each would take at least {len(later) * BUDGET} s")


@needs_tiny
def test_check_stops_an_endless_loop_and_goes_on(looping_folder, tmp_path, monkeypatch, capsys):
    """``decodelab check greedy temperature --target FOLDER``, as a learner runs it on a copy of their work."""
    monkeypatch.setenv("DECODELAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DECODELAB_CHECK_SECONDS", str(BUDGET))
    runs: list[SuiteRun] = []

    def recording_run_suites(*args, **kwargs) -> SuiteRun:
        # The real runner; its timeout guards this test against the code before the budget (a hang).
        kwargs["timeout"] = GUARD
        run = run_suites(*args, **kwargs)
        runs.append(run)
        return run

    monkeypatch.setattr(grading.harness.runner, "run_suites", recording_run_suites)
    arguments = ["check", "greedy", "temperature", "--target", str(looping_folder)]
    call = "decodelab " + " ".join(arguments) + f" (DECODELAB_CHECK_SECONDS={BUDGET})"
    started = time.monotonic()
    code = main(arguments)
    took = time.monotonic() - started
    captured = capsys.readouterr()
    out = captured.out + captured.err
    print(f"{call} took {took:.1f} s")

    assert len(runs) == 1, f"{call}: expected one run of the public suites, got {len(runs)}\n{out}"
    check_one_budget_was_spent(call, greedy_tests(runs[0]), runs[0].log)
    assert code == 1, f"{call} exited {code}, expected 1 (an exercise fails)\n{out}"
    assert re.search(r"greedy\s+FAILING\s+greedy_generate\(\)", out), (
        f"{call}: expected the greedy exercise marked FAILING (not BROKEN, not a crash) in:\n{out}")
    assert re.search(r"temperature\s+done\s+softmax_with_temperature\(\)", out), (
        f"{call}: expected the temperature exercise, after the endless loop, still checked and done in:\n{out}")
    ran_past = f"greedy_generate() ran for more than {BUDGET} s"
    assert ran_past in out and "stop condition" in out, (
        f"{call}: expected the message to name the function and the budget ({ran_past!r}) and the likely "
        f"cause (the loop's stop condition) in:\n{out}")
    assert "DECODELAB_CHECK_SECONDS" in out, f"{call}: expected the message to name the variable that sets the budget in:\n{out}"
    assert "1/2 done" in out, f"{call}: expected the progress line '1/2 done' in:\n{out}"


@needs_tiny
def test_an_in_process_loop_is_stopped_at_its_line(looping_folder):
    """The in-process path of a plain ``decodelab check`` (exercises/ is imported into the test
    run, unlike a sandboxed folder): the same runner and variable, and the learner's line."""
    env = dict(os.environ, DECODELAB_CHECK_SECONDS=str(BUDGET))
    target = f"trusted:{looping_folder}"
    call = f"run_suites({target!r}, suites=('public',), exercises=['greedy']) with DECODELAB_CHECK_SECONDS={BUDGET}"
    started = time.monotonic()
    run = run_suites(target, suites=("public",), exercises=["greedy"], timeout=GUARD, env=env)
    took = time.monotonic() - started
    print(f"{call} took {took:.1f} s")

    assert run.returncode == 1, f"{call}: pytest exited {run.returncode}, expected 1 (tests failed)\n{run.log[-3000:]}"
    tests = greedy_tests(run)
    check_one_budget_was_spent(call, tests, run.log)
    where = f"stopped at decoding.py:{loop_line(looping_folder)} in greedy_generate: while True:"
    assert "greedy_generate() ran for more than" in tests[0].message and where in tests[0].message, (
        f"{call}: the first greedy test says {tests[0].message!r}, expected it to name greedy_generate() and "
        f"{where!r}")


def test_a_budget_that_is_not_a_number_is_one_sentence(looping_folder, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DECODELAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DECODELAB_CHECK_SECONDS", "twenty")
    code = main(["check", "greedy", "--target", str(looping_folder)])
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert code == 2, f"decodelab check with DECODELAB_CHECK_SECONDS=twenty exited {code}, expected 2\n{out}"
    assert "DECODELAB_CHECK_SECONDS" in out and "'twenty'" in out and "Traceback" not in out, (
        f"decodelab check with DECODELAB_CHECK_SECONDS=twenty: expected one sentence naming the variable "
        f"and the value, got:\n{out}")


@pytest.mark.parametrize("ending, how", [
    ("    import os\n    os.abort()\n", "killed by SIGABRT"),
    ("    import os\n    os._exit(0)\n", "exited with code 0"),
])
def test_a_function_that_ends_the_test_process_is_named_and_the_check_goes_on(tmp_path, monkeypatch, capsys,
                                                                              ending, how):
    folder = learner_folder(tmp_path, "nucleus", "top_p_mask", ending)
    monkeypatch.setenv("DECODELAB_CACHE", str(tmp_path / "cache"))
    call = f"decodelab check top_p temperature --target trusted:{folder}  (top_p_mask: {ending.strip()!r})"

    code = main(["check", "top_p", "temperature", "--target", f"trusted:{folder}"])
    out = capsys.readouterr().out

    assert code == 1, f"{call} exited {code}, expected 1 (an exercise fails)\n{out[-2000:]}"
    assert re.search(r"top_p\s+FAILING", out) and re.search(r"temperature\s+done", out), (
        f"{call}: expected top_p FAILING and temperature still checked and done:\n{out[-2000:]}")
    assert "top_p_mask() ended the test process itself" in out and how in out, (
        f"{call}: the report does not say top_p_mask() ended the process ({how}):\n{out[-2000:]}")
    if "abort" in ending:
        assert "nucleus.py line" in out, f"{call}: the report does not say where in nucleus.py:\n{out[-2000:]}"


@needs_tiny
def test_a_notebooks_checks_run_in_a_helper_with_the_kernels_budget_and_survive_its_death(looping_folder, monkeypatch):
    """dl.check's runner (decodelab.watch.HelperRunner): the helper forks each run with the
    kernel's environment of the moment (the budget set after the helper started); a helper that
    died is replaced at the next run; with forking off, runs are cold and answered all the same."""
    from decodelab.commands.check import DEFAULT_BUDGET
    from decodelab.watch import NO_FORK_ENV, HelperRunner

    monkeypatch.delenv(NO_FORK_ENV, raising=False)
    helper = HelperRunner()
    helper.start()
    monkeypatch.setenv("DECODELAB_CHECK_SECONDS", str(BUDGET))
    target = f"trusted:{looping_folder}"
    call = f"HelperRunner().run({target!r}, suites=('public',), exercises=['greedy']) with DECODELAB_CHECK_SECONDS={BUDGET}"
    try:
        run = helper.run(target, suites=("public",), exercises=["greedy"], timeout=GUARD)
        assert helper.answered == 1, f"{call}: the helper answered {helper.answered} runs, expected 1 (it ran cold)"
        check_one_budget_was_spent(call, greedy_tests(run), run.log)
        first = greedy_tests(run)[0]
        assert first.duration < DEFAULT_BUDGET, (
            f"{call}: the first greedy test ran {first.duration} s, expected it stopped near {BUDGET} s: the "
            f"helper ran it with the default budget ({DEFAULT_BUDGET} s), not the kernel's")
        helper._process.kill()
        helper._process.wait()
        after = helper.run(target, suites=("public",), exercises=["temperature"], timeout=GUARD)
        statuses = [(test.name, test.status) for test in after.tests]
        assert after.tests and all(status == "passed" for _, status in statuses), (
            f"after the helper was killed, a run of the temperature exercise gave {statuses}, expected every "
            f"public test passed:\n{after.log[-2000:]}")
        assert helper.answered == 2, f"after the helper was killed, {helper.answered} runs were answered by a helper, expected 2 (a new one)"
    finally:
        helper.close()
    monkeypatch.setenv(NO_FORK_ENV, "1")
    cold = HelperRunner()
    run = cold.run(target, suites=("public",), exercises=["temperature"], timeout=GUARD)
    assert run.tests and all(test.status == "passed" for test in run.tests) and cold.answered == 0, (
        f"with {NO_FORK_ENV}=1 a run gave {[(test.name, test.status) for test in run.tests]} with {cold.answered} "
        "answered by a helper; expected every public test passed, run cold")
