"""The pytest plugin behind every suite: the target switch, backends, markers and points.

Loaded for every pytest run of this project (``-p grading.harness.plugin`` in pyproject). It adds:

- ``--target SPEC`` (or ``$DECODELAB_TARGET``): the code under test, see :mod:`grading.harness.target`;
- ``--backend NAMES`` (or ``$DECODELAB_BACKEND``): comma-separated backends for tests that use
  the ``backend`` fixture; ``auto`` means ``tiny`` plus ``mistral-7b-4bit`` where it can load;
- ``--mistral-capture FILE`` (or ``$DECODELAB_CAPTURE``): a capture file of real Mistral-7B
  numbers; tests that use the ``capture`` fixture are deselected without one;
- a marker per exercise (its catalogue key), ``points(n)`` and ``gpu``;
- the ``learner`` fixture: ``learner.top_p_mask(...)`` calls the target's function;
- reports that read as feedback: "not started" for stubs, the mismatch message alone for
  wrong results, and the learner's own frames for exceptions raised in learner code;
- ``--check-seconds S`` (or ``$DECODELAB_CHECK_SECONDS``, which ``decodelab check`` sets): a time
  budget for each PUBLIC test, kept by pytest-timeout's signal method, so that an endless loop
  in a learner's function fails its test with a message instead of hanging the check. After
  one time-out, that function is not run again in the session (see :class:`Learner`).

A caller of ``pytest.main`` that already holds what a session needs hands it in as an object,
never through this module's globals: ``pytest.main(args, plugins=[Given(backends={"tiny":
backend}, sessions={path: session})])`` (the grader's judges: a backend loaded once, a
submission's sandbox already running). Everything else a session loads is its own and ends with it.
"""
from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Iterable, Iterator, MutableSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import pytest

from grading.harness.catalogue import EXERCISES
from grading.harness.compare import Mismatch
from grading.harness.status import Status
from grading.harness.target import MissingFunction, NotStarted, Target, load_target, requested_target

CAPTURE_ENV = "DECODELAB_CAPTURE"
BUDGET_ENV = "DECODELAB_CHECK_SECONDS"
PUBLIC_SUITE = Path(__file__).resolve().parents[1] / "public"
_BUDGETED = pytest.StashKey[float]()  # the budget, when some collected test runs under it
_LOADED = pytest.StashKey[dict]()  # backend name -> the session's loaded Backend, or why it could not load


@dataclass(eq=False)  # a plugin object: pluggy keeps plugins in sets, by identity
class Given:
    """What the caller of ``pytest.main`` already holds, handed to the session as a plugin object.

    ``backends``: loaded backends by name; the ``backend`` fixture returns these instead of
    loading its own. ``sessions``: running sandbox sessions by the resolved path of their
    submission; the ``target`` fixture uses the one for its path instead of starting a worker.
    """

    backends: Mapping[str, Any] = field(default_factory=dict)
    sessions: Mapping[Path, Any] = field(default_factory=dict)


def given(config: pytest.Config) -> Given:
    """The :class:`Given` passed to this session (an empty one when there is none)."""
    for plugin in config.pluginmanager.get_plugins():
        if isinstance(plugin, Given):
            return plugin
    return Given()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("decodelab")
    group.addoption("--target", default=None, help="code under test: exercises, solutions, or a submission path")
    group.addoption("--backend", default=None, help="comma-separated backends (default tiny; 'auto' adds a GPU model)")
    group.addoption("--mistral-capture", default=None, help="capture file of real Mistral-7B numbers")
    group.addoption("--check-seconds", default=None, metavar="S",
                    help=f"time budget of each public test, 0 for none (default ${BUDGET_ENV}, else none)")


# Seconds hypothesis may spend shrinking one failing test's example (its own limit is 300).
# Shrinking only makes the example in the feedback smaller: the verdict is final before it
# starts. Unbounded, it was most of a wrong submission's grading time (a top-p mask of the
# wrong dtype: 15 s, of which 12 s shrinking); docs/benchmarks.md has the figures.
SHRINK_SECONDS = 2.0


