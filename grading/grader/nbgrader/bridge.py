"""What an exported notebook's test cells call: grade the notebook's code with the hidden suite.

A test cell is one line, ``grade_exercise("top_p", globals())``. It runs inside the learner's
kernel, so it never runs hidden tests there. Instead it

1. rebuilds the notebook's module from the code cells the kernel has run (IPython keeps them in
   ``In``): the cells in order, each run as the kernel ran it (an error stops only the rest of
   its own cell), without bare expressions (the shown values and trial calls), IPython magics
   and the test cells themselves (:func:`module_from_cells`);
2. writes it as ``<module>.py`` into a temporary submission folder and grades that folder on
   the module's exercises with :func:`grading.grader.driver.grade_submission` — the grader behind
   ``decodelab grade``, so the same sandbox, limits, tests and scores: the hidden tests run in
   the grader's processes, the learner's functions in a sandboxed one, neither in the kernel;
3. prints short feedback (what failed and the hint, never test code) and returns the
   exercise's score as the cell's value.

**Partial credit.** nbgrader 0.9 scores an autograder test cell in
``nbgrader.utils.determine_grade``: an ``error`` output or any ``stderr`` stream output gives
0; otherwise the first ``execute_result`` whose ``text/plain`` parses as a float between 0
and the cell's points is the score (``get_partial_grade``; above the points it raises); a
cell with no such result gets full points. So the score is returned as the cell's last
expression, and nothing may reach stderr: warnings are silenced and stderr (Python's and
file descriptor 2) is diverted while grading.

A test cell grades all of its module's exercises in one run, with the code cells run so far;
a later test cell of the same kernel reuses that result while the module is unchanged. In an
exported notebook the next exercise's code cell runs between two test cells, so each test cell
after a code cell grades again: a grader's start-up (10-15 s) per test cell, not per notebook.

Trust: nbgrader runs the learner's code and the test cells in one kernel, so the number a test
cell returns is only as trustworthy as that kernel. The hidden tests and expected values stay
out of it, but for a class that may cheat or attack the grader, grade with ``decodelab grade``.
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import os
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from grading.harness.catalogue import EXERCISES, Exercise, by_key
from grading.harness.not_started import cannot_run
from grading.harness.scratch import prefix as scratch_prefix
from grading.harness.status import Status

BRIDGE_MODULE = "grading.grader.nbgrader"
FAILURES_SHOWN = 3
MESSAGE_LINES = 6


class GradingFailed(RuntimeError):
    """The grader itself could not grade the notebook (not the learner's fault)."""


# ---------------------------------------------------------------------------------------------
# From executed cells to a module


@dataclass
class NotebookModule:
    """The module rebuilt from a notebook's cells, and what was left out that a learner should know."""

    source: str
    notes: list[str] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(child, ast.Name) and child.id == name for child in ast.walk(node))


def _is_bridge_import(node: ast.stmt) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").startswith(BRIDGE_MODULE)
    if isinstance(node, ast.Import):
        return any(alias.name.startswith(BRIDGE_MODULE) for alias in node.names)
    return False


def _left_out(node: ast.stmt) -> bool:
    """Bare expressions (a cell's shown value, a trial call), magics and the test cells' own lines."""
    return isinstance(node, ast.Expr) or _mentions(node, "get_ipython") or _is_bridge_import(node)


def _statement_source(text: str, lines: list[str], node: ast.stmt) -> str:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.While,
                         ast.With, ast.Try, ast.AsyncFor, ast.AsyncWith)) or not hasattr(node, "end_col_offset"):
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        return "\n".join(lines[first - 1 : node.end_lineno])
    return ast.get_source_segment(text, node) or ""


