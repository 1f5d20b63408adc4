"""``decodelab check [EXERCISE] [--watch]``: the learner's progress against the public tests.

Runs the public suites (``grading/public``) against the learner's ``exercises/`` (or
``--target``) through :func:`grading.harness.runner.run_suites`, and shows, in course order, which
exercises are done, the first one that fails (or, when none does, the next to write) with its
message and a hint, and a progress line.

Two shortcuts keep it quick, neither of which changes a verdict:

- an exercise whose function is still the untouched stub (its body only raises
  ``NotImplementedError``, read from the source without running it) is "not started" without
  running its tests;
- a verdict is remembered under a digest of everything it depends on (the learner's module,
  the public tests, the grading code, the reference module, the backend, the time budget), so an
  exercise whose files did not change since the last check is not run again. The demos read the
  same record.

Every public test runs under a time budget (``$DECODELAB_CHECK_SECONDS``, default 20 s; 0 for
none), kept by pytest-timeout in :mod:`grading.harness.plugin`: an endless loop in a learner's function
fails its exercise with a message naming the function, instead of hanging the check.

With ``--room LINK`` (or ``$DECODELAB_ROOM``) each check also tells a workshop's room
(:mod:`decodelab.room`) the exercises' states and the names of failing tests; the room being
down costs one line, never the check's verdict or exit status.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import json
import os
import re
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from decodelab.cli import find_exercise
from decodelab.errors import UserError
from grading.harness.catalogue import EXERCISES, Exercise
from grading.harness.not_started import cannot_run
from grading.harness.output import keep_end
from grading.harness.status import Status
from grading.harness.submission import is_untouched_stub  # the one "not started" rule, shared with the grader
from reference.cache import cache_root

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = ROOT / "grading" / "public"
DONE, FAILING, NOT_STARTED, BROKEN, SKIPPED, NO_TESTS = (
    "done", "failing", "not started", "broken", "skipped", "no public tests",
)
_CACHE_VERSION = 1
# Seconds each public test may run; grading.harness.plugin reads the same variable in the test run.
BUDGET_ENV = "DECODELAB_CHECK_SECONDS"
DEFAULT_BUDGET = 20.0
# Statuses of a test that neither passed nor is waiting to be written: timeout, crashed... too.
_NOT_FAILED = {Status.PASSED, Status.SKIPPED, Status.NOT_STARTED}

SuiteRunner = Callable[..., "object"]
"""``run_suites``-shaped: ``(target, suites=, exercises=, backends=) -> SuiteRun``."""


@dataclass
class TestLine:
    """One public test's outcome, as ``check`` shows it."""

    name: str
    status: str
    message: str


@dataclass
class ExerciseStatus:
    """Where one exercise stands against its public tests."""

    key: str
    state: str
    tests: list[TestLine] = field(default_factory=list)
    message: str = ""
    from_cache: bool = False

    @property
    def exercise(self) -> Exercise:
        return lookup(self.key)

    @property
    def done(self) -> bool:
        return self.state == DONE


def lookup(name: str) -> Exercise:
    """The exercise with this key or function name; :class:`UserError` with the closest names.

    The command line's one lookup (:func:`decodelab.cli.find_exercise`), for callers that do not
    come through the command line (``public_status(keys=...)``, :mod:`decodelab.commands.hint`).
    """
    return find_exercise(name)


# ---------------------------------------------------------------------------------------------
# Reading the learner's files without running them
# ---------------------------------------------------------------------------------------------

def _base_of(target: str) -> str:
    """Where a target's files are: 'solutions+pkg.mod:func__mistake' reads the base's files, and
    'isolated:' or 'trusted:' say how it runs, not where it is."""
    from grading.harness.target import ISOLATED_PREFIX, TRUSTED_PREFIX

    return target.partition("+")[0].removeprefix(TRUSTED_PREFIX).removeprefix(ISOLATED_PREFIX)


def target_folder(target: str) -> Path:
    """The folder holding the target's exercise modules (a ``.zip`` is unpacked once)."""
    from grading.harness.target import PACKAGES, TargetError, unpack_submission

    base = _base_of(target)
    if base in PACKAGES:
        return ROOT / base
    path = Path(base)
    if not path.exists():
        raise TargetError(
            f"unknown target '{target}': use 'exercises', 'solutions', or the path of a folder or .zip"
        )
    if path.is_dir():
        return path
    key = (str(path.resolve()), path.stat().st_mtime)
    if key not in _UNPACKED:  # a .zip is unpacked once per version, not at every look
        _UNPACKED[key] = unpack_submission(path)
    return _UNPACKED[key]