@functools.cache
def deterministic_hypothesis() -> None:
    """Grades must not depend on luck: hypothesis draws the same examples on every run, keeps
    no example database (nothing is written next to a submission), has no deadline and no
    health checks (a loaded grading machine is slow, not wrong), shrinks a failing example
    for at most :data:`SHRINK_SECONDS`, reports one failure per test, skips its explain
    phase, and draws its constants from the reference's source, not from whatever modules the
    process has loaded (:func:`fixed_local_constants`). One profile for every run of the suites, sandboxed or
    in-process, so that both give the same verdicts.

    One failure per test: a test whose examples fail in two distinct ways would otherwise end
    in an ``ExceptionGroup``, and the learner would read "Hypothesis found 2 distinct failures"
    where the test's own message belongs (an embedding averaged over the wrong axis did, on a
    loaded machine).

    The explain phase runs after shrinking and tries the failing test again with each argument
    varied, to comment in hypothesis' own report which arguments did not matter. A learner never
    sees that report (the feedback is the test's own message about the shrunk example), yet it
    was most of a wrong submission's grading: 5.6 of 6.0 s spent past the first failure in a
    top-p mask of the wrong dtype (docs/benchmarks.md)."""
    from hypothesis import HealthCheck, Phase, settings

    settings.register_profile("decodelab", derandomize=True, database=None, deadline=None,
                              suppress_health_check=list(HealthCheck), print_blob=False, report_multiple_bugs=False,
                              phases=[phase for phase in Phase if phase.name != "explain"])
    settings.load_profile("decodelab")
    # A module constant that hypothesis documents as there to be changed ("make it
    # monkeypatchable"). Should a release move it, grading only gets slower on wrong code, and
    # tests/test_hypothesis_profile.py says so.
    try:
        from hypothesis.internal.conjecture import engine
    except ImportError:
        return
    if hasattr(engine, "MAX_SHRINKING_SECONDS"):
        engine.MAX_SHRINKING_SECONDS = SHRINK_SECONDS
    fixed_local_constants()


class _Sorted(MutableSet):
    """A set that iterates in sorted order. Hypothesis picks a constant by its position in the
    pool; in a plain set of strings that position changes with each process' hash seed."""

    def __init__(self, items: Iterable[Any] = ()):
        self._items = dict.fromkeys(sorted(items))

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: Any) -> None:
        self._items[item] = None

    def discard(self, item: Any) -> None:
        self._items.pop(item, None)


@functools.cache
def _reference_constants() -> object:
    """The literals of ``reference/*.py`` as hypothesis collects them, each kind in sorted order
    (parsed once per process: a judge's sessions each load the profile again)."""
    from hypothesis.internal import constants_ast

    pool = constants_ast.Constants()
    for path in sorted((Path(__file__).resolve().parents[2] / "reference").glob("*.py")):
        try:
            pool |= constants_ast._constants_from_source(path.read_bytes(), limit=True)
        except Exception:  # a file the parser gives up on adds nothing
            continue
    return constants_ast.Constants(integers=_Sorted(pool.integers), floats=_Sorted(pool.floats),
                                   bytes=_Sorted(pool.bytes), strings=_Sorted(pool.strings))