MODULE_TEMPLATE = '''"""Rebuilt by grading.grader.nbgrader from a notebook's code cells, to be graded like a module.

The cells run in order in this module's namespace, as in the kernel: an error stops only the
rest of its own cell. Bare expressions and IPython magics were left out.
"""
import __future__ as _decodelab_future
import io as _decodelab_io
import linecache as _decodelab_linecache

_decodelab_cells = {cells!r}


def _decodelab_run_cells() -> None:
    flags = 0
    for _number, (_source, _futures) in enumerate(_decodelab_cells, start=1):
        for _name in _futures:
            flags |= getattr(_decodelab_future, _name).compiler_flag
        # The cell's lines, where a traceback (and the "not started" rule: a raise line of the
        # function's own) looks them up.
        _filename = f"<notebook cell {{_number}}>"
        _lines = _decodelab_io.StringIO(_source).readlines()  # split where Python splits lines, not at \\x0c
        _decodelab_linecache.cache[_filename] = (len(_source), None, _lines, _filename)
        try:
            exec(compile(_source, _filename, "exec", flags=flags, dont_inherit=True), globals())
        except (Exception, SystemExit):
            pass


_decodelab_run_cells()
'''


def module_from_cells(cells: Sequence[str]) -> NotebookModule:
    """The graded module of a notebook whose code cells, in the order they ran, are ``cells``.

    Each cell keeps its statements but for bare expressions, magics and the test cells' lines;
    the module runs the cells as the kernel did (an error stops only its own cell, later cells
    still run, ``from __future__`` imports carry over). A cell that does not parse never ran in
    the kernel either: it is left out, with a note for the learner.
    """
    kept: list[tuple[str, list[str]]] = []
    notes: list[str] = []
    for text in cells:
        if not text or not text.strip():
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError as error:
            notes.append(f"a code cell does not parse (line {error.lineno}: {error.msg}); it was left out")
            continue
        body = [node for node in tree.body if not _left_out(node)]
        if not body:
            continue
        futures = [alias.name for node in body if isinstance(node, ast.ImportFrom) and node.module == "__future__"
                   for alias in node.names]
        if len(body) < len(tree.body):
            lines = text.splitlines()
            text = "\n".join(_statement_source(text, lines, node) for node in body)
        kept.append((text, futures))
    return NotebookModule(MODULE_TEMPLATE.format(cells=kept), notes)


def _executed_cells(namespace: dict[str, Any]) -> list[str] | None:
    cells = namespace.get("In")
    if isinstance(cells, list) and all(isinstance(cell, str) for cell in cells):
        return list(cells)
    return None


def _functions_only(namespace: dict[str, Any], module: str) -> list[str]:
    """Outside IPython: the module's imports and the exercise functions found in ``namespace``."""
    import inspect

    from grading.grader.nbgrader.export import imports_source

    cells = [imports_source(module)]
    for exercise in EXERCISES:
        function = namespace.get(exercise.function)
        if exercise.module == module and callable(function):
            with contextlib.suppress(OSError, TypeError):
                cells.append(inspect.getsource(function))
    return cells


# ---------------------------------------------------------------------------------------------
# Grading


@dataclass
class Check:
    """One hidden test's outcome, as ``decodelab grade`` reports it."""

    name: str
    exercise: str
    score: float
    max_score: float
    outcome: str  # passed, wrong, not_started, raised, timeout, error...
    message: str = ""


@dataclass
class ModuleGrade:
    """The hidden suite's outcome for one rebuilt module."""

    module: str
    backend: str
    suites: list[str]
    tests: list[Check]
    seconds: float
    scores: dict[str, float] = field(default_factory=dict)  # exercise key -> the grader's total for it