_UNPACKED: dict[tuple[str, float], Path] = {}


def module_file(folder: Path, module: str) -> Path | None:
    """The target's file for ``module``, found as the grader finds it
    (:func:`grading.harness.target.find_module_file`: ``folder/exercises/m.py`` first, then ``folder/m.py``)."""
    from grading.harness.target import find_module_file

    return find_module_file(folder, module)


def shown_file(folder: Path, exercise: Exercise, target: str = "exercises") -> str:
    """The file of ``exercise`` a learner edits, as the report names it: the one the grader reads
    in ``folder`` (``exercises/m.py`` in the project; a copy's own file for ``--target``), relative
    to the project or the current folder where it lies below them. For a ``.zip`` target, its
    member (``carol.zip: nucleus.py``): the unpacked copy is scratch, where edits would be lost."""
    path = (module_file(folder, exercise.module) or folder / f"{exercise.module}.py").absolute()
    upload = Path(_base_of(target))
    if upload.is_file():
        return f"{upload}: {path.relative_to(folder.absolute())}"
    for base in (ROOT, Path.cwd()):
        if path.is_relative_to(base.absolute()):
            return str(path.relative_to(base.absolute()))
    return str(path)


def docstring_summary(source: str, function: str) -> str:
    """The first line of ``function``'s docstring in ``source`` ('' when there is none)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            doc = ast.get_docstring(node) or ""
            return doc.strip().splitlines()[0] if doc.strip() else ""
    return ""


def exercise_summary(folder: Path, exercise: Exercise) -> str:
    """The first docstring line of ``exercise``'s function in ``folder``'s module ('' without one)."""
    path = module_file(folder, exercise.module)
    return docstring_summary(path.read_text(encoding="utf-8", errors="replace"), exercise.function) if path else ""


# ---------------------------------------------------------------------------------------------
# Verdicts, remembered by digest
# ---------------------------------------------------------------------------------------------

def check_budget() -> float:
    """Seconds each public test may run: ``$DECODELAB_CHECK_SECONDS``, else 20 (0: no budget).

    A bounded check always answers: an endless loop costs one budget, not the whole run.
    """
    raw = os.environ.get(BUDGET_ENV, "").strip()
    if not raw:
        return DEFAULT_BUDGET
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not (0 <= seconds < float("inf")):
        raise UserError(f"{BUDGET_ENV} must be a number of seconds (0 for no time budget), not {raw!r}")
    return seconds


@contextlib.contextmanager
def _budget_for_the_run(seconds: float) -> Iterator[None]:
    """``$DECODELAB_CHECK_SECONDS`` set for the test run (a child or a fork inherits it), then as before."""
    before = os.environ.get(BUDGET_ENV)
    os.environ[BUDGET_ENV] = f"{seconds:g}"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(BUDGET_ENV, None)
        else:
            os.environ[BUDGET_ENV] = before


def _digest(exercise: Exercise, source: bytes, target: str, backend: str, budget: float) -> str:
    # The budget is part of it: a verdict of "ran out of time" holds for that budget only.
    hasher = hashlib.sha256(f"{_CACHE_VERSION}|{exercise.key}|{target}|{backend}|{budget:g}|".encode())
    hasher.update(source)
    depends_on = sorted(PUBLIC.glob("*.py")) + [
        ROOT / "grading" / "harness" / name for name in ("plugin.py", "compare.py", "target.py", "results.py", "catalogue.py")
    ] + [ROOT / "reference" / f"{exercise.module}.py"]
    for path in depends_on:
        if path.is_file():
            hasher.update(path.name.encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


def _cache_file() -> Path:
    return cache_root() / "public-status.json"


def _read_cache() -> dict[str, dict]:
    try:
        return json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_cache(entries: dict[str, dict]) -> None:
    path = _cache_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        known = _read_cache()
        known.update(entries)
        if len(known) > 500:  # old digests of files long since edited
            known = dict(list(known.items())[-500:])
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as handle:
            json.dump(known, handle, ensure_ascii=False)
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only home only costs a re-run next time


def _verdict(key: str, tests: list[TestLine]) -> ExerciseStatus:
    if not tests:
        return ExerciseStatus(key, NO_TESTS, message="this exercise has no public tests yet")
    statuses = {test.status for test in tests}
    first = lambda wanted: next(t for t in tests if t.status in wanted)  # noqa: E731
    failed = statuses - _NOT_FAILED  # wrong, raised, error, failed, timeout (the budget), crashed...
    if failed:
        return ExerciseStatus(key, FAILING, tests, first(failed).message)
    if "not_started" in statuses:
        message = first({"not_started"}).message
        # A module that fails to import is not a stub waiting to be written, and neither is code
        # the grader could not start a process for: show it as broken, with the reason.
        state = BROKEN if cannot_run(message) or "could not start" in message else NOT_STARTED
        return ExerciseStatus(key, state, tests, message)
    if statuses == {"skipped"}:
        return ExerciseStatus(key, SKIPPED, tests, first({"skipped"}).message)
    return ExerciseStatus(key, DONE, tests)


def _run_public(runner: SuiteRunner, target: str, keys: list[str], backend: str
                ) -> tuple[dict[str, list[TestLine]], set[str]]:
    """The public tests of ``keys`` in one run; per key its test lines, and the keys whose tests
    crashed the test process (then that key's one line says how and where).

    A learner's code can end the process itself (a segfault in native code, ``os.abort``,
    ``os._exit``, the kernel killing it for memory): nothing is recorded then. The keys are run
    again one by one, so the others still get their verdicts and the one that crashes is named.
    """
    run = runner(target, suites=("public",), exercises=keys, backends=backend)
    grouped: dict[str, list[TestLine]] = {key: [] for key in keys}
    for test in run.tests:
        if test.exercise in grouped:
            grouped[test.exercise].append(TestLine(test.name, test.status, test.message))
    ended_early = run.returncode not in (0, 1, 2, 3, 4, 5) or (run.returncode in (0, 1) and not run.tests)
    if not ended_early:
        if run.returncode not in (0, 1, 5):
            # 2-4: pytest was interrupted or could not collect; the records of tests that never
            # ran would read as passed, so none of them is trusted.
            raise UserError(f"the public tests could not run (pytest exit {run.returncode}):\n" + keep_end(run.log))
        return grouped, set()
    if len(keys) > 1:
        crashed: set[str] = set()
        for key in keys:
            alone, crashed_alone = _run_public(runner, target, [key], backend)
            grouped[key] = alone[key]
            crashed |= crashed_alone
        return grouped, crashed
    key = keys[0]
    return {key: [TestLine(_crashed_test(run.log) or "(the test process)", "crashed",
                           crash_message(key, run.returncode, run.log))]}, {key}


def _crashed_test(log: str) -> str | None:
    """The public test that was running when the process died, from faulthandler's dump."""
    found = re.search(r'File "[^"]*grading[/\\]public[/\\]test_\w+\.py", line \d+ in (test_\w+)', log)
    return found.group(1) if found else None


