"""Which functions a demo runs: the learner's where their public tests pass, else the reference.

A demo asks for exercise functions by name (``greedy_generate``, ``top_p_mask``...). For each,
:func:`choose` looks up the learner's verdict with :func:`decodelab.commands.check.public_status`
(the same verdict ``decodelab check`` shows, remembered between runs, so a demo after a check
costs nothing extra) and takes the learner's function when its public tests pass; otherwise
the function of the same name in ``reference/``. It says which, and why, for every function.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from grading.catalogue import EXERCISES, Exercise


def _exercise(function: str) -> Exercise:
    for exercise in EXERCISES:
        if exercise.function == function:
            return exercise
    raise KeyError(f"{function} is not an exercise function")


def reference_function(function: str) -> Callable[..., Any]:
    """``reference.<module>.<function>`` for an exercise function."""
    exercise = _exercise(function)
    return getattr(importlib.import_module(f"reference.{exercise.module}"), function)


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


def choose(
    names: Sequence[str],
    target: str = "exercises",
    reference_only: bool = False,
    backend: str = "tiny",
) -> Chosen:
    """The functions ``names``, each the learner's when its public tests pass, else the reference's."""
    chosen = Chosen()
    statuses = {}
    learner = None
    unchecked = "asked for with --reference"
    if not reference_only:
        from decodelab.commands.check import public_status
        from decodelab.errors import UserError

        keys = list(dict.fromkeys(_exercise(name).key for name in names))
        try:
            statuses = public_status(target, keys, backend=backend)
        except UserError as error:  # the demo still runs, on the reference functions
            unchecked = "your public tests could not run: " + str(error).splitlines()[0]
    for name in names:
        exercise = _exercise(name)
        status = statuses.get(exercise.key)
        if status is not None and status.done:
            if learner is None:
                from grading.target import load_target

                learner = load_target(target)
            chosen.functions[name] = learner.function(name)
            chosen.sources[name] = "yours"
            chosen.reasons[name] = f"its public tests pass ({exercise.path})"
        else:
            chosen.functions[name] = reference_function(name)
            chosen.sources[name] = "reference"
            if status is None:
                chosen.reasons[name] = unchecked
            else:
                chosen.reasons[name] = f"yours is {status.state} (decodelab check {exercise.key})"
    return chosen