_GRADED: dict[tuple[str, str, str], ModuleGrade] = {}


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No warnings and nothing on stderr (Python's or fd 2): nbgrader gives 0 for any stderr."""
    for stream in (sys.stderr, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()
    saved_fd = None
    with contextlib.suppress(OSError):
        saved_fd = os.dup(2)
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with contextlib.redirect_stderr(io.StringIO()):
                yield
    finally:
        if saved_fd is not None:
            os.dup2(saved_fd, 2)
            os.close(saved_fd)


def grading_backend() -> str:
    """The backend ``decodelab grade`` would choose here: $DECODELAB_BACKEND, else auto."""
    from reference.backends import resolve_backend

    return resolve_backend(None)[0]


def grade_module(module: str, source: str, backend: str | None = None) -> ModuleGrade:
    """Grade ``source`` as a learner's ``<module>.py`` on that module's exercises, as ``decodelab grade`` does."""
    from grading.grader.driver import GradeOptions, grade_submission

    backend = backend or grading_backend()
    keys = tuple(exercise.key for exercise in EXERCISES if exercise.module == module)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("nbgrader")) as scratch:
        folder = Path(scratch) / "notebook"
        folder.mkdir()
        (folder / f"{module}.py").write_text(source, encoding="utf-8")
        results = grade_submission(folder, Path(scratch) / "graded", GradeOptions(backend=backend, exercises=keys))
    extra = results.get("extra_data", {})
    if extra.get("grader_error"):
        raise GradingFailed(f"decodelab's grader could not grade this notebook: {extra['grader_error']}")
    checks = [
        Check(test["name"], test["extra_data"]["exercise"], float(test["score"]), float(test["max_score"]),
              test["extra_data"].get("outcome", test["status"]), test.get("output", ""))
        for test in results["tests"]
    ]
    # The exercise totals, not sums of the per-test scores: those are rounded in results.json.
    scores = {key: float(entry["score"]) for key, entry in extra.get("exercises", {}).items()}
    return ModuleGrade(module, extra.get("backend", backend), list(extra.get("suites", ["hidden"])), checks,
                       time.monotonic() - started, scores)


def feedback(exercise: Exercise, graded: ModuleGrade, notes: Sequence[str] = (), timed: bool = False) -> str:
    """A few lines for the learner: the score, and the first failures with their hints.

    ``timed``: say how long the hidden suite took (the cell that ran it).
    """
    tests = [test for test in graded.tests if test.exercise == exercise.key]
    score = exercise_score(exercise, graded)
    maximum = float(exercise.points)  # the cell's points, which nbgrader scores against
    passed = sum(test.outcome == "passed" for test in tests)
    failing = [test for test in tests if test.outcome != "passed"]
    lines = [f"{exercise.function}(): {score:.4g} of {maximum:g} points — {passed} of {len(tests)} checks passed"
             f" (backend {graded.backend}" + (f"; graded in {graded.seconds:.1f} s)" if timed else ")")]
    if "hidden" not in graded.suites:
        lines.append("  only the public tests ran here: this is not a grade")
    broken = next((test for test in failing if cannot_run(test.message)), None)
    if broken is not None and all(test.outcome == Status.NOT_STARTED for test in failing):
        why = broken.message.split(" — ", 1)[-1].strip().splitlines()[0]
        lines.append(f"  does not import: {why}")
    elif failing and all(test.outcome == Status.NOT_STARTED for test in failing):
        lines.append(f"  not started: {exercise.function}() still raises NotImplementedError")
    else:
        for test in failing[:FAILURES_SHOWN]:
            title = test.name.split(": ", 1)[-1].split("::")[-1]
            message = [line for line in test.message.strip().splitlines() if line.strip()][:MESSAGE_LINES]
            lines.append(f"  ✗ {title}")
            lines += [f"      {line}" for line in message]
        if len(failing) > FAILURES_SHOWN:
            lines.append(f"  … and {len(failing) - FAILURES_SHOWN} more failing checks")
    lines += [f"  note: {note}" for note in notes]
    return "\n".join(lines)


def exercise_score(exercise: Exercise, graded: ModuleGrade) -> float:
    """The exercise's points in ``graded``, as nbgrader takes it (never above the cell's points)."""
    score = graded.scores.get(exercise.key)
    if score is None:
        score = sum(test.score for test in graded.tests if test.exercise == exercise.key)
    return round(min(max(score, 0.0), float(exercise.points)), 4)


def grade_exercise(key: str, namespace: dict[str, Any] | None = None) -> float:
    """Grade exercise ``key`` against the notebook's code; print feedback; return the score.

    ``namespace``: the notebook's ``globals()``. The returned float, left as the cell's value,
    is nbgrader's partial credit for the test cell.
    """
    exercise = by_key(key)
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    with quiet():
        cells = _executed_cells(namespace)
        rebuilt = module_from_cells(cells if cells is not None else _functions_only(namespace, exercise.module))
        backend = grading_backend()
        cache_key = (exercise.module, rebuilt.digest, backend)
        graded = _GRADED.get(cache_key)
        fresh = graded is None
        if graded is None:
            graded = grade_module(exercise.module, rebuilt.source, backend)
            _GRADED[cache_key] = graded
    print(feedback(exercise, graded, rebuilt.notes, timed=fresh))
    return exercise_score(exercise, graded)