def crash_message(key: str, returncode: int, log: str) -> str:
    """What a learner reads when their function ended the test process: how, where, and what to try."""
    exercise = lookup(key)
    try:
        how = f"it was killed by {signal.Signals(-returncode).name}" if returncode < 0 else f"it exited with code {returncode}"
    except ValueError:
        how = f"it ended with status {returncode}"
    if returncode == -signal.SIGKILL:
        how += " (often: the machine ran out of memory)"
    where = re.search(rf'File "([^"]*{re.escape(exercise.module)}\.py)", line (\d+) in (\w+)', log)
    at = f"; the last line of yours that ran: {Path(where.group(1)).name} line {where.group(2)}, in {where.group(3)}()" if where else ""
    return (f"{exercise.function}() ended the test process itself, so its tests could not finish: {how}{at}.\n"
            f"hint: look for os._exit, os.abort or sys.exit in {exercise.path}, a huge tensor (check the shapes "
            "you create), or endless recursion; run the call in a Python shell to see it fail")


def public_status(
    target: str = "exercises",
    keys: Sequence[str] | None = None,
    backend: str = "tiny",
    runner: SuiteRunner | None = None,
    use_cache: bool = True,
    announce: Callable[[list[str]], None] | None = None,
) -> dict[str, ExerciseStatus]:
    """Where each exercise of ``target`` stands against its public tests, in course order.

    ``keys`` limits it to some exercises. Untouched stubs and unchanged files skip the run
    (see the module docstring); the others run in ONE call of ``runner`` (default
    :func:`grading.harness.runner.run_suites`), after ``announce`` is told their keys. Raises
    :class:`UserError` when the run itself broke.
    """
    exercises = [lookup(key) for key in keys] if keys else list(EXERCISES)
    budget = check_budget()
    folder = target_folder(target)
    overridden = "+" in target  # 'BASE+module:function': the function is not the one in BASE's file
    use_cache = use_cache and not overridden
    cache = _read_cache() if use_cache else {}
    statuses: dict[str, ExerciseStatus] = {}
    to_run: dict[str, str] = {}  # key -> digest
    for exercise in exercises:
        path = module_file(folder, exercise.module)
        if path is None:
            statuses[exercise.key] = ExerciseStatus(
                exercise.key, NOT_STARTED, message=f"not started: there is no {exercise.module}.py in {folder}"
            )
            continue
        source = path.read_bytes()
        if not overridden and is_untouched_stub(source.decode("utf-8", "replace"), exercise.function):
            statuses[exercise.key] = ExerciseStatus(
                exercise.key, NOT_STARTED,
                message=f"not started: {exercise.function}() in {shown_file(folder, exercise, target)} still raises NotImplementedError",
            )
            continue
        digest = _digest(exercise, source, target, backend, budget)
        if digest in cache:
            remembered = cache[digest]
            tests = [TestLine(**test) for test in remembered["tests"]]
            statuses[exercise.key] = ExerciseStatus(
                exercise.key, remembered["state"], tests, remembered["message"], from_cache=True
            )
        else:
            to_run[exercise.key] = digest
    if to_run:
        if announce is not None:
            announce(list(to_run))
        if runner is None:
            from grading.harness.runner import run_suites as runner
        with _budget_for_the_run(budget):
            grouped, crashed = _run_public(runner, target, list(to_run), backend)
        fresh = {}
        for key, digest in to_run.items():
            if key in crashed:
                statuses[key] = ExerciseStatus(key, FAILING, grouped[key], grouped[key][0].message)
                continue  # not remembered: running out of memory, say, may not happen next time
            statuses[key] = _verdict(key, grouped[key])
            # Not remembered: no tests, and learner code that could not even be started (a
            # machine problem that may pass, not a verdict on the code).
            if statuses[key].state != NO_TESTS and "could not start" not in statuses[key].message:
                fresh[digest] = {"state": statuses[key].state, "message": statuses[key].message,
                                 "tests": [asdict(test) for test in grouped[key]]}
        if use_cache and fresh:
            _write_cache(fresh)
    return {exercise.key: statuses[exercise.key] for exercise in exercises}


