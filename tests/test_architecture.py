"""The layers stay apart, found by reading every module's imports (also those inside functions):
nothing in grading/ imports the CLI (decodelab/), so that the grader can ship and run without
the command line; grading/'s three rooms import one way (grader -> sandbox -> harness, see
grading/__init__.py), with no import cycle; the learner's side of the sandbox imports only the
files bound into the sandbox (issue 10, item 4)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("harness", "sandbox", "grader")


def _imports(path: Path) -> list[tuple[int, str]]:
    return [(line, name) for line, name, _ in _imports_where(path)]


def _imports_where(path: Path) -> list[tuple[int, str, bool]]:
    """``(line, module, at_top)`` for each import in ``path``; ``at_top`` when it runs at import
    time (not inside a function). ``from a.b import c`` names ``a.b.c`` when that is a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside.update(id(child) for child in ast.walk(node) if child is not node)
    found = []
    for node in ast.walk(tree):
        at_top = id(node) not in inside
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, at_top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, at_top))
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                if _module_path(dotted) is not None:
                    found.append((node.lineno, dotted, at_top))
    return found


def _module_path(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "grading" and parts[1] in ROOMS else None


def _room_modules() -> list[Path]:
    return [path for room in ROOMS for path in sorted((ROOT / "grading" / room).rglob("*.py"))]


def test_nothing_in_grading_imports_the_cli():
    offending = [f"{path.relative_to(ROOT)}:{line} imports {name}"
                 for path in sorted((ROOT / "grading").rglob("*.py"))
                 for line, name in _imports(path) if name.split(".")[0] == "decodelab"]
    assert not offending, "grading/ must not import decodelab/ (the CLI); found:\n" + "\n".join(offending)


def test_grading_is_three_rooms_that_import_one_way():
    # grader -> sandbox -> harness. The harness may start the sandbox (a submission's target), but
    # only inside a function: importing the harness never imports the sandbox.
    allowed = {"harness": {"harness"}, "sandbox": {"sandbox", "harness"}, "grader": set(ROOMS)}
    loose = [path.relative_to(ROOT) for path in (ROOT / "grading").glob("*.py") if path.name != "__init__.py"]
    assert not loose, f"modules outside the three rooms: {loose}; each belongs to harness/, sandbox/ or grader/"
    offending = []
    for path in _room_modules():
        mine = _room(_module_name(path))
        for line, name, at_top in _imports_where(path):
            theirs = _room(name)
            if theirs is None or theirs in allowed[mine]:
                continue
            if (mine, theirs) == ("harness", "sandbox") and not at_top:
                continue
            offending.append(f"{path.relative_to(ROOT)}:{line} imports {name} ({mine} -> {theirs})")
    assert not offending, "imports against the rooms' direction (grading/__init__.py):\n" + "\n".join(offending)
    for room in ROOMS:
        caption = ast.get_docstring(ast.parse((ROOT / "grading" / room / "__init__.py").read_text(encoding="utf-8")))
        assert caption and "Who may import it" in caption, (
            f"grading/{room}/__init__.py must say what the room is and who may import it; its docstring is {caption!r}")


def test_one_hook_writes_a_tests_status():
    # grading.harness.status: the plugin's pytest_runtest_makereport is the one writer.
    writers = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "grading").rglob("*.py"))
               for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if '("status",' in line and "user_properties.append" in line]
    assert writers and all(w.startswith("grading/harness/plugin.py:") for w in writers), (
        f"a test's status is written at {writers}; expected only in grading/harness/plugin.py's makereport hook")
    assert len(writers) == 1, f"the plugin writes a status in {len(writers)} places ({writers}); expected one"


def test_no_import_cycle_in_grading():
    # Imports that run at import time; one inside a function runs when it is called, after every
    # module it needs has been loaded, so it cannot deadlock.
    graph = {}
    for path in _room_modules() + [ROOT / "grading" / "__init__.py"]:
        graph[_module_name(path)] = {name for _, name, at_top in _imports_where(path)
                                     if at_top and name.startswith("grading") and _module_path(name) is not None}
    cycles, done, stack = [], set(), []

    def visit(module: str) -> None:
        if module in stack:
            cycles.append(" -> ".join(stack[stack.index(module):] + [module]))
            return
        if module in done:
            return
        stack.append(module)
        for other in sorted(graph.get(module, ())):
            visit(other)
        stack.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    assert not cycles, "import cycles in grading/:\n" + "\n".join(cycles)


