"""decodelab in a notebook (Colab, Kaggle, Jupyter): check, hint and demo as cell outputs.

Use it as ``from decodelab import notebook as dl``:

- ``dl.check("top_p")`` shows the verdicts of ``decodelab check top_p`` as a table;
- ``dl.hint("top_p")`` shows its hints;
- ``dl.demo("tokens")`` runs ``decodelab demo tokens`` and shows the figure it wrote.

``dl.check`` runs the public tests in a helper process that keeps torch and transformers
loaded (:class:`decodelab.watch.HelperRunner`, started by the first check that runs tests), so
each later check costs its tests, not a new interpreter's imports; without the helper it runs
them cold, as before.

Each calls the command line's own functions (:func:`decodelab.commands.check.public_status`,
:func:`decodelab.commands.hint.hint_text`, :func:`decodelab.cli.main`), so a notebook and a
terminal always agree. ``%load_ext decodelab.notebook`` adds the cell magic ``%%exercise KEY``:
the cell runs as usual, then the function it defines replaces the stub in
``exercises/<module>.py``, where ``dl.check`` (and the grader) read it.
"""
from __future__ import annotations

import ast
import contextlib
import html
import io
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from decodelab.commands.check import (
    BROKEN, DONE, FAILING, NOT_STARTED, ExerciseStatus, exercise_summary, lookup, module_file, public_status,
    render, target_folder, title,
)
from decodelab.commands.hint import hint_text, shown_hints
from decodelab.commands.notebooks import top_level_imports
from decodelab.errors import UserError
from decodelab.room.report import report_to_room, room_link_from
from decodelab.watch import HelperRunner
from grading.harness.catalogue import EXERCISES, Exercise

_LEFT = 'style="text-align:left"'  # JupyterLab right-aligns table cells
_COLOURS = {DONE: "#1a7f37", FAILING: "#cf222e", BROKEN: "#cf222e", NOT_STARTED: "#6e7781"}


def _pre(text: str) -> str:
    return f'<pre style="white-space:pre-wrap;margin:0.2em 0;text-align:left">{html.escape(text)}</pre>'


class NotebookError(UserError):
    """A :class:`UserError` that a notebook shows as its message alone, without a traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython's hook for an exception's own display
        return [f"{type(self).__name__}: {self}"]


def _user_error(error: UserError) -> NotebookError:
    return NotebookError(str(error))


# ---------------------------------------------------------------------------------------------
# dl.check and dl.hint
# ---------------------------------------------------------------------------------------------

@dataclass
class CheckReport:
    """What ``decodelab check`` says, as a cell output: plain text, or a table in HTML."""

    statuses: dict[str, ExerciseStatus]
    target: str
    took: float
    detailed: bool

    @property
    def done(self) -> bool:
        """Whether every exercise checked passes its public tests."""
        return all(status.done for status in self.statuses.values())

    def __repr__(self) -> str:
        return title(self.target, self.took) + "\n" + render(self.statuses, self.target, detailed=self.detailed)

    def _repr_html_(self) -> str:
        rows = [self._row(status) for status in self.statuses.values()]
        done = sum(status.done for status in self.statuses.values())
        return (
            f"<div><b>{html.escape(title(self.target, self.took))}</b>"
            '<table style="border-collapse:collapse;text-align:left">'
            "<tr>" + "".join(f"<th {_LEFT}>{name}</th>" for name in ("#", "exercise", "state", "function", "file")) + "</tr>"
            + "".join(rows)
            + f"</table><p><b>{done}/{len(self.statuses)} done</b></p></div>"
        )

    def _row(self, status: ExerciseStatus) -> str:
        exercise = status.exercise
        colour = _COLOURS.get(status.state, "#9a6700")
        row = (f"<td>{EXERCISES.index(exercise) + 1}</td><td {_LEFT}>{html.escape(exercise.key)}</td>"
               f'<td style="text-align:left;color:{colour}"><b>{html.escape(status.state)}</b></td>'
               f"<td {_LEFT}><code>{html.escape(exercise.function)}()</code></td><td {_LEFT}>{html.escape(exercise.path)}</td>")
        details = self._details(status)
        if details:
            row += f'</tr><tr><td></td><td colspan="4" style="text-align:left">{details}</td>'
        return f"<tr>{row}</tr>"

    def _details(self, status: ExerciseStatus) -> str:
        """For an exercise that is not done: what to do, or each failing test's message and a hint."""
        exercise = status.exercise
        if status.done:
            return ""
        if status.state == NOT_STARTED:
            summary = exercise_summary(target_folder(self.target), exercise)
            return html.escape(f"write {exercise.function}(): {summary}" if summary else status.message)
        failed = [test for test in status.tests if test.status not in ("passed", "skipped")]
        shown = [f"{html.escape(test.name)} ({html.escape(test.status.replace('_', ' '))}){_pre(test.message)}"
                 for test in failed]
        parts = shown[:1] or [_pre(status.message)]  # the first in full, as `decodelab check` shows it
        if len(shown) > 1:
            parts.append(f"<details><summary>{len(shown) - 1} more failing</summary>{'<br>'.join(shown[1:])}</details>")
        if status.state == FAILING and "hint:" not in status.message:
            parts.append(html.escape(f"hint: {exercise.hints[0]}"))
        if status.state != BROKEN:
            parts.append(f"more hints: <code>dl.hint({html.escape(repr(exercise.key))})</code>")
        return "<br>".join(parts)


