"""``decodelab check`` and ``decodelab hint``: what a learner sees on stubs, on finished work and on a mistake."""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from decodelab.cli import main
from decodelab.commands.check import docstring_summary, is_untouched_stub, public_status
from grading.harness.catalogue import EXERCISES
from reference.backends import tiny_status
from tests.stubs import stubs_target

ROOT = Path(__file__).resolve().parents[1]
needs_tiny = pytest.mark.skipif(not tiny_status()[0], reason="the bundled tiny model is not built yet")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Each test remembers verdicts in its own folder, so no test reads another's."""
    monkeypatch.setenv("DECODELAB_CACHE", str(tmp_path / "cache"))


def run_cli(capsys, *arguments: str) -> tuple[int, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


LEARNER_SOFTMAX = """import math

import torch


def softmax_with_temperature(logits, temperature):
    if not (isinstance(temperature, (int, float)) and math.isfinite(temperature) and temperature > 0):
        raise ValueError("temperature must be > 0")
    shifted = logits - logits.max(dim=-1, keepdim=True).values
    return torch.softmax(shifted {operation} temperature, dim=-1)
"""


def wrong_softmax_folder(tmp_path: Path) -> Path:
    """A learner's folder whose softmax multiplies by the temperature instead of dividing."""
    folder = tmp_path / "learner"
    folder.mkdir()
    (folder / "distributions.py").write_text(LEARNER_SOFTMAX.format(operation="*"), encoding="utf-8")
    return folder


def test_stub_detection_reads_the_source():
    stub = 'def f(x):\n    """Doc."""\n    raise NotImplementedError("f: see the docstring")\n'
    assert is_untouched_stub(stub, "f"), "a docstring and `raise NotImplementedError(...)` is an untouched stub"
    assert is_untouched_stub("def f(x):\n    raise NotImplementedError\n", "f")
    started = 'def f(x):\n    """Doc."""\n    y = x + 1\n    raise NotImplementedError\n'
    assert not is_untouched_stub(started, "f"), "a stub with code before the raise is started"
    assert not is_untouched_stub("def f(x):\n    return x\n", "f")
    assert not is_untouched_stub("def f(x):\n    return (\n", "f"), "a syntax error is left to the tests to report"
    assert docstring_summary('def f():\n    """First line.\n\n    More."""\n', "f") == "First line."


def test_every_exercise_stub_reads_as_not_started_without_a_run(monkeypatch):
    def no_run(*args, **kwargs):
        raise AssertionError("public_status ran the suites although every exercise is an untouched stub")

    statuses = public_status(stubs_target(), runner=no_run)
    assert [s.key for s in statuses.values()] == [e.key for e in EXERCISES], "statuses come in course order"
    not_started = {key: status.state for key, status in statuses.items() if status.state != "not started"}
    assert not not_started, f"exercises/ holds stubs only, but these do not read 'not started': {not_started}"


def test_check_on_the_stubs_points_at_the_first_exercise(capsys):
    code, out = run_cli(capsys, "check", "--target", stubs_target())
    first = EXERCISES[0]
    assert code == 1, f"decodelab check on stubs exited {code}, expected 1 (not everything passes)\n{out}"
    assert f"0/{len(EXERCISES)} done" in out, f"expected the progress line '0/{len(EXERCISES)} done' in:\n{out}"
    assert f"next: {first.key}" in out and first.path in out, f"expected the first exercise and its file in:\n{out}"
    assert f"decodelab hint {first.key}" in out, f"expected a pointer to the hints in:\n{out}"


@needs_tiny
def test_check_on_the_solutions_passes_everything(capsys):
    code, out = run_cli(capsys, "check", "--target", "solutions")
    assert code == 0, f"decodelab check --target solutions exited {code}, expected 0\n{out}"
    assert f"{len(EXERCISES)}/{len(EXERCISES)} done" in out, f"expected every exercise done in:\n{out}"


def test_check_shows_the_first_failing_test_with_its_message_and_hint(tmp_path, capsys):
    folder = wrong_softmax_folder(tmp_path)
    code, out = run_cli(capsys, "check", "temperature", "--target", str(folder))
    assert code == 1, f"a wrong softmax should make check exit 1, got {code}\n{out}"
    assert "FAILING" in out, f"expected the exercise marked FAILING in:\n{out}"
    assert "public tests fail; the first:" in out, f"expected how many tests fail in:\n{out}"
    assert "softmax_with_temperature(" in out, f"expected the failing call in the message:\n{out}"
    assert "hint:" in out and "decodelab hint temperature" in out, f"expected a hint and the hint command in:\n{out}"
    assert "0/1 done" in out, f"expected '0/1 done' for one selected exercise in:\n{out}"


@needs_tiny
def test_a_message_with_bytes_that_are_not_utf8_is_shown_not_a_traceback(tmp_path, capsys):
    # A learner's string decoded with surrogateescape (as Python decodes file names) holds a lone
    # surrogate; printed by the test run, it reached check as a byte that is not UTF-8, and check
    # ended in a UnicodeDecodeError.
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "distributions.py").write_text(
        "def softmax_with_temperature(logits, temperature):\n"
        "    broken = b'temperature \\xff'.decode('utf-8', 'surrogateescape')\n"
        "    raise ValueError(f'{broken} went wrong')\n")
    code, out = run_cli(capsys, "check", "temperature", "--target", str(folder))
    assert code == 1 and "Traceback" not in out, f"check exited {code}; expected 1 and the failure shown:\n{out}"
    assert "ValueError: temperature \\udcff went wrong" in out, f"expected the message, the byte written out, in:\n{out}"