def fixed_local_constants() -> None:
    """Have hypothesis draw its "local constants" from the reference's source only.

    Since 6.131 hypothesis now and then draws a literal found in the source of any "local"
    module in ``sys.modules`` (here: the project's, ``solutions/`` once primed, a learner's own
    module when it runs in-process). Which examples a derandomized test draws then depended on
    what the process had imported before it: a judge forked after priming computed in-process
    and one forked after priming read from disk drew different texts for ``piece_bytes``, and
    an independent wrong version passed a test under one and failed it under the other. The
    pool is now the literals of ``reference/*.py``, which every run of the hidden suites has
    (the Gradescope bundle too), each kind in sorted order (hypothesis picks one by its
    position, and a plain set of strings orders them by the process' hash seed, so the same
    pool drew differently in two processes): the same examples in every process, and still the domain's
    values (``p = 1.0``, the ``'▁'`` of a piece) that an empty pool would lose (four catalogue
    catches did). Like ``MAX_SHRINKING_SECONDS`` these are hypothesis' internals: should a
    release move them, ``tests/test_hypothesis_profile.py`` says so.
    """
    try:
        from hypothesis.internal import constants_ast
        from hypothesis.internal.conjecture import providers
    except ImportError:
        return
    if not all(hasattr(module, name) for module, name in ((providers, "_get_local_constants"),
               (constants_ast, "_constants_from_source"), (constants_ast, "Constants"))):
        return
    if getattr(providers._get_local_constants, "reference_only", False):
        return  # installed by an earlier session of this process (or the judge server it forked from)
    pool = _reference_constants()

    def reference_constants() -> object:
        return pool

    reference_constants.reference_only = True  # type: ignore[attr-defined]
    providers._get_local_constants = reference_constants
    if hasattr(providers, "CONSTANTS_CACHE"):  # the allowed constants of each kind of draw, from the old pool
        providers.CONSTANTS_CACHE.cache.clear()


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> None:
    # Before a test module that uses hypothesis is imported: its ``@settings(...)`` take their
    # defaults from the profile at that moment. Only then, because importing hypothesis costs
    # most of a second, and the public tests (what ``decodelab check`` runs) never use it.
    try:
        uses_hypothesis = "hypothesis" in module_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        uses_hypothesis = True
    if uses_hypothesis:
        deterministic_hypothesis()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    # Hypothesis' pytest plugin turns a test's failing examples into a patch file for the test's
    # author, importing libcst to parse the test's source: 0.15 s in each forked judge of a
    # wrong submission, a third of its judging (docs/benchmarks.md). No learner or grade reads
    # that patch; without the examples it finds nothing to write.
    if "_hypothesis_failing_examples" in vars(item):
        del item._hypothesis_failing_examples


def pytest_sessionstart(session: pytest.Session) -> None:
    # The statistical checks' false-failure budget is per run, also where one process holds
    # several (the grader primes, then forks a judge per submission). Not imported here when
    # no earlier session used it (it brings scipy): then its count is 0 anyway.
    statistics = sys.modules.get("grading.harness.statistics")
    if statistics is not None:
        statistics.start_run()


def pytest_configure(config: pytest.Config) -> None:
    deterministic_hypothesis.cache_clear()  # loaded again in each session that collects hypothesis tests
    for exercise in EXERCISES:
        config.addinivalue_line("markers", f"{exercise.key}: tests of {exercise.function}() ({exercise.path})")
    config.addinivalue_line("markers", "points(n): how many points the test is worth in a grade")
    config.addinivalue_line("markers", "gpu: needs a CUDA GPU")
    if check_budget(config) is not None and not config.pluginmanager.has_plugin("timeout"):
        # Without it the budget would silently not hold, and an endless loop would hang the run.
        raise pytest.UsageError("a time budget for the public tests needs pytest-timeout: pip install pytest-timeout")


def check_budget(config: pytest.Config) -> float | None:
    """Seconds each public test may run (``--check-seconds``, else ``$DECODELAB_CHECK_SECONDS``);
    ``None`` when no budget was asked for (0 also means none)."""
    raw = config.getoption("--check-seconds") or os.environ.get(BUDGET_ENV) or ""
    if not raw.strip():
        return None
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not seconds >= 0 or seconds == float("inf"):
        raise pytest.UsageError(f"{BUDGET_ENV} / --check-seconds must be a number of seconds >= 0, got {raw!r}")
    return seconds or None


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
    if capture_path(config) is None:
        kept = [item for item in items if "capture" not in getattr(item, "fixturenames", ())]
        if len(kept) != len(items):
            config.hook.pytest_deselected(items=[i for i in items if i not in kept])
            items[:] = kept
    budget = check_budget(config)
    if budget is None:
        return
    for item in items:
        # Public tests only: the hidden suites keep the grader's own limits (grading.sandbox.grader_side).
        # func_only: set-up (loading a model) is not the learner's time.
        if _in_public_suite(item) and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(budget, method="signal", func_only=True))
            config.stash[_BUDGETED] = budget