# ---------------------------------------------------------------------------------------------
# What the learner sees
# ---------------------------------------------------------------------------------------------

_MARKS = {DONE: "done", FAILING: "FAILING", NOT_STARTED: "-", BROKEN: "BROKEN", SKIPPED: "skipped",
          NO_TESTS: "no tests"}


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.strip().splitlines())


def _one_line(test: TestLine) -> str:
    """A failing test in one line: its name and what went wrong (the line after the call)."""
    lines = [line.strip() for line in test.message.strip().splitlines() if line.strip()]
    problem = next((line for line in lines[1:] if not line.startswith("hint:")), lines[0] if lines else test.status)
    return f"{test.name}: {problem[:160]}"


def render(statuses: dict[str, ExerciseStatus], target: str, detailed: bool = False, all_in_full: bool = False) -> str:
    """The report: one line per exercise, then what to do next, then the progress line.

    For the first exercise that fails (or whose file cannot be imported) the first failing test's
    message in full, then every other failing test in one line (``all_in_full``: each in full):
    code written and wrong comes before the next exercise not started. Without one, what to
    write next."""
    folder = target_folder(target)
    lines = []
    width = max(len(key) for key in statuses)
    function_width = max(len(status.exercise.function) for status in statuses.values()) + 2
    for status in statuses.values():
        exercise = status.exercise
        number = EXERCISES.index(exercise) + 1
        state = _MARKS[status.state] if status.state != NOT_STARTED else "not started"
        lines.append(f"  {number:2}. {exercise.key:{width}}  {state:11}  {exercise.function + '()':{function_width}}  "
                     f"{shown_file(folder, exercise, target)}")
        if detailed:
            for test in status.tests:
                shown = "not run" if status.state == BROKEN and test.status == "not_started" else test.status
                lines.append(f"        {'ok  ' if shown == 'passed' else shown.replace('_', ' '):12} {test.name}")
    first = next((s for s in statuses.values() if s.state in (FAILING, BROKEN)), None) or next(
        (s for s in statuses.values() if s.state not in (DONE, NO_TESTS)), None)
    if first is not None:
        exercise = first.exercise
        lines.append("")
        summary = exercise_summary(folder, exercise)
        if first.state == NOT_STARTED:
            lines.append(f"next: {exercise.key} — write {exercise.function}() in {shown_file(folder, exercise, target)}")
            if summary:
                lines.append(f"  {summary}")
            if first.message and "NotImplementedError" not in first.message:
                lines.append(_indent(first.message))  # why it counts as not started: a file or function missing
        elif first.state == SKIPPED:
            lines.append(f"{exercise.key}: its public tests were skipped:")
            lines.append(_indent(first.message))
        elif first.state == BROKEN:
            # One message for the file, where the error is: not one per test, not under one exercise.
            stuck = [s.exercise.key for s in statuses.values() if s.state == BROKEN and s.exercise.module == exercise.module]
            why = first.message.split(" — ", 1)[-1]
            lines.append(f"{shown_file(folder, exercise, target)} cannot be imported, so {' and '.join(stuck)} cannot run:")
            lines.append(_indent(why.removeprefix(f"{exercise.path} fails to import: ")))
        else:
            failed = [t for t in first.tests if t.status not in ("passed", "skipped")]
            where = f"{len(failed)} of {len(first.tests)} public tests fail" if failed else "it fails"
            lines.append(f"{exercise.key} ({exercise.function}() in {shown_file(folder, exercise, target)}): {where}; the first:")
            if failed:
                lines.append(f"  {failed[0].name}")
            lines.append(_indent(first.message))
            others = failed[1:]
            if others:
                lines.append("  the other failing tests:" if all_in_full else "  also failing (--all shows each in full):")
                for test in others:
                    if all_in_full:
                        lines += [f"  {test.name}", _indent(test.message)]
                    else:
                        lines.append(f"    {_one_line(test)}")
        if "hint:" not in first.message and first.state != BROKEN:  # a file that does not import needs no hint on the exercise
            lines.append(f"  hint: {exercise.hints[0]}")
        lines.append(f"  more hints: decodelab hint {exercise.key}")
    done = sum(status.done for status in statuses.values())
    lines.append("")
    lines.append(f"{done}/{len(statuses)} done")
    return "\n".join(lines)


