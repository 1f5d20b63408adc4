"""The one switch that chooses the code under test.

The same public and hidden suites run against the learner's ``exercises/``, the complete
``solutions/``, or a submission. The choice is made here and nowhere else: the pytest option
``--target`` or the environment variable ``DECODELAB_TARGET`` (default ``exercises``).

Target specs:
    ``exercises`` / ``solutions``     the packages of this project
    ``PATH`` / ``isolated:PATH``      a submission folder or ``.zip`` (modules under
                                      ``exercises/`` or at its top level), run in a sandboxed
                                      process of its own (:mod:`grading.sandbox.grader_side`)
    ``trusted:PATH``                  the same, imported into this process (trusted code only)
    ``BASE+pkg.module:func__mistake`` BASE with one function replaced, for the catalogue of
                                      wrong implementations in ``tests/``

A learner function is fetched with :meth:`Target.function`; a function whose own ``raise``
statement raises ``NotImplementedError`` (the stub's) surfaces as :class:`NotStarted`
(:mod:`grading.harness.not_started`: torch's own ``NotImplementedError`` is the learner's error),
a missing module or function as :class:`MissingFunction`, so a grade can say "not started"
rather than show a crash.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import os
import re
import sys
import types
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, ContextManager, Mapping

from grading.harness.catalogue import EXERCISES, Exercise
from grading.harness.scratch import folder_for_this_process

TARGET_ENV = "DECODELAB_TARGET"
PACKAGES = ("exercises", "solutions")
ISOLATED_PREFIX = "isolated:"
TRUSTED_PREFIX = "trusted:"
_OVERRIDE = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


class NotStarted(Exception):
    """The learner's function still raises ``NotImplementedError``."""

    def __init__(self, exercise: Exercise):
        super().__init__(
            f"not started: {exercise.function}() in {exercise.path} still raises NotImplementedError"
        )
        self.exercise = exercise


class MissingFunction(Exception):
    """The submission has no such module or function (or the module fails to import)."""

    def __init__(self, exercise: Exercise, why: str):
        super().__init__(f"not started: {exercise.function}() not found — {why}")
        self.exercise = exercise


class TargetError(ValueError):
    """A target spec that names nothing usable; the message says what to pass instead."""


def exercise_for(function: str) -> Exercise:
    """The catalogue entry of a learner function name."""
    for exercise in EXERCISES:
        if exercise.function == function:
            return exercise
    raise KeyError(f"{function} is not an exercise function")


def _hypothesis_example() -> object | None:
    """The hypothesis example running now (its build context, a new one per example), else None."""
    control = sys.modules.get("hypothesis.control")  # not imported: no example can be running
    if control is None:
        return None
    try:
        return control.current_build_context()
    except Exception:  # outside @given hypothesis raises InvalidArgument
        return None


def requested_target(spec: str | None = None) -> str:
    """The target asked for: the argument, else ``$DECODELAB_TARGET``, else ``exercises``."""
    return (spec or os.environ.get(TARGET_ENV) or "exercises").strip()


