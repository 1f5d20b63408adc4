"""``decodelab list``: the exercises in course order, their points and whether public tests exist.

Public tests are found by reading the text of ``grading/public/test_*.py`` for the exercise's
marker (``@pytest.mark.<key>``), not by collecting them, so the listing takes no time and never
imports the learner's code.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

_MARKER = re.compile(r"pytest\.mark\.([A-Za-z_]\w*)")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "list",
        help="list the exercises in course order with their points",
        description="The exercises in course order: key, module, function, points and whether public tests exist.",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    parser.set_defaults(func=run)


def _public_test_paths(public_folder: Path | None) -> list[Path]:
    """The public test files, sorted; by default those of the installed ``grading`` package."""
    if public_folder is None:
        import grading

        public_folder = Path(grading.__file__).parent / "public"
    return sorted(public_folder.glob("test_*.py"))


def public_test_files(public_folder: Path | None = None) -> dict[str, list[str]]:
    """For each marker used in the public test files, the files that use it (sorted names)."""
    found: dict[str, list[str]] = {}
    for path in _public_test_paths(public_folder):
        for key in sorted(set(_MARKER.findall(path.read_text(encoding="utf-8")))):
            found.setdefault(key, []).append(path.name)
    return found


def public_test_names(public_folder: Path | None = None) -> dict[str, frozenset[str]]:
    """For each exercise marker, the names of the public test functions that carry it."""
    import ast

    found: dict[str, set[str]] = {}
    for path in _public_test_paths(public_folder):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test_"):
                continue
            for decorator in node.decorator_list:
                match = _MARKER.fullmatch(ast.unparse(decorator))
                if match:
                    found.setdefault(match.group(1), set()).add(node.name)
    return {key: frozenset(names) for key, names in found.items()}


def exercise_rows(public_folder: Path | None = None) -> list[dict[str, Any]]:
    """The ``--json`` output: one dict per exercise, in course order."""
    from grading.harness.catalogue import EXERCISES

    files = public_test_files(public_folder)
    return [
        {
            "key": exercise.key,
            "module": exercise.module,
            "function": exercise.function,
            "topic": exercise.topic,
            "points": exercise.points,
            "public_tests": exercise.key in files,
            "public_test_files": files.get(exercise.key, []),
            "path": exercise.path,
        }
        for exercise in EXERCISES
    ]


def run(arguments: argparse.Namespace) -> int:
    rows = exercise_rows()
    if arguments.json:
        print(json.dumps(rows, indent=2))
        return 0
    headers = ("#", "key", "function", "points", "public tests")
    table = [
        (str(number), row["key"], f"{row['path']}: {row['function']}()", str(row["points"]),
         "yes" if row["public_tests"] else "no")
        for number, row in enumerate(rows, start=1)
    ]
    total = sum(row["points"] for row in rows)
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        rich_table = Table(title=f"{len(rows)} exercises, {total} points", title_justify="left")
        for header in headers:
            rich_table.add_column(header, justify="right" if header in ("#", "points") else "left")
        for line in table:
            rich_table.add_row(*line)
        Console().print(rich_table)
        return 0
    widths = [max(len(header), *(len(line[i]) for line in table)) for i, header in enumerate(headers)]
    for line in (headers, *table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
    print(f"{len(rows)} exercises, {total} points")
    return 0
