"""The pytest plugin behind every suite: the target switch, backends, markers and points.

Loaded for every pytest run of this project (``-p grading.plugin`` in pyproject). It adds:

- ``--target SPEC`` (or ``$DECODELAB_TARGET``): the code under test, see :mod:`grading.target`;
- ``--backend NAMES`` (or ``$DECODELAB_BACKEND``): comma-separated backends for tests that use
  the ``backend`` fixture; ``auto`` means ``tiny`` plus ``mistral-7b-4bit`` where it can load;
- ``--mistral-capture FILE`` (or ``$DECODELAB_CAPTURE``): a capture file of real Mistral-7B
  numbers; tests that use the ``capture`` fixture are deselected without one;
- a marker per exercise (its catalogue key), ``points(n)`` and ``gpu``;
- the ``learner`` fixture: ``learner.top_p_mask(...)`` calls the target's function;
- reports that read as feedback: "not started" for stubs, the mismatch message alone for
  wrong results, and the learner's own frames for exceptions raised in learner code.
"""
from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import Any

import pytest

from grading.catalogue import EXERCISES
from grading.compare import Mismatch
from grading.target import MissingFunction, NotStarted, Target, load_target, requested_target

CAPTURE_ENV = "DECODELAB_CAPTURE"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("decodelab")
    group.addoption("--target", default=None, help="code under test: exercises, solutions, or a submission path")
    group.addoption("--backend", default=None, help="comma-separated backends (default tiny; 'auto' adds a GPU model)")
    group.addoption("--mistral-capture", default=None, help="capture file of real Mistral-7B numbers")


def pytest_configure(config: pytest.Config) -> None:
    # Grades must not depend on luck: hypothesis draws the same examples on every run, keeps
    # no example database (nothing is written next to a submission) and has no deadline
    # (a loaded grading machine is slow, not wrong).
    from hypothesis import settings

    settings.register_profile("decodelab", derandomize=True, database=None, deadline=None)
    settings.load_profile("decodelab")
    for exercise in EXERCISES:
        config.addinivalue_line("markers", f"{exercise.key}: tests of {exercise.function}() ({exercise.path})")
    config.addinivalue_line("markers", "points(n): how many points the test is worth in a grade")
    config.addinivalue_line("markers", "gpu: needs a CUDA GPU")


def configured_backends(config: pytest.Config) -> list[str]:
    """Backend names for this run (``auto`` expands to what can load here)."""
    raw = config.getoption("--backend") or os.environ.get("DECODELAB_PYTEST_BACKENDS") or "tiny"
    names: list[str] = []
    for name in (part.strip() for part in raw.split(",") if part.strip()):
        if name == "auto":
            from reference.backends import MISTRAL_4BIT, TINY, mistral_status

            names.append(TINY)
            if mistral_status()[0]:
                names.append(MISTRAL_4BIT)
        else:
            names.append(name)
    return list(dict.fromkeys(names))


def capture_path(config: pytest.Config) -> Path | None:
    raw = config.getoption("--mistral-capture") or os.environ.get(CAPTURE_ENV)
    return Path(raw) if raw else None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        params = []
        for name in configured_backends(metafunc.config):
            marks = [pytest.mark.gpu] if name == "mistral-7b-4bit" else []
            params.append(pytest.param(name, marks=marks, id=name))
        metafunc.parametrize("backend", params, indirect=True, scope="session")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if capture_path(config) is not None:
        return
    kept = [item for item in items if "capture" not in getattr(item, "fixturenames", ())]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("gpu"):
        import torch

        if not torch.cuda.is_available():
            pytest.skip("needs a CUDA GPU")


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Target:
    """The code under test, as chosen by ``--target`` / ``$DECODELAB_TARGET``."""
    return load_target(requested_target(pytestconfig.getoption("--target")))


class Learner:
    """Attribute access to the learner's functions: ``learner.top_p_mask(probs, 0.9)``."""

    def __init__(self, target: Target):
        self._target = target

    def call_each(self, name: str, calls: list[tuple]) -> list[Any]:
        """``[learner.<name>(*args) for args in calls]`` in one go (see :meth:`Target.call_each`)."""
        return self._target.call_each(name, calls)

    def call_repeatedly(self, name: str, times: int, *args: Any, **kwargs: Any) -> list[Any]:
        """``learner.<name>(*args, **kwargs)`` ``times`` times, same objects (see :meth:`Target.call_repeatedly`)."""
        return self._target.call_repeatedly(name, times, *args, **kwargs)

    def arguments_changed_by_last_call(self) -> list[str]:
        """The tensor arguments the learner's last call changed in place, e.g. ``["probs (argument 1)"]``.

        The learner always works on private copies (:mod:`grading.arguments`): a test's own
        tensors never change, so a test that must hold "do not change X" asks here.
        """
        return list(self._target.changed_by_last_call)

    def observing_forward_passes(self, model: Any):
        """``with learner.observing_forward_passes(model) as calls:`` (see :meth:`Target.observing_forward_passes`)."""
        return self._target.observing_forward_passes(model)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._target.function(name)
        except KeyError as error:  # not an exercise: plain AttributeError for hasattr() probes
            raise AttributeError(name) from error


@pytest.fixture(scope="session")
def learner(target: Target) -> Learner:
    return Learner(target)


_BACKENDS: dict[str, Any] = {}


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest):
    """A loaded :class:`reference.backends.Backend`, parametrized over ``--backend``."""
    from reference.backends import BackendError, load_backend

    name = request.param
    if name not in _BACKENDS:
        try:
            _BACKENDS[name] = load_backend(name)
        except BackendError as error:
            _BACKENDS[name] = error
    loaded = _BACKENDS[name]
    if isinstance(loaded, BackendError):
        pytest.skip(str(loaded))
    return loaded


@pytest.fixture(scope="session")
def capture(pytestconfig: pytest.Config):
    """The Mistral capture file given by ``--mistral-capture`` (tests are deselected without one)."""
    from reference.capture import load_capture

    path = capture_path(pytestconfig)
    assert path is not None
    return load_capture(path)


def _learner_frames(excinfo: pytest.ExceptionInfo[BaseException]) -> list[str]:
    """Frames of the traceback that are in learner code (exercises/ or a submission)."""
    frames = []
    for entry in traceback.extract_tb(excinfo.tb):
        path = Path(entry.filename)
        if "exercises" in path.parts or "solutions" in path.parts or "decodelab_submission" in entry.filename or "submission" in path.parts:
            frames.append(f"{path.name}:{entry.lineno} in {entry.name}: {entry.line}")
    return frames


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    points = item.get_closest_marker("points")
    if points is not None and ("points", points.args[0]) not in report.user_properties:
        report.user_properties.append(("points", points.args[0]))
        keys = [e.key for e in EXERCISES if item.get_closest_marker(e.key)]
        report.user_properties.append(("exercise", keys[0] if keys else ""))
    if call.excinfo is None or report.passed:
        return
    error = call.excinfo.value
    if isinstance(error, (NotStarted, MissingFunction)):
        report.longrepr = str(error)
        report.user_properties.append(("status", "not_started"))
    elif isinstance(error, Mismatch):
        report.longrepr = str(error)
        report.user_properties.append(("status", "wrong"))
    else:
        frames = _learner_frames(call.excinfo)
        if frames:
            report.longrepr = (
                f"your code raised {type(error).__name__}: {error}\n  " + "\n  ".join(frames[-3:])
            )
            report.user_properties.append(("status", "raised"))