class Target:
    """Where learner functions come from. Subclasses implement :meth:`_load_module`."""

    label: str = "?"

    def __init__(self) -> None:
        self._modules: dict[str, ModuleType | Exception] = {}
        # Labels of the tensor arguments the last call of function() or call_repeatedly() changed
        # in place, e.g. ["probs (argument 1)"]; the caller's own tensors are never changed.
        self.changed_by_last_call: list[str] = []
        self._example: object | None = None  # the hypothesis example of the last call, if any

    def function(self, name: str) -> Callable[..., Any]:
        """The learner's function ``name``, wrapped so that the stub's NotImplementedError reads as NotStarted.

        The learner gets private copies of the tensor arguments (:mod:`grading.sandbox.arguments`):
        the caller's tensors stay as they were, and :attr:`changed_by_last_call` names the
        arguments the call changed in place.
        """
        exercise = exercise_for(name)
        raw = self._raw_function(exercise)

        from grading.sandbox.arguments import PrivateCall  # torch: not at import time (the CLI must start fast)
        from grading.sandbox.learner_side import call_with_fresh_grad_mode

        @functools.wraps(raw)
        def call(*args: Any, **kwargs: Any) -> Any:
            self._seed_if_a_new_example()
            private = PrivateCall(raw, args, kwargs, self._passes_as_is)
            try:
                return call_with_fresh_grad_mode(raw, *private.args, **private.kwargs)
            except NotImplementedError as error:
                self._raise_not_started_if_so(error, exercise)
                raise
            finally:
                self.changed_by_last_call = private.changed()

        call.__name__ = exercise.function  # feedback names the exercise, not an override
        return call

    def call_each(self, name: str, calls: list[tuple]) -> list[Any]:
        """``name(*args)`` for each ``args`` in ``calls``, the results in order.

        The same as a loop over :meth:`function`, but a sandboxed target makes it ONE round
        trip, not ``len(calls)``: for a test that checks thousands of plain inputs (every piece
        of the vocabulary). The first call that raises ends the batch with its error.
        Arguments are not watched for in-place changes; use :meth:`function` for tensors the
        learner may edit or for a ``torch.Generator`` whose state must come back.
        """
        from grading.sandbox.arguments import private_copy

        exercise = exercise_for(name)
        each = self._raw_each(exercise)
        self._seed_if_a_new_example()
        try:
            return each([tuple(private_copy(value, self._passes_as_is) for value in args) for args in calls])
        except NotImplementedError as error:
            self._raise_not_started_if_so(error, exercise)
            raise

    def _raw_each(self, exercise: Exercise) -> Callable[[list[tuple]], list[Any]]:
        from grading.sandbox.learner_side import call_with_fresh_grad_mode

        raw = self._raw_function(exercise)
        return lambda calls: [call_with_fresh_grad_mode(raw, *args) for args in calls]

    def call_repeatedly(self, name: str, times: int, *args: Any, **kwargs: Any) -> list[Any]:
        """``[name(*args, **kwargs) for _ in range(times)]`` with the SAME argument objects.

        For samplers: one ``torch.Generator`` advances from call to call, as in a loop here,
        and its final state comes back. A sandboxed target makes it one round trip.
        """
        from grading.sandbox.arguments import PrivateCall

        exercise = exercise_for(name)
        repeated = self._raw_repeatedly(exercise)
        private = PrivateCall(self._raw_function(exercise), args, kwargs, self._passes_as_is)
        self._seed_if_a_new_example()
        try:
            return repeated(times, *private.args, **private.kwargs)
        except NotImplementedError as error:
            self._raise_not_started_if_so(error, exercise)
            raise
        finally:
            self.changed_by_last_call = private.changed()

    def _seed_if_a_new_example(self) -> None:
        """At the first learner call of each hypothesis example, seed the learner's global random
        generators with 0.

        A learner's function that draws from a global generator (a sampler that ignores the
        one it is given) then draws the same in an example whatever ran before it. Hypothesis
        shrinks a failing example for at most ``SHRINK_SECONDS``, so how many calls come before
        the example it reports depends on the machine's speed; without this, the draws quoted
        in that test's message did too. Outside hypothesis nothing is seeded: a test's calls
        run in a fixed order.
        """
        example = _hypothesis_example()
        if example is None or example is self._example:
            return
        self._example = example
        self._seed_learner_globals(0)

    def _seed_learner_globals(self, seed: int) -> None:
        """In this process, where the learner's code runs."""
        from grading.sandbox.learner_side import seed_global_generators

        seed_global_generators(seed)

    def _raise_not_started_if_so(self, error: NotImplementedError, exercise: Exercise) -> None:
        """:class:`NotStarted` when ``error`` came from a ``raise`` in the learner's function itself
        (:mod:`grading.harness.not_started`); otherwise the caller re-raises it as the learner's error."""
        from grading.harness.not_started import raised_by_its_own_raise

        judged = getattr(error, "decodelab_not_started", None)  # the sandbox's learner process judged it
        if judged is None:
            judged = raised_by_its_own_raise(error, self._raw_function(exercise))
        if judged:
            raise NotStarted(exercise) from error

    def _passes_as_is(self, tensor: Any) -> bool:
        """Whether a tensor argument reaches the learner itself rather than as a private copy."""
        from grading.sandbox.arguments import is_parameter

        return is_parameter(tensor)

    def _raw_repeatedly(self, exercise: Exercise) -> Callable[..., list[Any]]:
        from grading.sandbox.learner_side import call_with_fresh_grad_mode

        raw = self._raw_function(exercise)
        return lambda times, *args, **kwargs: [call_with_fresh_grad_mode(raw, *args, **kwargs) for _ in range(times)]

    def observing_forward_passes(self, model: Any) -> ContextManager[list[dict]]:
        """Within the block, every forward pass the learner's calls make on ``model`` is recorded
        (:func:`grading.sandbox.observe.forward_passes`), where the model runs: here, or in the sandbox."""
        from grading.sandbox.observe import forward_passes

        return forward_passes(model)

    def _raw_function(self, exercise: Exercise) -> Callable[..., Any]:
        module = self._module(exercise)
        raw = getattr(module, exercise.function, None)
        if not callable(raw):
            raise MissingFunction(exercise, f"{exercise.path} defines no function {exercise.function}")
        return raw

    def _module(self, exercise: Exercise) -> ModuleType:
        if exercise.module not in self._modules:
            try:
                self._modules[exercise.module] = self._load_module(exercise.module)
            except MissingFunction as error:
                self._modules[exercise.module] = error
            except Exception as error:  # a learner's import-time crash, syntax error...
                self._modules[exercise.module] = MissingFunction(
                    exercise, f"{exercise.path} fails to import: {type(error).__name__}: {error}"
                )
        loaded = self._modules[exercise.module]
        if isinstance(loaded, Exception):
            if isinstance(loaded, MissingFunction):
                raise MissingFunction(exercise, str(loaded).split(" — ", 1)[-1])
            raise loaded
        return loaded

    def _load_module(self, module: str) -> ModuleType:
        raise NotImplementedError

    def close(self) -> None:
        """End what this target started (a sandboxed submission's own worker); nothing by default."""