# The kernel's checks run in a helper that imports torch and transformers once, started by the
# first check that runs tests: each later check costs its tests, not a new Python's imports. Not
# at %load_ext: a notebook whose checks all read "not started" runs no tests, and the helper's
# imports cost more than one cold check's (CI's 18 notebook runs were 35 CPU-s slower so).
CHECKS = HelperRunner()


def check(*keys: str, target: str = "exercises", backend: str = "tiny") -> CheckReport:
    """``decodelab check KEY ...`` in a cell: every exercise, or only ``keys`` (keys or function names)."""
    try:
        chosen = [lookup(key).key for key in keys] or None
        started = time.perf_counter()
        statuses = public_status(target, chosen, backend, runner=CHECKS.run)
        room = room_link_from(None)
        if room is not None:  # $DECODELAB_ROOM, set once in the notebook's first cell
            print(report_to_room(room, statuses))
    except UserError as error:
        raise _user_error(error) from None
    return CheckReport(statuses, target, time.perf_counter() - started, detailed=bool(chosen))


@dataclass
class Hints:
    """``decodelab hint KEY`` as a cell output."""

    exercise: Exercise
    level: int | None
    text: str
    target: str = "exercises"

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        exercise = self.exercise
        shown = shown_hints(exercise, self.level)
        items = "".join(f"<li>{html.escape(hint)}</li>" for hint in shown)
        more = len(exercise.hints) - len(shown)
        tail = f"<p>{more} more: <code>dl.hint({html.escape(repr(exercise.key))})</code></p>" if more else ""
        summary = exercise_summary(target_folder(self.target), exercise)
        return (f"<div><b>{html.escape(self.text.splitlines()[0])}</b><p>{html.escape(summary)}</p><ol>{items}</ol>{tail}"
                f"<p>Then check it: <code>dl.check({html.escape(repr(exercise.key))})</code></p></div>")


def hint(key: str, level: int | None = None, target: str = "exercises") -> Hints:
    """``decodelab hint KEY [--level N]`` in a cell: the hints, from gentle to specific."""
    try:
        return Hints(lookup(key), level, hint_text(key, target, level), target)
    except UserError as error:
        raise _user_error(error) from None


# ---------------------------------------------------------------------------------------------
# dl.demo
# ---------------------------------------------------------------------------------------------

@dataclass
class Message:
    """A short message as a cell output (a locked demo, a demo that could not run, a demo's printed lines)."""

    text: str
    heading: str = ""

    def __repr__(self) -> str:
        return f"{self.heading}\n{self.text}" if self.heading else self.text

    def _repr_html_(self) -> str:
        heading = f"<b>{html.escape(self.heading)}</b>" if self.heading else ""
        return f"<div>{heading}{_pre(self.text)}</div>"


def _demo_out(argv: list[str]) -> Path | Message | None:
    """The file ``decodelab demo ...`` with these arguments writes (its ``--out``, or its default);
    None for a demo that writes no file (its printed lines are what it shows); the help text when
    they ask for it (``--help``)."""
    from decodelab.cli import build_parser

    said, errors = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(errors):
            arguments = build_parser().parse_args(argv)
    except SystemExit as exit:  # argparse says what was wrong on stderr, with the closest names
        if not exit.code:
            return Message(said.getvalue())
        raise NotebookError(errors.getvalue().strip()) from None
    return Path(arguments.out) if getattr(arguments, "out", None) is not None else None