def title(target: str, took: float, remembered: int = 0) -> str:
    """The report's first line: whose code, against what, how long the check took, and how many
    verdicts were remembered from an earlier check of the same files (not run again)."""
    label = f"{target}/" if target in ("exercises", "solutions") else target
    reused = (f"; {remembered} verdict{'s' if remembered != 1 else ''} remembered from an earlier check of the "
              f"same code, --no-cache runs {'them' if remembered != 1 else 'it'} again") if remembered else ""
    return f"decodelab check: {label} against the public tests ({took:.1f} s{reused})"


def announce_run(keys: list[str]) -> None:
    """The line a learner sees while the tests run (seconds when a test loads the model): which exercises."""
    print(f"running the public tests of {', '.join(keys)}...", file=sys.stderr, flush=True)


def check_once(arguments: argparse.Namespace, runner: SuiteRunner | None = None) -> int:
    """One check: print the report, return 0 when every selected exercise is done, else 1."""
    keys = [lookup(name).key for name in arguments.exercises] if arguments.exercises else None
    started = time.perf_counter()
    statuses = public_status(arguments.target, keys, arguments.backend, runner=runner,
                             use_cache=not arguments.no_cache, announce=announce_run)
    took = time.perf_counter() - started
    print(title(arguments.target, took, sum(status.from_cache for status in statuses.values())))
    print(render(statuses, arguments.target, detailed=bool(keys), all_in_full=getattr(arguments, "all", False)))
    room = getattr(arguments, "room_link", None)
    if room is not None:
        from decodelab.room.report import report_to_room

        print(report_to_room(room, statuses), flush=True)  # states and test names only; never the exit status
    return 0 if all(status.done for status in statuses.values()) else 1


