"""Which functions a demo runs: the learner's, once their public tests pass.

A demo asks for exercise functions by name (``greedy_generate``, ``top_p_mask``...). For each,
:func:`choose` looks up the learner's verdict with :func:`decodelab.commands.check.public_status`
(the same verdict ``decodelab check`` shows, remembered between runs, so a demo after a check
costs nothing extra). When every one of them passes, the demo runs on the learner's code; when
some do not, the demo is *locked*: :class:`DemoLocked` names the exercises that unlock it and
where each stands. A demo is the reward for finishing its exercises, so it never stands in
someone else's answer for the learner's.

``--reference`` (instructors, and the project's own tests) runs the reference functions
instead, in the full project only: the learners' bundle holds no reference answers.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from decodelab.errors import UserError
from grading.harness.catalogue import EXERCISES, Exercise


class DemoLocked(UserError):
    """A demo whose exercises are not all done yet; the message names them. Exit status 1."""

    exit_status = 1


def _exercise(function: str) -> Exercise:
    for exercise in EXERCISES:
        if exercise.function == function:
            return exercise
    raise KeyError(f"{function} is not an exercise function")


def exercise_number(exercise: Exercise) -> int:
    """The exercise's number in course order, as ``decodelab list`` shows it."""
    return EXERCISES.index(exercise) + 1


def unlocked_by(names: Sequence[str]) -> list[Exercise]:
    """The exercises whose functions ``names`` are, each once, in course order."""
    wanted = {_exercise(name) for name in names}
    return [exercise for exercise in EXERCISES if exercise in wanted]


def reference_function(function: str) -> Callable[..., Any]:
    """``reference.<module>.<function>`` for an exercise function (not in the learners' bundle)."""
    exercise = _exercise(function)
    try:
        module = importlib.import_module(f"reference.{exercise.module}")
    except ModuleNotFoundError as error:
        if error.name != f"reference.{exercise.module}":
            raise
        raise UserError(
            f"--reference needs the reference answers, and this copy of decodelab has no reference answers (the "
            f"learners' bundle leaves them out). Leave out --reference: the demo runs on your {function}() once "
            f"`decodelab check {exercise.key}` passes."
        ) from None
    return getattr(module, function)


@dataclass
class Chosen:
    """The functions a demo uses, with where each came from."""

    functions: dict[str, Callable[..., Any]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    """function name -> "yours" or "reference"."""
    reasons: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        functions = self.__dict__.get("functions", {})
        if name in functions:
            return functions[name]
        raise AttributeError(name)

    def report(self) -> list[str]:
        """One line per function: whose it is and why."""
        return [
            f"  {name}(): {self.sources[name]} — {self.reasons[name]}" for name in self.functions
        ]

    @property
    def all_yours(self) -> bool:
        return all(source == "yours" for source in self.sources.values())


def locked_message(demo: str, waiting: list[tuple[Exercise, str]]) -> str:
    """What a locked demo says: the exercises still to do, each with where it stands and the command."""
    count = len(waiting)
    lines = [f"`decodelab demo {demo}` runs on your own functions; {count} exercise{'s' * (count != 1)} "
             f"still to finish unlock{'s' * (count == 1)} it:"]
    for exercise, state in waiting:
        lines.append(f"  {exercise_number(exercise):>2}. {exercise.key:<12} {exercise.function}() in "
                     f"{exercise.path}: {state} (decodelab check {exercise.key})")
    return "\n".join(lines)


def choose(
    names: Sequence[str],
    target: str = "exercises",
    reference_only: bool = False,
    backend: str = "tiny",
    demo: str = "this demo",
) -> Chosen:
    """The learner's functions ``names`` when all their public tests pass; else :class:`DemoLocked`.

    With ``reference_only``, the reference functions, unchecked (:class:`UserError` where there are none).
    """
    chosen = Chosen()
    if reference_only:
        for name in names:
            chosen.functions[name] = reference_function(name)
            chosen.sources[name] = "reference"
            chosen.reasons[name] = "asked for with --reference"
        return chosen
    from decodelab.commands.check import public_status

    exercises = unlocked_by(names)
    statuses = public_status(target, [exercise.key for exercise in exercises], backend=backend)
    waiting = [(exercise, statuses[exercise.key].state) for exercise in exercises
               if not statuses[exercise.key].done]
    if waiting:
        raise DemoLocked(locked_message(demo, waiting))
    from grading.harness.target import load_target

    learner = load_target(target)
    for name in names:
        chosen.functions[name] = learner.function(name)
        chosen.sources[name] = "yours"
        chosen.reasons[name] = f"its public tests pass (decodelab check {_exercise(name).key})"
    return chosen