def demo(name: str, *args: Any, height: int = 600):
    """``decodelab demo NAME ARGS...`` in a cell; shows the PNG or HTML page it writes.

    The demo runs through :func:`decodelab.cli.main`, as on the command line (backend:
    ``$DECODELAB_BACKEND``, else auto). While its exercises do not pass yet, the result is a
    message naming them.
    """
    argv = ["demo", str(name), *map(str, args)]
    out = _demo_out(argv)
    if isinstance(out, Message):
        return out
    if out is not None and "--out" not in argv:
        argv += ["--out", str(out)]
    from decodelab.cli import main

    errors, printed = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(printed) if out is None else contextlib.nullcontext():
        code = main(argv)
    said = errors.getvalue().strip()
    if out is None and code == 0:  # a demo of printed lines (`complete`): they are its result
        if said:
            print(said, file=sys.stderr)
        return Message(printed.getvalue(), f"demo {name}")
    if code != 0 or out is None or not out.is_file():
        prefix = "decodelab demo: "
        heading = f"demo {name} is locked" if code == 1 else f"demo {name} did not run (exit {code})"
        text = said.removeprefix(prefix) or (f"it wrote no {out}" if out is not None else "it printed nothing")
        if code == 1:
            text += "\nIn this notebook, each exercise's check cell is dl.check(KEY)."
        return Message(text, heading)
    if said:
        print(said, file=sys.stderr)  # warnings of the libraries, as the terminal shows them
    from IPython.display import HTML, Image

    if out.suffix.lower() == ".png":
        return Image(filename=str(out))
    # An iframe keeps the page's own CSS (it styles <body>) out of the notebook's page.
    page = html.escape(out.read_text(encoding="utf-8"), quote=True)
    return HTML(f'<p>{html.escape(str(out))}</p><iframe srcdoc="{page}" '
                f'style="width:100%;height:{int(height)}px;border:1px solid #ccd3e0"></iframe>')


# ---------------------------------------------------------------------------------------------
# %%exercise KEY: the cell's function into exercises/<module>.py
# ---------------------------------------------------------------------------------------------

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _lines(text: str) -> list[str]:
    """``text`` cut into lines as ``ast`` counts them, each with its own line end."""
    return _LINES.findall(text)


def _top_function(tree: ast.Module, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    found = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name]
    return found[-1] if found else None  # the last definition is the one the module ends up with


def _first_line(node: ast.AST) -> int:
    """A definition's first line, decorators included (1-based)."""
    return min([node.lineno] + [decorator.lineno for decorator in getattr(node, "decorator_list", [])])


def _function_text(source: str, node: ast.FunctionDef | ast.AsyncFunctionDef, docstring: str | None) -> str:
    """The definition's lines; with ``docstring`` (the old one's lines) put back when it has none."""
    lines = _lines(source)[_first_line(node) - 1: node.end_lineno]
    if docstring is None or ast.get_docstring(node) is not None or node.body[0].lineno == node.lineno:
        return "".join(lines)
    body_at = node.body[0].lineno - _first_line(node)
    indent = re.match(r"[ \t]*", lines[body_at]).group(0)
    return "".join(lines[:body_at]) + indent + docstring.lstrip(" \t") + "".join(lines[body_at:])


