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