def test_a_second_check_of_unchanged_files_reuses_the_verdict(tmp_path):
    folder = wrong_softmax_folder(tmp_path)
    first = public_status(str(folder), ["temperature"])
    assert not first["temperature"].from_cache, "the first check must run the tests"

    def no_run(*args, **kwargs):
        raise AssertionError("the suites ran again although nothing changed")

    again = public_status(str(folder), ["temperature"], runner=no_run)
    assert again["temperature"].from_cache and again["temperature"].state == first["temperature"].state


def test_a_remembered_verdict_says_so_on_the_first_line(tmp_path, capsys):
    # "(0.0 s)" alone read as a check that ran nothing (a usability walk-through, session 41).
    folder = wrong_softmax_folder(tmp_path)
    run_cli(capsys, "check", "temperature", "--target", str(folder))
    _, text = run_cli(capsys, "check", "temperature", "--target", str(folder))
    first = text.splitlines()[0]
    assert "1 verdict remembered from an earlier check of the same code" in first, (
        f"the second 'decodelab check temperature' of unchanged code printed {first!r}, expected it to say the "
        "verdict was remembered")


def test_unknown_exercise_is_one_sentence(capsys):
    code, out = run_cli(capsys, "check", "no_such_exercise")
    assert code == 2, f"an unknown exercise should exit 2, got {code}"
    assert "there is no exercise 'no_such_exercise'" in out and EXERCISES[0].key in out, out
    assert "Traceback" not in out


def _solution_expressions(exercise) -> list[str]:
    """The expressions of ``exercise``'s solution, one per line: the right of an ``=``, what
    ``return`` returns, spaces taken out; only those of 12 characters or more."""
    module = ast.parse((ROOT / "solutions" / f"{exercise.module}.py").read_text())
    function = next(node for node in module.body if isinstance(node, ast.FunctionDef) and node.name == exercise.function)
    found = []
    for node in ast.walk(function):
        value = node.value if isinstance(node, (ast.Assign, ast.Return, ast.AugAssign)) else None
        if value is not None:
            text = "".join(ast.unparse(value).split())
            found.append(text)
    return [text for text in found if len(text) >= 12]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.key)
def test_no_hint_holds_a_line_of_the_solution(exercise):
    # A hint points the way; it is never the answer to paste. Red team 19 pasted top_k's second
    # hint, "torch.topk(probs, k, dim=-1).values[..., -1:] is each row's k-th largest score; keep
    # every score >= it", and scored 5/5 with it: the feedback page shows every hint.
    for hint in exercise.hints:
        flat = "".join(hint.split())
        pasted = [text for text in _solution_expressions(exercise) if text in flat]
        assert not pasted, f"the hint {hint!r} of {exercise.key} holds the solution's code {pasted[0]!r}"


def test_hint_goes_from_gentle_to_specific(capsys):
    exercise = EXERCISES[0]
    code, out = run_cli(capsys, "hint", exercise.key)
    assert code == 0, out
    positions = [out.find(hint) for hint in exercise.hints]
    assert -1 not in positions and positions == sorted(positions), f"expected every hint, in order, in:\n{out}"
    assert exercise.path in out, f"expected the file to open, {exercise.path}, in:\n{out}"
    code, out = run_cli(capsys, "hint", exercise.function, "--level", "1")
    assert code == 0 and exercise.hints[0] in out and exercise.hints[1] not in out, out


def test_hint_for_an_unknown_exercise_lists_the_keys(capsys):
    code, out = run_cli(capsys, "hint", "topp")
    assert code == 2, f"an unknown exercise should exit 2, got {code}"
    assert out.count("\n") == 1, f"expected one sentence, got:\n{out}"
    assert all(exercise.key in out for exercise in EXERCISES), out


