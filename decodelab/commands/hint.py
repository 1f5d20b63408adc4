"""``decodelab hint EXERCISE``: the hints for one exercise, from gentle to specific.

The hints are the catalogue's (:mod:`grading.harness.catalogue`); the docstring's first line is read
from the learner's file without running it.
"""
from __future__ import annotations

import argparse

from decodelab.commands.check import exercise_summary, lookup, target_folder
from grading.harness.catalogue import EXERCISES, Exercise


def shown_hints(exercise: Exercise, level: int | None = None) -> tuple[str, ...]:
    """The hints shown at ``level``: the first ``level`` (at least one), or all of them."""
    return exercise.hints if level is None else exercise.hints[: max(level, 1)]


def hint_text(name: str, target: str = "exercises", level: int | None = None) -> str:
    """The hint page of one exercise (key or function name), hints up to ``level`` (all by default)."""
    exercise = lookup(name)
    number = EXERCISES.index(exercise) + 1
    lines = [f"{number}. {exercise.key}: {exercise.function}() in {exercise.path} ({exercise.topic}, {exercise.points} points)"]
    summary = exercise_summary(target_folder(target), exercise)
    if summary:
        lines.append(f"   {summary}")
    lines.append("")
    hints = shown_hints(exercise, level)
    for index, hint in enumerate(hints, start=1):
        lines.append(f"  hint {index}: {hint}")
    if len(hints) < len(exercise.hints):
        lines.append(f"  ({len(exercise.hints) - len(hints)} more: decodelab hint {exercise.key})")
    lines.append("")
    lines.append(f"Open {exercise.path}, read the docstring of {exercise.function}(), then run "
                 f"`decodelab check {exercise.key}`.")
    return "\n".join(lines)


def run(arguments: argparse.Namespace) -> int:
    print(hint_text(arguments.exercise, arguments.target, arguments.level))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "hint",
        help="hints for one exercise, from gentle to specific",
        description="Show the hints for one exercise, from gentle to specific, with the file to open.",
    )
    parser.add_argument("exercise", metavar="EXERCISE", help="an exercise key from `decodelab list` (or its function name)")
    parser.add_argument("--level", type=int, default=None, help="show only the first N hints")
    parser.add_argument("--target", default="exercises", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)