def _docstring_lines(source: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The lines holding the function's docstring, as they are in ``source`` (None without one)."""
    if ast.get_docstring(node) is None:
        return None
    first = node.body[0]
    return "".join(_lines(source)[first.lineno - 1: first.end_lineno])


def _imports(tree: ast.Module) -> list[ast.stmt]:
    """The imports at the top of a cell (before its first other statement), ``__future__`` left out."""
    imports = []
    for node in tree.body:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            break
        if not (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            imports.append(node)
    return imports


def _defined(node: ast.stmt) -> set[str]:
    """The names a top-level statement defines (a ``def``, a ``class``, an assignment to names)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name)}
    return set()


def _helpers(tree: ast.Module, new: ast.AST, protected: set[str]) -> list[ast.stmt]:
    """The cell's other top-level definitions that its function uses (a constant, a helper, and
    what those use in turn), in the cell's order, except those that would overwrite one of
    ``protected`` (another exercise's function)."""
    candidates = [node for node in tree.body if node is not new and _defined(node) and not _defined(node) & protected]
    chosen: list[ast.stmt] = []
    reaching = [new]
    while reaching:
        used = {node.id for node in ast.walk(reaching.pop()) if isinstance(node, ast.Name)}
        for node in candidates:
            if node not in chosen and _defined(node) & used:
                chosen.append(node)
                reaching.append(node)
    return [node for node in tree.body if node in chosen]


def replace_function(path: Path, function: str, cell: str, protected: set[str] = frozenset()) -> list[str]:
    """Put ``function`` as ``cell`` defines it into the module at ``path``, in place of its old definition.

    Every other byte of the module stays as it was, except what the function needs from the cell:
    the imports at the top of the cell that the module lacks (after the module's last import), and
    the cell's constants and helpers that the function uses (in place of the module's own of that
    name, else just above the function). When the cell's function has no docstring, the old one's
    is kept (the docstring is the lesson). Returns what was written, for the learner; raises
    :class:`UserError` when the cell or the module has no ``def function``.
    """
    try:
        tree = ast.parse(cell)
    except SyntaxError as error:
        raise UserError(f"the cell is not valid Python (line {error.lineno}: {error.msg})") from None
    new = _top_function(tree, function)
    if new is None:
        raise UserError(f"this cell does not define {function}(): it must hold `def {function}(...)` at its top "
                        "level (the function you are writing), so nothing was run or written")
    source = path.read_text(encoding="utf-8")
    module = ast.parse(source)
    old = _top_function(module, function)
    if old is None:
        raise UserError(f"{path} has no `def {function}(...)` to replace")
    lines, cell_lines = _lines(source), _lines(cell)

    def cell_text(node: ast.stmt) -> str:
        return "".join(cell_lines[_first_line(node) - 1: node.end_lineno]).rstrip("\r\n") + "\n"

    text = _function_text(cell, new, _docstring_lines(source, old)).rstrip("\r\n")
    text += re.search(r"(\r\n|\r|\n)?$", lines[old.end_lineno - 1]).group(1) or ""
    at = _first_line(old) - 1
    edits = [(at, old.end_lineno, text)]  # (first line, line after, new text), 0-based
    written = [f"{function}()"]
    for helper in _helpers(tree, new, protected | {function}):
        mine = [node for node in module.body if node is not old and _defined(node) & _defined(helper)]
        if mine:
            edits.append((_first_line(mine[0]) - 1, mine[0].end_lineno, cell_text(helper)))
        else:
            edits.append((at, at, cell_text(helper) + "\n\n"))
        written.append(", ".join(sorted(_defined(helper))))
    # What the module imports, also for its type hints only (under `if TYPE_CHECKING:`): not imported twice.
    known = {ast.dump(node) for node in top_level_imports(module)}
    added = [node for node in _imports(tree) if ast.dump(node) not in known]
    if added:
        last_import = max((node.end_lineno for node in module.body if isinstance(node, (ast.Import, ast.ImportFrom))
                           and node.end_lineno <= at), default=0)
        if last_import == 0 and ast.get_docstring(module) is not None:
            last_import = module.body[0].end_lineno  # no import yet: after the module's docstring
        edits.append((last_import, last_import, "".join(cell_text(node) for node in added)))
        written += [(ast.get_source_segment(cell, node) or "").strip() for node in added]
    for first, after, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        lines[first:after] = [replacement]
    updated = "".join(lines)
    ast.parse(updated)  # never leave a module that does not parse
    if updated != source:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent, delete=False,
                                         prefix=f".{path.stem}-", suffix=".py") as handle:
            handle.write(updated)
        os.replace(handle.name, path)
    return written


def write_exercise(key: str, cell: str, target: str = "exercises") -> str:
    """Write the function of exercise ``key`` that ``cell`` defines into the target's module; what to tell the learner."""
    exercise = lookup(key)
    path = module_file(target_folder(target), exercise.module)
    if path is None:
        raise UserError(f"there is no {exercise.path} to write {exercise.function}() into")
    others = {e.function for e in EXERCISES if e.module == exercise.module and e is not exercise}
    written = replace_function(path, exercise.function, cell, protected=others)
    sys.modules.pop(f"{target}.{exercise.module}", None)  # a demo imports the module afresh
    return f"wrote {'; '.join(written)} into {path}; check it with dl.check({exercise.key!r})"


def exercise_magic(line: str, cell: str) -> None:
    """``%%exercise KEY``: run the cell, then write the function it defines into ``exercises/``."""
    from IPython import get_ipython
    from IPython.core.error import UsageError

    shell = get_ipython()
    key = line.strip()
    if not key:
        raise UsageError("%%exercise needs an exercise key, e.g. `%%exercise pieces` (the keys: dl.check())")
    try:
        exercise = lookup(key)
        code = shell.transform_cell(cell)
        tree = ast.parse(code)
    except UserError as error:
        raise UsageError(str(error)) from None
    except SyntaxError:
        tree = None  # run_cell below shows the error where it is
    if tree is not None and _top_function(tree, exercise.function) is None:
        raise UsageError(f"this cell does not define {exercise.function}(): a `%%exercise {exercise.key}` cell must "
                         f"hold `def {exercise.function}(...)`, the function {exercise.path} asks for; "
                         "nothing was run or written")
    result = shell.run_cell(cell)
    if not result.success:
        raise UsageError(f"the cell raised an error (above), so {exercise.path} was not changed")
    try:
        print(write_exercise(exercise.key, code))
    except UserError as error:
        raise UsageError(str(error)) from None


def load_ipython_extension(ipython) -> None:
    """``%load_ext decodelab.notebook``: registers the ``%%exercise`` cell magic."""
    ipython.register_magic_function(exercise_magic, magic_kind="cell", magic_name="exercise")