class PackageTarget(Target):
    """``exercises`` or ``solutions`` of this project, imported in this process."""

    def __init__(self, package: str):
        super().__init__()
        self.label = package
        self.package = package

    def _load_module(self, module: str) -> ModuleType:
        return importlib.import_module(f"{self.package}.{module}")


class FolderTarget(Target):
    """A submission folder, imported in this process (trusted code only: the grader isolates)."""

    def __init__(self, folder: Path, label: str | None = None):
        super().__init__()
        self.folder = folder
        self.label = label or folder.name
        self._namespace = "decodelab_submission_" + hashlib.sha1(str(folder).encode()).hexdigest()[:10]

    def module_file(self, module: str) -> Path | None:
        """The submission's file for ``module``, under ``exercises/`` or at the top level."""
        return find_module_file(self.folder, module)

    def _load_module(self, module: str) -> ModuleType:
        path = self.module_file(module)
        if path is None:
            exercise = next(e for e in EXERCISES if e.module == module)
            raise MissingFunction(exercise, f"the submission has no {module}.py")
        name = f"{self._namespace}_{module}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        loaded = importlib.util.module_from_spec(spec)
        sys.modules[name] = loaded
        spec.loader.exec_module(loaded)
        return loaded


class OverrideTarget(Target):
    """A base target with single functions replaced (the wrong-implementation catalogue)."""

    def __init__(self, base: Target, overrides: dict[str, Callable[..., Any]], label: str):
        super().__init__()
        self.base = base
        self.overrides = overrides
        self.label = label

    def _passes_as_is(self, tensor: Any) -> bool:
        return self.base._passes_as_is(tensor)  # a sandboxed base sends its weights as handles

    def _raw_function(self, exercise: Exercise) -> Callable[..., Any]:
        if exercise.function in self.overrides:
            return self.overrides[exercise.function]
        return self.base._raw_function(exercise)

    def _raw_each(self, exercise: Exercise) -> Callable[[list[tuple]], list[Any]]:
        if exercise.function in self.overrides:
            return super()._raw_each(exercise)
        return self.base._raw_each(exercise)

    def _raw_repeatedly(self, exercise: Exercise) -> Callable[..., list[Any]]:
        if exercise.function in self.overrides:
            return super()._raw_repeatedly(exercise)
        return self.base._raw_repeatedly(exercise)

    def close(self) -> None:
        self.base.close()


def find_module_file(folder: Path, module: str) -> Path | None:
    """The file of ``module`` in a submission ``folder``: ``folder/exercises/<module>.py`` if it is
    there, else ``folder/<module>.py``, else None.

    The one precedence every reader uses (``decodelab check``, ``grade``, ``release``, the trusted
    target), so that no two of them read different files of one submission. A symbolic link
    counts as there (the grader then refuses it with a note rather than read the other file).
    """
    for candidate in (folder / "exercises" / f"{module}.py", folder / f"{module}.py"):
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return None


