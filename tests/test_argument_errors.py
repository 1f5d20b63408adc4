"""Unknown names on the command line: refused at once, with the closest valid ones.

An unknown exercise, backend or demo must come back as exit 2 and one sentence naming the
closest valid names, before anything heavy is loaded. "At once" is checked by what the command
imported (``python -X importtime``: neither torch nor transformers), not by a wall-clock bound,
which a loaded machine would make flaky; the seconds are still shown in the messages.
``decodelab doctor`` flags a ``$DECODELAB_BACKEND`` that names no backend (exit 1).
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from decodelab import cli

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers")


@dataclass
class Outcome:
    """One run of the real command line."""

    command: str
    returncode: int
    stdout: str
    stderr: str          # without -X importtime's lines
    imported: set[str]   # every module the run imported
    seconds: float

    def __str__(self) -> str:
        return (f"`{self.command}` exited {self.returncode} after {self.seconds:.1f} s; "
                f"stderr: {self.stderr.strip()!r}; stdout: {self.stdout.strip()[-500:]!r}")


def _run(*args: str, env: dict[str, str] | None = None) -> Outcome:
    """``python -X importtime -m decodelab.cli ARGS`` with ``$DECODELAB_BACKEND`` unset unless given."""
    environment = {key: value for key, value in os.environ.items() if key != cli.BACKEND_ENV}
    environment.update(env or {})
    shown = " ".join(f"{key}={value}" for key, value in (env or {}).items())
    command = f"{shown + ' ' if shown else ''}decodelab {shlex.join(args)}"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "decodelab.cli", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, env=environment)
    seconds = time.perf_counter() - started
    imported, lines = set(), []
    for line in result.stderr.splitlines():
        if line.startswith("import time:"):
            imported.add(line.rsplit("|", 1)[-1].strip())
        else:
            lines.append(line)
    return Outcome(command, result.returncode, result.stdout, "\n".join(lines), imported, seconds)


def _assert_refused(outcome: Outcome, *expected: str) -> str:
    """Exit 2, one sentence on stderr holding every ``expected`` text, no traceback, nothing heavy loaded."""
    assert outcome.returncode == 2, f"{outcome}; expected exit 2"
    assert "Traceback" not in outcome.stderr, f"{outcome}; expected one sentence, not a traceback"
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("decodelab"), (
        f"{outcome}; expected one line on stderr starting with 'decodelab'"
    )
    for text in expected:
        assert text in lines[0], f"{outcome}; expected {text!r} in the message"
    heavy = [name for name in HEAVY if name in outcome.imported]
    assert not heavy, f"{outcome}; it imported {', '.join(heavy)}, expected the refusal before anything heavy loads"
    return lines[0]


# --- exercises ------------------------------------------------------------------------------------


def test_check_of_an_unknown_exercise_is_refused_at_once():
    outcome = _run("check", "nosuchkey")
    _assert_refused(outcome, "there is no exercise 'nosuchkey'", "top_p", "pieces")


def test_hint_of_a_misspelt_exercise_suggests_the_closest():
    outcome = _run("hint", "topp")
    _assert_refused(outcome, "there is no exercise 'topp'", "did you mean 'top_p'")


def test_check_of_a_misspelt_function_name_suggests_its_exercise():
    outcome = _run("check", "top_p_masc")
    _assert_refused(outcome, "did you mean 'top_p'")


def test_grade_of_a_misspelt_exercise_is_refused_before_grading(tmp_path):
    submission = tmp_path / "alice"
    (submission / "exercises").mkdir(parents=True)
    (submission / "exercises" / "nucleus.py").write_text("def top_p_mask(probs, p):\n    return probs\n")
    out = tmp_path / "grades"
    outcome = _run("grade", str(submission), "--out", str(out), "--exercises", "topp")
    _assert_refused(outcome, "there is no exercise 'topp'", "did you mean 'top_p'")
    assert not out.exists(), f"{outcome}; expected nothing written to {out}, found {sorted(out.rglob('*'))}"


def test_a_function_name_still_works_where_a_key_does():
    outcome = _run("hint", "top_p_mask")
    assert outcome.returncode == 0, f"{outcome}; expected exit 0 and the hints of top_p"
    assert "top_p: top_p_mask()" in outcome.stdout, f"{outcome}; expected the page of exercise top_p"


# --- demos ----------------------------------------------------------------------------------------


def test_demo_with_an_unknown_name_lists_the_demos():
    outcome = _run("demo", "nosuch")
    _assert_refused(outcome, "'nosuch'", "next-token", "temperature")


def test_demo_with_a_misspelt_name_suggests_the_closest():
    outcome = _run("demo", "temprature")
    _assert_refused(outcome, "did you mean 'temperature'")


def test_a_misspelt_command_suggests_the_closest():
    outcome = _run("chek")
    _assert_refused(outcome, "did you mean 'check'")


# --- backends -------------------------------------------------------------------------------------


def test_check_with_an_unknown_backend_is_refused_before_anything_runs():
    # 'pieces' needs no model, and the solutions pass it: before, this ran and exited 0.
    outcome = _run("check", "pieces", "--target", "solutions", "--backend", "nope")
    _assert_refused(outcome, "unknown backend 'nope'", "'tiny'", "'mistral-7b-4bit'", "'auto'", "org/name")


def test_a_misspelt_backend_suggests_the_closest():
    outcome = _run("check", "--backend", "tinyy")
    _assert_refused(outcome, "unknown backend 'tinyy'", "did you mean 'tiny'")


def test_a_backend_folder_that_is_not_there_is_refused(tmp_path):
    missing = tmp_path / "no-model"
    outcome = _run("demo", "tokens", "--backend", str(missing))
    _assert_refused(outcome, f"no model folder at '{missing}'")


def test_an_unknown_backend_in_the_environment_is_refused_where_it_is_read(tmp_path):
    submission = tmp_path / "alice"
    (submission / "exercises").mkdir(parents=True)
    outcome = _run("grade", str(submission), "--out", str(tmp_path / "grades"), env={cli.BACKEND_ENV: "nope"})
    _assert_refused(outcome, f"${cli.BACKEND_ENV}=nope", "unknown backend 'nope'")


@pytest.mark.parametrize("name", [
    "tiny", "tiny:4bit", "mistral-7b-4bit", "mistral-7b-4bit:4bit", "auto", " tiny ",
    "mistralai/Mistral-7B-v0.1", "org/name", "org/name:4bit", "decodelab-tests/no-such-model",
])
def test_backend_names_that_may_load_are_accepted(name):
    problem = cli.backend_problem(name)
    assert problem is None, f"backend_problem({name!r}) returned {problem!r}, expected None (a name load_backend takes)"


def test_existing_model_folders_are_accepted(tmp_path, monkeypatch):
    (tmp_path / "mymodel").mkdir()
    monkeypatch.chdir(tmp_path)
    for name in (str(tmp_path / "mymodel"), "mymodel", "./mymodel", "mymodel:4bit", str(tmp_path / "mymodel") + ":4bit"):
        problem = cli.backend_problem(name)
        assert problem is None, f"backend_problem({name!r}) with {tmp_path / 'mymodel'} present returned {problem!r}, expected None"


@pytest.mark.parametrize("name", ["nope", "tinyy", "auto:4bit", "tiny:8bit", "./missing-folder", "a/b/missing", "tiny,auto"])
def test_backend_names_load_backend_refuses_are_refused(name, monkeypatch, tmp_path):
    from reference.backends import BackendError, load_backend

    monkeypatch.chdir(tmp_path)
    problem = cli.backend_problem(name)
    assert problem is not None, f"backend_problem({name!r}) returned None, expected a reason to refuse it"
    with pytest.raises(BackendError):
        load_backend(name)  # the light check agrees with the loader: it refuses these too, without loading


def test_a_hub_id_that_cannot_be_one_is_refused():
    for name in ("org/na me", "org/", "/name"):
        problem = cli.backend_problem(name)
        assert problem is not None, f"backend_problem({name!r}) returned None, expected a reason to refuse it"


def test_a_blank_backend_variable_means_auto(monkeypatch):
    from reference.backend_names import requested_backend

    monkeypatch.setenv("DECODELAB_BACKEND", "   ")
    got = requested_backend(None)
    assert got == "auto", f"requested_backend(None) with DECODELAB_BACKEND='   ' returned {got!r}, expected 'auto'"
    monkeypatch.setenv("DECODELAB_BACKEND", " tiny ")
    got = requested_backend("")
    assert got == "tiny", f"requested_backend('') with DECODELAB_BACKEND=' tiny ' returned {got!r}, expected 'tiny'"


# --- doctor ---------------------------------------------------------------------------------------


def test_doctor_flags_an_unknown_backend_in_the_environment():
    outcome = _run("doctor", env={cli.BACKEND_ENV: "nope"})
    assert outcome.returncode == 1, f"{outcome}; expected exit 1 (a report, with a problem in it)"
    problems = [line for line in outcome.stdout.splitlines() if line.startswith("PROBLEM:")]
    assert len(problems) == 1 and f"${cli.BACKEND_ENV}=nope" in problems[0] and "unknown backend 'nope'" in problems[0], (
        f"{outcome}; expected one 'PROBLEM: ${cli.BACKEND_ENV}=nope: unknown backend ...' line"
    )
    assert "backends:" in outcome.stdout, f"{outcome}; expected the full report as well"


def test_doctor_json_lists_the_problem_with_a_suggestion():
    outcome = _run("doctor", "--json", env={cli.BACKEND_ENV: "tinyy"})
    assert outcome.returncode == 1, f"{outcome}; expected exit 1"
    problems = json.loads(outcome.stdout)["problems"]
    assert len(problems) == 1 and "did you mean 'tiny'" in problems[0], (
        f"{outcome}; problems were {problems!r}, expected one naming 'tinyy' with \"did you mean 'tiny'\""
    )