def _in_public_suite(item: pytest.Item) -> bool:
    path = getattr(item, "path", None)
    return path is not None and Path(path).resolve().is_relative_to(PUBLIC_SUITE)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("gpu"):
        import torch

        if not torch.cuda.is_available():
            pytest.skip("needs a CUDA GPU")


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config):
    """The code under test, as chosen by ``--target`` / ``$DECODELAB_TARGET``; what it started
    (a sandboxed submission's own worker) ends with the session."""
    chosen = load_target(requested_target(pytestconfig.getoption("--target")), sessions=given(pytestconfig).sessions)
    yield chosen
    chosen.close()


@dataclass
class Overrun:
    """A learner function that the public tests' time budget stopped."""

    function: str
    seconds: float
    where: str | None  # the learner's line it was running, e.g. "decoding.py:57 in greedy_generate: while True:"
    test: str

    def feedback(self) -> str:
        """What the learner reads: which function, the likely cause, and where it was."""
        text = f"{self.function}() ran for more than {self.seconds:g} s: is the loop's stop condition ever true?"
        if self.where and " in <module>: " in self.where:  # stopped while its file was being imported
            text = (f"importing {self.where.split(':', 1)[0]} (for {self.function}()) ran for more than "
                    f"{self.seconds:g} s: does a loop at the top level of the file ever end?")
        if self.where:
            text += f"\n  stopped at {self.where}"
        return text + f"\n  (each public test may run {self.seconds:g} s; {BUDGET_ENV} changes that)"


class NotRunAgain(BaseException):
    """A call refused because the function already ran past the budget: each further test would
    only wait out the budget again. A BaseException, like pytest's own outcomes, so that no
    ``except Exception`` or ``pytest.raises(Exception)`` in a test mistakes it for the learner's error."""