def test_the_learner_side_imports_only_what_is_bound_into_the_sandbox():
    # Inside bubblewrap only SANDBOX_FILES of the project exist: a module the learner's side
    # reaches that is not among them fails there, and only there.
    from grading.sandbox.grader_side import SANDBOX_FILES

    reached, pending = set(), ["grading.sandbox.learner_side"]
    while pending:
        module = pending.pop()
        path = _module_path(module)
        if path is None or module in reached:
            continue
        reached.add(module)
        parents = [".".join(module.split(".")[:depth]) for depth in range(1, module.count(".") + 1)]
        pending += [name for name in parents if name not in reached]
        pending += [name for _, name, _ in _imports_where(path) if name.split(".")[0] in ("grading", "reference")]
    files = {str(_module_path(module).relative_to(ROOT)) for module in reached}
    missing = sorted(files - set(SANDBOX_FILES))
    assert not missing, (f"the learner's side imports {missing}, which SANDBOX_FILES does not bind into the sandbox; "
                         "add them there (grading/sandbox/grader_side.py) or import less")


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
    from grading.harness.catalogue import EXERCISES

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
    # check, grading.harness.runner.pytest_command); a public property test would run without its settings.
    users = [path.name for path in sorted((ROOT / "grading" / "public").glob("*.py"))
             if "hypothesis" in path.read_text(encoding="utf-8")]
    assert not users, f"public suites that use hypothesis: {users}; drop -p no:hypothesispytest for public runs first"


def test_a_run_of_some_exercises_imports_only_the_files_that_can_hold_their_tests(tmp_path, monkeypatch):
    import grading.harness.runner as runner

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
    # Public runs leave out anyio's pytest plugin (grading.harness.runner.pytest_command): an async public
    # test would not run there.
    users = [path.name for path in sorted((ROOT / "grading" / "public").glob("*.py"))
             if "async def" in path.read_text(encoding="utf-8") or "anyio" in path.read_text(encoding="utf-8")]
    assert not users, f"public suites with async tests: {users}; drop -p no:anyio for public runs first"


def test_no_suite_watches_the_model_with_hooks_of_its_own():
    # The model a sandboxed learner calls is its own copy: a hook on the grader's copy sees none of
    # its passes. Suites watch passes through learner.observing_forward_passes (grading.sandbox.observe),
    # which records them where the model runs, in-process or in the sandbox.
    found = []
    for suite in ("public", "hidden"):
        for path in sorted((ROOT / "grading" / suite).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
                if "hook" in name and name.startswith("register"):
                    found.append(f"grading/{suite}/{path.name}:{node.lineno}: {name}")
    assert not found, f"suites registering hooks of their own (use learner.observing_forward_passes): {found}"


SHARED_WITH_THE_LEARNER = ("model", "backend", "weight", "param", "embed")


def test_no_suite_edits_a_models_weights():
    # A sandboxed learner's process holds its own copy of the backend: an edit made here in
    # place (weight.mul_(3), model.lm_head.weight = ...) would not reach it, and the learner would
    # be graded against a model it never ran. A test that needs an odd model builds a toy one.
    found = []
    for suite in ("public", "hidden"):
        for path in sorted((ROOT / "grading" / suite).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                edited = None
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                        node.func.attr.endswith("_") and not node.func.attr.startswith("_"):
                    edited = node.func.value  # x.mul_(...), x.copy_(...), x.zero_()...
                elif isinstance(node, (ast.Assign, ast.AugAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    edited = next((t.value for t in targets if isinstance(t, (ast.Attribute, ast.Subscript))), None)
                text = ast.unparse(edited) if edited is not None else ""
                if any(word in text for word in SHARED_WITH_THE_LEARNER):
                    found.append(f"grading/{suite}/{path.name}:{node.lineno}: {ast.unparse(node)[:80]}")
    assert not found, f"suites that change a model or its weights in place (build a toy model instead): {found}"