def test_watch_checks_again_when_a_file_is_saved(tmp_path):
    folder = wrong_softmax_folder(tmp_path)
    env = dict(os.environ, DECODELAB_CACHE=str(tmp_path / "cache"), PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "decodelab.cli", "check", "temperature", "--watch", "--target", str(folder)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []

    def read_until(marker: str, limit: float) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if marker in line:
                return
        raise AssertionError(f"no {marker!r} within {limit} s; output so far:\n{''.join(output)}")

    try:
        read_until("watching for saved changes", 300)
        assert "FAILING" in "".join(output), "".join(output)
        (folder / "distributions.py").write_text(LEARNER_SOFTMAX.format(operation="/"), encoding="utf-8")
        saved = time.monotonic()
        read_until("watching for saved changes", 120)
        recheck = time.monotonic() - saved
        second = "".join(output).split("=" * 72)[-1]
        # An editor that saves by writing a new file and renaming it over the old one (vim, many IDEs)
        replacement = folder / ".distributions.py.swp"
        replacement.write_text(LEARNER_SOFTMAX.format(operation="*"), encoding="utf-8")
        os.replace(replacement, folder / "distributions.py")
        read_until("watching for saved changes", 120)
        third = "".join(output).split("=" * 72)[-1]
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "1/1 done" in second, f"after the fix was saved, expected '1/1 done' in:\n{second}"
    assert "FAILING" in third, f"after the mistake was saved back by a rename, expected 'FAILING' in:\n{third}"
    print(f"re-check after a save took {recheck:.1f} s")


def _two_failures() -> dict:
    from decodelab.commands.check import FAILING, ExerciseStatus, TestLine

    first = TestLine("test_top_p_worked_example", "wrong",
                     "top_p_mask(probs=..., p=0.7)\n  the mask is [True, False], expected [True, True]\n  hint: keep the crossing token")
    second = TestLine("test_top_p_rejects_p_above_one", "wrong",
                      "top_p_mask(probs=..., p=1.5)\n  returned a mask, expected ValueError\n  hint: check p first")
    passed = TestLine("test_top_p_decides_each_row_on_its_own", "passed", "")
    return {"top_p": ExerciseStatus("top_p", FAILING, [first, passed, second], first.message)}


def test_every_failing_test_is_shown_the_rest_in_one_line_each():
    from decodelab.commands.check import render

    text = render(_two_failures(), "solutions", detailed=True)
    assert "the mask is [True, False], expected [True, True]" in text, f"render() lost the first failure's message:\n{text}"
    assert "test_top_p_rejects_p_above_one: returned a mask, expected ValueError" in text, (
        f"render() does not show the second failing test in one line (name: problem); it gave:\n{text}")
    assert "hint: check p first" not in text, f"render() showed the second failure in full without --all:\n{text}"


def test_all_shows_every_failing_test_in_full():
    from decodelab.commands.check import render

    text = render(_two_failures(), "solutions", detailed=True, all_in_full=True)
    assert "hint: check p first" in text and "returned a mask, expected ValueError" in text, (
        f"render(all_in_full=True) does not show the second failing test's whole message:\n{text}")


def test_a_file_that_does_not_import_is_reported_once_where_the_error_is():
    from decodelab.commands.check import BROKEN, ExerciseStatus, TestLine, render

    why = ("not started: exact_match() not found — exercises/evaluation.py fails to import: SyntaxError: expected ':' "
           "(evaluation.py, line 20)\n  exercises/evaluation.py:20 in <module>: def distinct_n(texts, n)")
    statuses = {key: ExerciseStatus(key, BROKEN, [TestLine(f"test_{key}_{i}", "not_started", why.replace("exact_match", key))
                                                  for i in range(3)], why.replace("exact_match", key))
                for key in ("exact_match", "distinct_n")}
    text = render(statuses, "exercises", detailed=True)
    assert text.count("SyntaxError: expected ':'") == 1, f"render() should report the syntax error once, it gave:\n{text}"
    assert "exercises/evaluation.py cannot be imported, so exact_match and distinct_n cannot run" in text, (
        f"render() should name the file and both exercises it stops, it gave:\n{text}")
    assert "evaluation.py:20" in text and "not found" not in text, (
        f"render() should show where the error is, not 'exact_match() not found'; it gave:\n{text}")


def test_code_written_and_wrong_is_shown_before_the_next_exercise_not_started():
    # A learner who wrote exercises 7 and 9 but not 3 must see why 7 fails, not only "next: 3"
    # (a usability walk-through, session 41: the failures were listed with no message at all).
    from decodelab.commands.check import BROKEN, NOT_STARTED, ExerciseStatus, TestLine, render

    stub = TestLine("test_embedding_worked_example", "not_started", "not started: NotImplementedError")
    statuses = {"subword_embedding": ExerciseStatus("subword_embedding", NOT_STARTED, [stub], stub.message),
                **_two_failures()}
    text = render(statuses, "solutions")
    assert "the mask is [True, False], expected [True, True]" in text and "next: subword_embedding" not in text, (
        f"render() with a not-started exercise before a failing one should show the failure; it gave:\n{text}")
    why = ("not started: exact_match() not found — exercises/evaluation.py fails to import: SyntaxError: "
           "'(' was never closed (evaluation.py, line 59)")
    broken = {"exact_match": ExerciseStatus("exact_match", BROKEN, [TestLine("test_exact_match_a", "not_started", why)], why)}
    text = render({"subword_embedding": statuses["subword_embedding"], **broken}, "solutions", detailed=True)
    assert "line 59" in text and "next: subword_embedding" not in text, (
        f"render() with a not-started exercise before a file that does not import should show where the error is; "
        f"it gave:\n{text}")
    assert "not run" in text and "not started      test_exact_match_a" not in text, (
        f"render(detailed=True) should list the tests of a file that does not import as 'not run'; it gave:\n{text}")


def test_a_target_named_from_here_is_read_here_and_its_own_file_is_named(tmp_path, capsys, monkeypatch):
    # A TA's walk-through: `check --target submissions/carol` from the class folder read the path
    # from the project's root ("unknown target" for every test, remembered by the cache), and a
    # copy's top-level nucleus.py was labelled exercises/nucleus.py.
    (tmp_path / "carol").mkdir()
    shutil.copy(ROOT / "solutions" / "nucleus.py", tmp_path / "carol" / "nucleus.py")
    monkeypatch.chdir(tmp_path)
    status = main(["check", "top_p", "--target", "carol", "--no-cache"])
    printed = capsys.readouterr().out
    assert status == 0 and "unknown target" not in printed, f"decodelab check top_p --target carol (exit {status}):\n{printed}"
    line = next(line for line in printed.splitlines() if "top_p_mask()" in line)
    assert line.split()[-1] == "carol/nucleus.py" and " done " in line, (
        f"decodelab check top_p --target carol showed {line.strip()!r}; expected it done, in carol/nucleus.py")
    # A zip is unpacked into scratch, where an edit would be lost: its member is named instead.
    shutil.make_archive(str(tmp_path / "carol"), "zip", tmp_path / "carol")
    main(["check", "top_p", "--target", "carol.zip", "--no-cache"])
    line = next(line for line in capsys.readouterr().out.splitlines() if "top_p_mask()" in line)
    assert line.endswith("carol.zip: nucleus.py"), f"decodelab check top_p --target carol.zip showed {line.strip()!r}"


def test_the_learner_guides_sample_failure_is_what_check_prints(tmp_path, capsys):
    # The guide's "How to read a failure" had drifted from what check prints (1 of 4 public tests
    # where there were 13: a workshop walk-through, session 41). Its softmax multiplies by T.
    guide = (ROOT / "docs" / "learner-guide.md").read_text(encoding="utf-8")
    shown = guide.split("### How to read a failure", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    source = (ROOT / "solutions" / "distributions.py").read_text(encoding="utf-8")
    dividing = "logits.to(torch.promote_types(logits.dtype, torch.float32)) / temperature"
    assert source.count(dividing) == 1, "solutions/distributions.py no longer divides where this test expects"
    folder = tmp_path / "learner"
    folder.mkdir()
    (folder / "distributions.py").write_text(source.replace(dividing, dividing.replace(" / ", " * ")), encoding="utf-8")
    main(["check", "temperature", "--target", str(folder)])
    printed = capsys.readouterr().out.split("decodelab check: ", 1)[1]  # the report: stdout

    def steady(text: str) -> list[str]:  # the seconds and the folder's name vary
        text = re.sub(r"\(\d+\.\d s\)", "(S s)", text.replace(f"{folder}/", "exercises/").replace(str(folder), "exercises/"))
        return [line.rstrip() for line in text.strip().splitlines()]

    assert steady(printed) == steady(shown.split("decodelab check: ", 1)[1]), (
        "docs/learner-guide.md's sample failure differs from what `decodelab check temperature` prints for a softmax "
        f"that multiplies by T; it prints:\ndecodelab check: {printed}")