class Learner:
    """Attribute access to the learner's functions: ``learner.top_p_mask(probs, 0.9)``.

    With a time budget (``budget``, the public tests under ``decodelab check``), a function
    that pytest-timeout stops is remembered as an :class:`Overrun`, and later calls of it in
    the same session raise :class:`NotRunAgain` at once.
    """

    def __init__(self, target: Target, budget: float | None = None):
        self._target = target
        self._budget = budget
        self._overruns: dict[str, Overrun] = {}
        self._new_overruns: list[Overrun] = []
        self._test = ""

    def call_each(self, name: str, calls: list[tuple]) -> list[Any]:
        """``[learner.<name>(*args) for args in calls]`` in one go (see :meth:`Target.call_each`)."""
        return self._within_budget(name, self._target.call_each, name, calls)

    def call_repeatedly(self, name: str, times: int, *args: Any, **kwargs: Any) -> list[Any]:
        """``learner.<name>(*args, **kwargs)`` ``times`` times, same objects (see :meth:`Target.call_repeatedly`)."""
        return self._within_budget(name, self._target.call_repeatedly, name, times, *args, **kwargs)

    def arguments_changed_by_last_call(self) -> list[str]:
        """The tensor arguments the learner's last call changed in place, e.g. ``["probs (argument 1)"]``.

        The learner always works on private copies (:mod:`grading.sandbox.arguments`): a test's own
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
            # Under a budget, finding the function counts too: importing the module runs its code.
            function = self._within_budget(name, self._target.function, name)
        except KeyError as error:  # not an exercise: plain AttributeError for hasattr() probes
            raise AttributeError(name) from error
        if self._budget is None:
            return function

        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            return self._within_budget(name, function, *args, **kwargs)

        return call

    # -- the time budget --------------------------------------------------------------------
    def begin_test(self, test: str, functions: list[str]) -> None:
        """Called before a budgeted test's timer starts. A sandboxed target's worker starts up
        (imports, model) and finds ``functions`` here, so that start-up is not charged to the
        learner's code; an in-process target's modules are imported under the budget instead,
        since their import runs the learner's code."""
        self._test = test
        self._new_overruns.clear()
        if self._budget is None or not _is_isolated(self._target):
            return
        for name in functions:
            if name in self._overruns:
                continue
            try:
                self._target.function(name)
            except Exception:
                pass  # a missing or broken function: the test's own call reports it

    def take_overrun(self) -> Overrun | None:
        """The time-out of the test that just ran, if it stopped a learner function."""
        found = self._new_overruns[0] if self._new_overruns else None
        self._new_overruns.clear()
        return found

    def _within_budget(self, name: str, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._budget is None:
            return action(*args, **kwargs)
        earlier = self._overruns.get(name)
        if earlier is not None:
            raise NotRunAgain(
                f"{name}() not run again: it ran past the time budget in an earlier test "
                f"({earlier.test}: more than {earlier.seconds:g} s)"
            )
        try:
            return action(*args, **kwargs)
        except BaseException as error:
            if _stopped_by_budget(error):
                self._note_overrun(name, error)
            raise

    def _note_overrun(self, name: str, error: BaseException) -> None:
        frames = _learner_frames(traceback.extract_tb(error.__traceback__))
        overrun = Overrun(name, self._budget or 0.0, frames[-1] if frames else None, self._test)
        self._overruns[name] = overrun
        self._new_overruns.append(overrun)
        _end_stopped_call(self._target)


def _stopped_by_budget(error: BaseException) -> bool:
    """Whether ``error`` is pytest-timeout failing the test (its signal method raises this in
    whatever code was running when the budget ran out)."""
    try:
        from pytest_timeout import PYTEST_FAILURE_MESSAGE
    except ImportError:  # no pytest-timeout: nothing was stopped by it
        return False
    return isinstance(error, pytest.fail.Exception) and str(error).startswith(PYTEST_FAILURE_MESSAGE.split("%")[0])


def _is_isolated(target: Target) -> bool:
    """Whether the learner's code runs in a sandboxed process of its own (``PATH`` targets)."""
    from grading.sandbox.grader_side import IsolatedTarget

    while target is not None:
        if isinstance(target, IsolatedTarget):
            return True
        target = getattr(target, "base", None)
    return False


def _end_stopped_call(target: Target) -> None:
    """For a sandboxed target, the budget only interrupted our wait for the reply: the learner's
    process is still in the call, and its channel holds a half-read message. End that process
    and start the next one now, while no budget is running, as the session itself does after a
    call of its own runs out of time."""
    while target is not None:
        session = getattr(target, "_session", None)
        if session is not None and hasattr(session, "_end_process"):
            session._end_process()
            try:
                session._ensure_process()
            except Exception:
                pass  # the next call tries again and reports why it cannot
            return
        target = getattr(target, "base", None)


@pytest.fixture(scope="session")
def learner(target: Target, pytestconfig: pytest.Config) -> Learner:
    # A budget only where some collected test has one: the hidden suites never do.
    return Learner(target, budget=pytestconfig.stash.get(_BUDGETED, None))


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest):
    """A loaded :class:`reference.backends.Backend`, parametrized over ``--backend``: the one
    :class:`Given`, else loaded once per session."""
    from reference.backends import BackendError, load_backend

    name = request.param
    loaded = request.config.stash.setdefault(_LOADED, {})
    if name not in loaded:
        try:
            loaded[name] = given(request.config).backends.get(name) or load_backend(name)
        except BackendError as error:
            loaded[name] = error
    if isinstance(loaded[name], BackendError):
        pytest.skip(str(loaded[name]))
    return loaded[name]


@pytest.fixture(scope="session")
def capture(pytestconfig: pytest.Config):
    """The Mistral capture file given by ``--mistral-capture`` (tests are deselected without one)."""
    from reference.capture import load_capture

    path = capture_path(pytestconfig)
    assert path is not None
    return load_capture(path)


def _learner_frames(entries: list[traceback.FrameSummary]) -> list[str]:
    """Frames of a traceback (``traceback.extract_tb``) that are in learner code (exercises/ or a submission)."""
    frames = []
    for entry in entries:
        path = Path(entry.filename)
        if "exercises" in path.parts or "solutions" in path.parts or "decodelab_submission" in entry.filename or "submission" in path.parts:
            frames.append(f"{path.name}:{entry.lineno} in {entry.name}: {entry.line}")
    return frames