def unpack_submission(path: Path, scratch: Path | None = None) -> Path:
    """A submission as a folder: ``path`` itself, or a ``.zip`` extracted safely into scratch."""
    if path.is_dir():
        return path
    if not path.exists():
        raise TargetError(f"no such submission: {path}")
    if not zipfile.is_zipfile(path):
        raise TargetError(f"{path} is neither a folder nor a .zip file")
    destination = Path(scratch or folder_for_this_process("unpacked")) / path.stem
    destination.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            # Only the exercise modules matter; never follow paths out of the destination.
            name = Path(member.filename)
            if member.is_dir() or name.is_absolute() or ".." in name.parts or name.suffix != ".py":
                continue
            if member.file_size > 1_000_000:
                continue
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
    return _single_top_folder(destination)


def _single_top_folder(folder: Path) -> Path:
    """Zips often wrap everything in one folder; look inside it when no module is at the top."""
    entries = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    has_modules = any(find_module_file(folder, m) for m in {e.module for e in EXERCISES})
    if not has_modules and len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return folder


def load_target(spec: str | None = None, sessions: Mapping[Path, Any] | None = None) -> Target:
    """Build the target for a spec (see the module docstring).

    ``sessions``: already running sandbox sessions (:class:`grading.sandbox.grader_side.Session`)
    by the resolved path of their submission; a sandboxed target for one of those paths uses it
    instead of starting a worker of its own (the grader's judges do this)."""
    spec = requested_target(spec)
    base_spec, plus, override = spec.rpartition("+")
    if not plus or not _OVERRIDE.match(override):
        base_spec, override = spec, ""
    if base_spec in PACKAGES:
        base: Target = PackageTarget(base_spec)
    else:
        trusted = base_spec.startswith(TRUSTED_PREFIX)
        raw = base_spec.removeprefix(TRUSTED_PREFIX).removeprefix(ISOLATED_PREFIX)
        path = Path(raw)
        if not path.exists():
            raise TargetError(
                f"unknown target '{base_spec}': use 'exercises', 'solutions', or the path of a "
                "submission folder or .zip"
            )
        label = path.stem if path.is_file() else path.name
        if trusted:
            base = FolderTarget(unpack_submission(path), label=label)
        else:  # a learner's code never shares a process with the hidden tests
            from grading.sandbox.grader_side import IsolatedTarget

            base = IsolatedTarget(path, label=label, session=(sessions or {}).get(path.resolve()))
    if not override:
        return base
    module_name, _, attribute = override.partition(":")
    replacement = getattr(importlib.import_module(module_name), attribute)
    function = attribute.split("__", 1)[0]
    if isinstance(base, PackageTarget):
        exercise = next((exercise for exercise in EXERCISES if exercise.function == function), None)
        if exercise is not None:
            replacement = _beside_its_siblings(replacement, base._load_module(exercise.module))
    return OverrideTarget(base, {function: replacement}, label=f"{base.label}+{attribute}")


def _names_read(code: types.CodeType) -> set[str]:
    """The global names ``code`` reads, its comprehensions', lambdas' and inner functions' too."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names_read(constant)
    return names


def _beside_its_siblings(replacement: Callable[..., Any], module: ModuleType) -> Callable[..., Any]:
    """``replacement`` as grading puts it, written into ``module`` (one function of a copy of the
    solution replaced): where it calls a name its own module lacks but ``module`` has (a
    ``sample_top_p`` that calls ``top_p_mask``), it finds that name there, in a copy of its own
    module's names (so a ``global`` it rebinds stays its own). Else unchanged."""
    own = replacement.__globals__
    missing = {name for name in _names_read(replacement.__code__) if name not in own and name in vars(module)}
    if not missing:
        return replacement
    rebound = types.FunctionType(replacement.__code__, {**own, **{name: vars(module)[name] for name in missing}},
                                 replacement.__name__, replacement.__defaults__, replacement.__closure__)
    rebound.__kwdefaults__ = replacement.__kwdefaults__
    rebound.__qualname__, rebound.__doc__ = replacement.__qualname__, replacement.__doc__
    rebound.__annotations__ = dict(replacement.__annotations__)
    return rebound
