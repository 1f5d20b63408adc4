"""The catalogues of learner versions, and how each becomes a whole submission.

Catalogues of module files named like ``exercises/`` and functions named ``<function>__<what>``:

- ``tests/wrong_implementations/``: the project's own wrong versions (every one must lose points);
- ``tests/allowed_variants/``: the project's own correct versions, each a choice a docstring
  allows in so many words (every one must score the maximum);
- ``tests/independent/`` to ``tests/independent46/`` (``INDEPENDENT``): wrong
  (``<function>__wrong_<what>``) and correct (``<function>__right_<what>``) versions written by
  forty-six examiners who had read only the docstrings (each later one also the earlier
  catalogues, so as not to repeat them; the thirtieth and thirty-first also the public tests
  learners run).

:func:`with_version` turns an entry into a submission's module source: ``solutions/<module>.py``
with the function replaced by the entry, its imports and the module helpers it uses coming
along (renamed, so they cannot replace a solution's helper of the same name). The project's
tests and ``benchmarks/grade_class.py`` build submissions this way.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from grading.harness.catalogue import EXERCISES, Exercise, modules

ROOT = Path(__file__).resolve().parent.parent
WRONG = ROOT / "tests" / "wrong_implementations"
ALLOWED = ROOT / "tests" / "allowed_variants"
# The examiners' catalogues, in the order they were written: add a new one here.
INDEPENDENT = tuple(ROOT / "tests" / f"independent{n if n > 1 else ''}" for n in range(1, 47))
# Every catalogue the project grades (tests/test_grade_cli.py).
CATALOGUES = (WRONG, ALLOWED) + INDEPENDENT


@dataclass(frozen=True)
class Entry:
    """One catalogued version of one exercise function."""

    folder: Path
    module: str
    name: str        # e.g. top_p_mask__wrong_cumsum_le_p

    @property
    def exercise(self) -> Exercise:
        function = self.name.split("__", 1)[0]
        return next(e for e in EXERCISES if e.function == function)

    @property
    def correct(self) -> bool:
        """Correct versions are named ``__right_`` (the independent catalogues, the allowed variants)."""
        return self.name.split("__", 1)[1].startswith("right")

    @property
    def label(self) -> str:
        """A unique, path-safe name: the catalogue folder and the entry."""
        return f"{self.folder.name}.{self.name}"


def entries(folder: Path) -> list[Entry]:
    """Every ``<function>__<what>`` function of the catalogue in ``folder``, in file order."""
    functions = {exercise.function for exercise in EXERCISES}
    found = []
    for module in modules():
        path = folder / f"{module}.py"
        if not path.exists():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [Entry(folder, module, node.name) for node in tree.body
                  if isinstance(node, ast.FunctionDef) and "__" in node.name
                  and node.name.split("__", 1)[0] in functions]
    return found


def wrong_versions() -> dict[str, list[str]]:
    """``module -> [func__mistake, ...]``: the project's catalogue of wrong implementations."""
    found: dict[str, list[str]] = {}
    for entry in entries(WRONG):
        found.setdefault(entry.module, []).append(entry.name)
    return found


class _Rename(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]):
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id in self.names:
            node.id = self.names[node.id]
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.name = self.names.get(node.name, node.name)
        self.generic_visit(node)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        node.name = self.names.get(node.name, node.name)
        self.generic_visit(node)
        return node


def function_source(module: str, name: str, folder: Path = WRONG) -> str:
    """Self-contained source defining ``<function>`` as ``<folder>/<module>.py:<name>``.

    The entry's imports and the module helpers it uses come along, the helpers renamed
    (``_wrong_<name>``) so they cannot replace a solution's helper of the same name.
    """
    function = name.split("__", 1)[0]
    tree = ast.parse((folder / f"{module}.py").read_text(encoding="utf-8"))
    top: dict[str, ast.stmt] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    top[target.id] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):  # _CACHE: dict = {}
            top[node.target.id] = node
    if name not in top:
        raise KeyError(f"{folder.relative_to(ROOT)}/{module}.py has no {name}")
    needed: list[ast.stmt] = []
    todo = [name]
    while todo:
        node = top.get(todo.pop())
        if node is not None and node not in needed:
            needed.append(node)
            todo += [child.id for child in ast.walk(node) if isinstance(child, ast.Name)]
    names = {helper: f"_wrong_{helper}" for helper, node in top.items() if node in needed}
    names[name] = function
    order = {id(node): position for position, node in enumerate(tree.body)}
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom)) and
               not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]
    body = [_Rename(names).visit(node) for node in sorted(needed, key=lambda n: order[id(n)])]
    return ast.unparse(ast.Module(body=imports + body, type_ignores=[])) + "\n"


def wrong_function_source(module: str, mistake: str) -> str:
    """:func:`function_source` of the project's own catalogue of wrong versions."""
    return function_source(module, mistake, WRONG)


def with_version(module: str, names: Sequence[str], folder: Path = WRONG) -> str:
    """``solutions/<module>.py`` with the named functions replaced by the catalogue's versions."""
    source = (ROOT / "solutions" / f"{module}.py").read_text(encoding="utf-8")
    for name in names:
        source += f"\n\n# --- {name} ---\n" + function_source(module, name, folder)
    return source


def with_wrong(module: str, mistakes: Sequence[str]) -> str:
    """``solutions/<module>.py`` with the named functions replaced by their wrong versions."""
    return with_version(module, mistakes, WRONG)


def with_stubs(module: str, keep: set[str]) -> str:
    """``solutions/<module>.py`` with every exercise function not named in ``keep`` put back to
    the stub handed out (``tests/stubs.py``), byte for byte: each reads "not started"."""
    from tests.stubs import stubs_folder

    source = (ROOT / "solutions" / f"{module}.py").read_text(encoding="utf-8")
    stub_source = (stubs_folder() / f"{module}.py").read_text(encoding="utf-8")
    stubs = {node.name: ast.get_source_segment(stub_source, node) for node in ast.parse(stub_source).body
             if isinstance(node, ast.FunctionDef)}
    lines = source.splitlines(keepends=True)
    replaced = [node for node in ast.parse(source).body
                if isinstance(node, ast.FunctionDef) and node.name not in keep
                and any(e.module == module and e.function == node.name for e in EXERCISES)]
    for node in sorted(replaced, key=lambda node: node.lineno, reverse=True):
        first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
        lines[first - 1:node.end_lineno] = [stubs[node.name] + "\n"]
    return "".join(lines)


def write_submission(entry: Entry, class_folder: Path, alone: bool = False) -> Path:
    """A whole submission for ``entry``: every solution module, the entry's own one altered.

    With ``alone``, as a learner hands in the one function they have written: the altered module
    only, its other exercises still the stubs (they and every exercise of the other modules read
    "not started" and their tests are not run), except those the entry's function calls, which
    keep the solution's code (a ``sample_top_p`` that calls ``top_p_mask``).
    """
    target = class_folder / entry.label
    target.mkdir(parents=True)
    for module in modules():
        if module == entry.module and alone:
            version = function_source(module, entry.name, entry.folder)
            called = {node.id for node in ast.walk(ast.parse(version)) if isinstance(node, ast.Name)}
            source = (with_stubs(module, keep={entry.exercise.function} | called)
                      + f"\n\n# --- {entry.name} ---\n" + version)
        elif module == entry.module:
            source = with_version(module, [entry.name], entry.folder)
        elif alone:
            continue
        else:
            source = (ROOT / "solutions" / f"{module}.py").read_text(encoding="utf-8")
        (target / f"{module}.py").write_text(source, encoding="utf-8")
    return target