def _budgeted_learner(item: pytest.Item) -> Learner | None:
    """The test's ``learner`` when the test runs under the public tests' time budget."""
    learner = (getattr(item, "funcargs", None) or {}).get("learner")
    if isinstance(learner, Learner) and learner._budget is not None and item.get_closest_marker("timeout"):
        return learner
    return None


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item):
    # tryfirst: this runs before pytest-timeout's own wrapper starts the test's timer.
    learner = _budgeted_learner(item)
    if learner is not None:
        functions = [e.function for e in EXERCISES if item.get_closest_marker(e.key)]
        learner.begin_test(item.name, functions)
    yield


def _exception_in(error: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    """``error`` or the first exception of type ``kind`` it was raised from or groups (hypothesis)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kind):
            return error
        for inner in getattr(error, "exceptions", None) or ():
            found = _exception_in(inner, kind)
            if found is not None:
                return found
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def _budget_feedback(item: pytest.Item, call: pytest.CallInfo[None]) -> str | None:
    """The report of a test stopped by the time budget (None for any other failure)."""
    learner = _budgeted_learner(item)
    overrun = learner.take_overrun() if learner is not None and call.when == "call" else None
    if call.excinfo is None:
        return None
    if overrun is not None:
        return overrun.feedback()
    refused = _exception_in(call.excinfo.value, NotRunAgain)
    if refused is not None:
        return str(refused)
    budget = item.config.stash.get(_BUDGETED, None)
    if budget is None or not _stopped_by_budget(call.excinfo.value):
        return None
    frames = _learner_frames(traceback.extract_tb(call.excinfo.tb))
    if frames:
        return f"your code ran for more than {budget:g} s: is the loop's stop condition ever true?\n  stopped at {frames[-1]}"
    return (f"this test ran for more than {budget:g} s (the time budget of each public test) and was stopped "
            f"while the test's own code ran, not yours: a busy machine? {BUDGET_ENV}=60 allows more")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    points = item.get_closest_marker("points")
    if points is not None and ("points", points.args[0]) not in report.user_properties:
        report.user_properties.append(("points", points.args[0]))
        keys = [e.key for e in EXERCISES if item.get_closest_marker(e.key)]
        report.user_properties.append(("exercise", keys[0] if keys else ""))
    stopped = _budget_feedback(item, call)
    if call.excinfo is None or report.passed:
        return
    error = call.excinfo.value
    learner_error = _learner_error(error)
    if stopped is not None:
        report.longrepr, status = stopped, Status.TIMEOUT
    elif isinstance(error, (NotStarted, MissingFunction)):
        report.longrepr, status = str(error), Status.NOT_STARTED
    elif isinstance(error, Mismatch):
        report.longrepr, status = str(error), Status.WRONG
        report.user_properties.append(("brief", error.brief()))
    elif learner_error is not None:  # from a sandboxed learner: its feedback is written already
        report.longrepr = str(learner_error.decodelab_feedback)
        status = Status(getattr(learner_error, "decodelab_status", Status.RAISED))
    else:
        frames = _learner_frames(traceback.extract_tb(call.excinfo.tb))
        if not frames:
            return  # the test's own failure: the recorder calls it failed (or error, in set-up)
        report.longrepr = f"your code raised {type(error).__name__}: {error}\n  " + "\n  ".join(frames[-3:])
        status = Status.RAISED
    report.user_properties.append(("status", status))


def _learner_error(error: BaseException | None) -> BaseException | None:
    """The learner's failure that ``error`` is, or was raised from, or groups (hypothesis): one
    that carries ``decodelab_feedback`` (:mod:`grading.sandbox.grader_side` writes it)."""
    seen = 0
    while error is not None and seen < 10:
        if getattr(error, "decodelab_feedback", None):
            return error
        for inner in getattr(error, "exceptions", None) or ():
            found = _learner_error(inner)
            if found is not None:
                return found
        error = error.__cause__ or error.__context__
        seen += 1
    return None