def _watched_files(target: str) -> dict[Path, float]:
    """Each exercise module the target has now, with its modification time."""
    folder = target_folder(target)
    files = {}
    for module in {exercise.module for exercise in EXERCISES}:
        path = module_file(folder, module)
        if path is not None:
            try:
                files[path] = path.stat().st_mtime
            except OSError:
                pass
    return files


def _watched_paths(target: str) -> tuple[list[Path], set[str]]:
    """The folders to watch for ``target`` and the file names that count as a save there.

    A folder: itself and its ``exercises/`` (the two places :func:`module_file` looks), for
    the exercise modules. A ``.zip``: its folder, for the zip itself.
    """
    base = Path(target.partition("+")[0])
    if base.suffix == ".zip" and base.is_file():
        return [base.resolve().parent], {base.name}
    folder = target_folder(target)
    folders = [folder] + ([folder / "exercises"] if (folder / "exercises").is_dir() else [])
    return folders, {f"{exercise.module}.py" for exercise in EXERCISES}


def wait_for_a_save(target: str, seen: dict[Path, float]) -> None:
    """Return once an exercise file of ``target`` is saved (written, replaced, created or removed).

    The operating system reports the change (``watchfiles``); an editor that saves by writing a
    new file and renaming it over the old one counts too. A save made while the last check was
    running is caught by comparing modification times with ``seen``, taken before that check.
    """
    from watchfiles import watch as file_changes

    if _watched_files(target) != seen:
        return
    folders, names = _watched_paths(target)
    for changes in file_changes(*folders, watch_filter=lambda _change, path: Path(path).name in names,
                                recursive=False, rust_timeout=1000, yield_on_timeout=True, raise_interrupt=True):
        if changes or _watched_files(target) != seen:
            return


def watch(arguments: argparse.Namespace, rounds: int | None = None) -> int:
    """Check, then check again each time an exercise file is saved, until Ctrl-C."""
    from decodelab.watch import WarmRunner

    runner = WarmRunner()
    code = 0
    done_rounds = 0
    try:
        while True:
            seen = _watched_files(arguments.target)
            try:
                code = check_once(arguments, runner=runner.run)
            except UserError as error:
                print(f"decodelab check: {error}", file=sys.stderr)
                code = 2
            done_rounds += 1
            if rounds is not None and done_rounds >= rounds:
                return code
            print("\nwatching for saved changes (Ctrl-C to stop)...", flush=True)
            wait_for_a_save(arguments.target, seen)
            print("\n" + "=" * 72)
    except KeyboardInterrupt:
        print()
        return code


def run(arguments: argparse.Namespace) -> int:
    from decodelab.room.report import NAME_ENV, ReportError, check_name, learner_name, room_link_from

    arguments.room_link = room_link_from(arguments.room)  # a bad link or name: refused before anything runs
    if arguments.name is not None:
        if arguments.room_link is not None and arguments.name.strip():
            try:
                check_name(arguments.name, "--name")  # said of the option, not of the variable it goes on in
            except ReportError as error:
                raise UserError(str(error)) from None
        os.environ[NAME_ENV] = arguments.name
    if arguments.room_link is not None:
        learner_name()
    if arguments.watch:
        return watch(arguments)
    return check_once(arguments)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="run the public tests on your exercises and show what to do next",
        description="Run the public tests against your exercises/ and show, in course order, which "
        "exercises pass, the first one that fails (with its message and a hint) or else the next to write, and "
        "your progress.",
    )
    parser.add_argument("exercises", nargs="*", metavar="EXERCISE",
                        help="only these exercises (keys from `decodelab list`, or function names)")
    parser.add_argument("--watch", action="store_true", help="check again every time a file in exercises/ is saved")
    parser.add_argument("--target", default="exercises",
                        help="whose code: exercises (default), solutions, or a folder or .zip with your modules")
    parser.add_argument("--backend", default="tiny", help="model for the tests that need one (default tiny)")
    parser.add_argument("--no-cache", action="store_true", help="run every test again, even for unchanged files")
    parser.add_argument("--all", action="store_true", help="show every failing test's message in full")
    parser.add_argument("--room", default=None, metavar="LINK",
                        help="also tell your workshop's room which exercises pass (the link your instructor gives; "
                        "default $DECODELAB_ROOM): exercise keys, states and failing test names, never code")
    parser.add_argument("--name", default=None,
                        help="your name in the room (default $DECODELAB_NAME, else user@host)")
    parser.set_defaults(func=run)

