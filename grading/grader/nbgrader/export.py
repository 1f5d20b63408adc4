"""Write an nbgrader course source from ``exercises/`` and ``solutions/``.

Layout (``decodelab nbgrader export DIR``)::

    DIR/nbgrader_config.py
    DIR/source/<assignment>/01_tokens.ipynb ... 09_evaluation.ipynb   (course order)

A notebook holds, for one exercise module: the lesson (the module's docstring), a locked cell
with the module's imports, and per exercise function a solution cell and a test cell.

The solution cell is the exercise's signature and teaching docstring from ``exercises/``, with
the body from ``solutions/`` between ``### BEGIN SOLUTION`` and ``### END SOLUTION``; private
helpers and extra imports that the solution uses are moved inside that region (nested), so
``nbgrader generate_assignment`` leaves exactly the stub: signature, docstring, and
``raise NotImplementedError()``. (A region at the top level of a cell would be replaced by a
bare ``raise``, which would stop the cell before it defines the function.)

The test cell is one line that calls :func:`grading.grader.nbgrader.grade_exercise`: nbgrader shows
test cells' source on its feedback pages, so no hidden test code is ever in a notebook.

Notebooks are written as plain nbformat-4.5 JSON, so exporting needs no nbgrader installed.
"""
from __future__ import annotations

import ast
import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from grading.harness.catalogue import EXERCISES, Exercise, modules

PROJECT_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_ASSIGNMENT = "decodelab"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
NBGRADER_SCHEMA = 3
# A test cell grades its module's exercises with the code run so far (a grader's start-up and
# the suite): on two busy cores that can exceed nbgrader's default of 30 s per cell.
CELL_TIMEOUT_S = 900

GRADING_NOTE = """\
**How this notebook is graded.** Each exercise has a test cell below its code. It runs
decodelab's hidden tests against your function in a separate, sandboxed process and prints
what passed and what to fix; its value is your score for that exercise (partial credit per
test). What is graded is your code cells as the kernel ran them, in order — except lines that
only show a value or try a function out (bare expressions) and IPython magics, which are not
re-run; a cell that raises an error stops only itself, as in Jupyter. Restart the kernel and
run all cells (or *Validate*) before you submit."""

CONFIG_TEMPLATE = '''\
"""nbgrader configuration written by `decodelab nbgrader export`.

Autograding runs decodelab's hidden suites from the test cells (see grading/grader/nbgrader/bridge.py):
the machine that runs `nbgrader autograde` needs decodelab installed with its hidden suites
(`pip install -e ".[nbgrader]"` in a clone), in the Python that runs nbgrader. The backend is
chosen as everywhere else: $DECODELAB_BACKEND, else auto.
"""
c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = __import__("os").path.dirname(__import__("os").path.abspath(__file__))

# Each test cell whose notebook code changed since the last one grades it again (the next
# exercise's cell sits between two test cells): 20-30 s a cell on two busy cores.
c.Execute.timeout = {timeout}
c.ExecutePreprocessor.timeout = {timeout}
'''


@dataclass
class ExportedCourse:
    """What :func:`export_course` wrote."""

    root: Path
    assignment: str
    notebooks: list[Path] = field(default_factory=list)
    kept_config: bool = False  # an nbgrader_config.py was there already and was left alone

    @property
    def config(self) -> Path:
        return self.root / "nbgrader_config.py"

    @property
    def source(self) -> Path:
        return self.root / "source" / self.assignment


# ---------------------------------------------------------------------------------------------
# Reading the modules


def _module_file(package: str, module: str) -> Path:
    return PROJECT_ROOT / package / f"{module}.py"


def _parse(path: Path) -> tuple[list[str], ast.Module]:
    text = path.read_text(encoding="utf-8")
    return text.splitlines(), ast.parse(text, filename=str(path))


def _first_line(node: ast.stmt) -> int:
    """1-based first line of a statement, decorators included."""
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def _segment(lines: list[str], node: ast.stmt) -> str:
    return "\n".join(lines[_first_line(node) - 1 : node.end_lineno])


def _function(tree: ast.Module, name: str, path: Path) -> ast.FunctionDef:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise LookupError(f"{path} defines no function {name}()")


def _docstring_node(function: ast.FunctionDef) -> ast.Expr | None:
    first = function.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first
    return None


def _names_used(node: ast.AST) -> set[str]:
    return {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}


def _defined_names(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def lesson_markdown(module: str) -> str:
    """The module docstring of ``exercises/<module>.py`` as Markdown, title first."""
    _, tree = _parse(_module_file("exercises", module))
    doc = ast.get_docstring(tree) or module
    title, _, body = doc.partition("\n")
    body = body.strip().replace("``", "`")
    return f"# {title.strip()}\n\n{body}\n\n{GRADING_NOTE}"


def imports_source(module: str) -> str:
    """The top-level imports of ``exercises/<module>.py``, as written there."""
    lines, tree = _parse(_module_file("exercises", module))
    return "\n".join(_segment(lines, node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)))


