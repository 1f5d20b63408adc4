"""The layers stay apart: nothing in grading/ imports the CLI (decodelab/), found by reading
every module's imports (also those inside functions), so that the grader can ship and run
without the command line and no import loop runs through it (issue 10, item 4)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_nothing_in_grading_imports_the_cli():
    offending = [f"{path.relative_to(ROOT)}:{line} imports {name}"
                 for path in sorted((ROOT / "grading").rglob("*.py"))
                 for line, name in _imports(path) if name.split(".")[0] == "decodelab"]
    assert not offending, "grading/ must not import decodelab/ (the CLI); found:\n" + "\n".join(offending)


def _numbers_said(first_line: str) -> list[int] | None:
    """The exercise numbers a first docstring line names ("Exercises 3 to 5", "exercise 10"), or None."""
    import re

    found = re.search(r"[Ee]xercises? (\d+)(?: (and|to) (\d+))?", first_line)
    if found is None:
        return None
    start = int(found.group(1))
    if found.group(2) is None:
        return [start]
    end = int(found.group(3))
    return [start, end] if found.group(2) == "and" else list(range(start, end + 1))


def test_every_exercise_number_is_the_one_decodelab_list_shows():
    from grading.catalogue import EXERCISES

    numbers: dict[str, list[int]] = {}
    for number, exercise in enumerate(EXERCISES, 1):
        numbers.setdefault(exercise.module, []).append(number)
    wrong = []
    files = [(ROOT / folder / f"{module}.py", module) for folder in ("exercises", "solutions") for module in numbers]
    files += [(path, path.stem.split("_", 2)[-1]) for path in (ROOT / "grading" / "public").glob("test_*.py")]
    files += [(path, path.stem.split("_", 1)[-1]) for path in (ROOT / "grading" / "hidden").glob("test_*.py")]
    for path, module in files:
        said = _numbers_said(path.read_text(encoding="utf-8").lstrip("r").splitlines()[0])
        if module in numbers and said is not None and said != numbers[module]:
            wrong.append(f"{path.relative_to(ROOT)} says exercise(s) {said}, decodelab list numbers them {numbers[module]}")
    assert not wrong, "exercise numbers that differ from `decodelab list`:\n" + "\n".join(wrong)
    said = _numbers_said((ROOT / "exercises" / "decoding.py").read_text(encoding="utf-8").splitlines()[0])
    assert said is not None, "expected exercises/decoding.py's first line to name its exercise number"


def test_no_public_test_uses_hypothesis():
    # `decodelab check` runs the public suites without hypothesis' pytest plugin (a second of every
    # check, grading.runner.pytest_command); a public property test would run without its settings.
    users = [path.name for path in sorted((ROOT / "grading" / "public").glob("*.py"))
             if "hypothesis" in path.read_text(encoding="utf-8")]
    assert not users, f"public suites that use hypothesis: {users}; drop -p no:hypothesispytest for public runs first"


def test_a_run_of_some_exercises_imports_only_the_files_that_can_hold_their_tests(tmp_path, monkeypatch):
    import grading.runner as runner

    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_a.py").write_text("@pytest.mark.top_k  # the first\ndef test_x(): ...\n")
    (suite / "test_b.py").write_text("@pytest.mark.top_k_table\ndef test_y(): ...\n")
    (suite / "test_c.py").write_text("def test_marked_by_nobody(): ...\n")
    monkeypatch.setitem(runner.SUITES, "public", suite)
    chosen = [path.name for path in runner.suite_files("public", ["top_k"])]
    assert chosen == ["test_a.py", "test_c.py"], (
        f"suite_files('public', ['top_k']) gave {chosen}; expected the file marking top_k (a comment after the "
        "mark), not top_k_table's, and the file marking no exercise (it might hold anything)")
    assert runner.suite_files("public", []) == [suite]
    assert [p.name for p in runner.suite_files("public", ["greedy"])] == ["test_c.py"]


def test_no_public_test_is_async():
    # Public runs leave out anyio's pytest plugin (grading.runner.pytest_command): an async public
    # test would not run there.
    users = [path.name for path in sorted((ROOT / "grading" / "public").glob("*.py"))
             if "async def" in path.read_text(encoding="utf-8") or "anyio" in path.read_text(encoding="utf-8")]
    assert not users, f"public suites with async tests: {users}; drop -p no:anyio for public runs first"