def solution_cell_source(exercise: Exercise) -> str:
    """The solution cell: the exercise's signature and docstring, the solution's body in a region."""
    exercise_path = _module_file("exercises", exercise.module)
    solution_path = _module_file("solutions", exercise.module)
    ex_lines, ex_tree = _parse(exercise_path)
    sol_lines, sol_tree = _parse(solution_path)
    stub = _function(ex_tree, exercise.function, exercise_path)
    solved = _function(sol_tree, exercise.function, solution_path)

    stub_doc = _docstring_node(stub)
    header_end = stub_doc.end_lineno if stub_doc else stub.body[0].lineno - 1
    header = ex_lines[_first_line(stub) - 1 : header_end]

    solved_doc = _docstring_node(solved)
    body_start = solved_doc.end_lineno if solved_doc else solved.body[0].lineno - 1
    body = "\n".join(sol_lines[body_start : solved.end_lineno])
    body = textwrap.dedent(body)

    helpers = _helpers_for(solved, sol_tree, ex_tree)
    inner = "\n\n".join([*(_segment(sol_lines, node) for node in helpers), body]) if helpers else body
    indent = " " * (stub.body[0].col_offset)
    region = [BEGIN, *inner.splitlines(), END]
    return "\n".join([*header, *(indent + line if line.strip() else "" for line in region)])


def _helpers_for(function: ast.FunctionDef, solution: ast.Module, exercise: ast.Module) -> list[ast.stmt]:
    """The solution module's top-level statements ``function`` needs that the exercise lacks.

    Private helpers, constants and extra imports, followed transitively, in source order.
    Exercise functions are not helpers (they come from their own cells), nor is anything the
    exercise module already imports (it is in the notebook's imports cell).
    """
    exercise_names = {e.function for e in EXERCISES}
    provided = set().union(*(_defined_names(n) for n in exercise.body)) | exercise_names
    candidates = [n for n in solution.body if not _is_future(n) and _defined_names(n) - provided]
    by_name = {name: node for node in candidates for name in _defined_names(node)}
    needed: list[ast.stmt] = []
    todo = list(_names_used(function))
    while todo:
        node = by_name.get(todo.pop())
        if node is not None and node not in needed:
            needed.append(node)
            todo.extend(_names_used(node))
    order = {id(node): position for position, node in enumerate(solution.body)}
    return sorted(needed, key=lambda node: order[id(node)])


def test_cell_source(exercise: Exercise) -> str:
    """One line: what nbgrader's feedback shows of a test cell (never the hidden tests)."""
    return f'from grading.grader.nbgrader import grade_exercise; grade_exercise("{exercise.key}", globals())'


# ---------------------------------------------------------------------------------------------
# Notebooks


def _cell_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)[:64]


def _metadata(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
              points: int | None = None) -> dict:
    nbgrader = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": NBGRADER_SCHEMA,
                "solution": solution, "task": False}
    if points is not None:
        nbgrader["points"] = points
    return {"nbgrader": nbgrader}


def _code(grade_id: str, source: str, **flags) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": _cell_id(grade_id),
            "metadata": _metadata(grade_id, **flags), "outputs": [], "source": source}


def _markdown(grade_id: str, source: str) -> dict:
    return {"cell_type": "markdown", "id": _cell_id(grade_id), "metadata": _metadata(grade_id, locked=True),
            "source": source}


def module_notebook(module: str) -> dict:
    """The source notebook (solutions included) of one exercise module."""
    exercises = [exercise for exercise in EXERCISES if exercise.module == module]
    if not exercises:
        raise KeyError(f"no exercise module '{module}'; choose from: {', '.join(modules())}")
    cells = [
        _markdown(f"{module}-lesson", lesson_markdown(module)),
        _code(f"{module}-imports", imports_source(module), locked=True),
    ]
    for exercise in exercises:
        cells.append(_markdown(f"{exercise.key}-title",
                               f"## `{exercise.function}()` — {exercise.points} points\n\n"
                               f"Write the body of `{exercise.function}` below (its docstring says what it "
                               f"must do), then run the test cell under it."))
        cells.append(_code(exercise.function, solution_cell_source(exercise), solution=True))
        cells.append(_code(f"test_{exercise.key}", test_cell_source(exercise), grade=True, locked=True,
                           points=exercise.points))
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_name(module: str) -> str:
    """``NN_<module>.ipynb``, NN the module's position in the course."""
    return f"{modules().index(module) + 1:02d}_{module}.ipynb"


def export_course(
    root: Path | str,
    assignment: str = DEFAULT_ASSIGNMENT,
    only: Sequence[str] = (),
    course_id: str = "decodelab",
    replace_config: bool = False,
) -> ExportedCourse:
    """Write ``root/nbgrader_config.py`` and ``root/source/<assignment>/NN_<module>.ipynb``.

    ``only``: exercise modules to export (default all, in course order). Existing notebooks of
    the assignment are replaced; an existing ``nbgrader_config.py`` is kept (an instructor may
    have edited it) unless ``replace_config``; nothing else under ``root`` is touched.
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", assignment):
        raise ValueError(f"assignment name {assignment!r}: use letters, digits, '_', '-' or '.'")
    chosen = list(only) or modules()
    unknown = [name for name in chosen if name not in modules()]
    if unknown:
        raise KeyError(f"no exercise module {', '.join(unknown)}; choose from: {', '.join(modules())}")
    course = ExportedCourse(Path(root), assignment)
    course.source.mkdir(parents=True, exist_ok=True)
    if course.config.exists() and not replace_config:
        course.kept_config = True
    else:
        course.config.write_text(CONFIG_TEMPLATE.format(course_id=course_id, timeout=CELL_TIMEOUT_S), encoding="utf-8")
    for module in [m for m in modules() if m in chosen]:
        path = course.source / notebook_name(module)
        path.write_text(json.dumps(module_notebook(module), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        course.notebooks.append(path)
    return course
