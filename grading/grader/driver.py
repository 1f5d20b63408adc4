"""Grade submissions: safely (see :mod:`grading.sandbox.grader_side`) and fast.

Processes, for ``--workers N``::

    driver (decodelab grade: arguments, progress bar, writes DIR)
     └─ N judge servers  (python -m grading.grader.driver serve)      torch, pytest, the hidden suites
         │                                                    and the backend, loaded once
         ├─ learner worker (python -m grading.sandbox.learner_side, inside   torch, transformers and its own
         │  bubblewrap; without it, forked before the suites    copy of the backend, loaded once
         │  are imported)
         │   └─ per submission: a forked process running ONLY the learner's code, confined
         └─ per submission: a forked judge running pytest on the hidden suites, whose
            ``learner`` calls go to that process

A judge server imports and collects the suites once (the collection is also the *plan*: every
test and its points, so that a submission whose grading breaks still gets a results.json with
every test in it); grading a submission then costs two forks, a pytest session over already
imported modules, and the calls themselves.

Each ``results.json`` also gets ``extra_data.judge_peak_rss_mb``: the forked judge's peak resident
memory in MB (2^20 bytes, one decimal), from ``os.wait4``'s ``ru_maxrss`` when the judge server
reaps it. A forked child's peak starts from what it shares with the judge server at the fork,
so this is the judge's whole resident peak for that submission; null when no judge was forked
(an unreadable submission) or the judge server itself failed.

:func:`grade_class` is the entry point for ``decodelab grade``, :func:`grade_submission` for
one submission (the Gradescope bundle, and later exporters and benchmarks).
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

from grading.grader import reports
from grading.sandbox.limits import Limits, cap_address_space
from grading.harness.output import encodable, file_end, keep_end, keep_start
from grading.harness.processes import fork_child, start_command, stop, undumpable, wait_or_kill
from grading.harness.scratch import prefix as scratch_prefix
from grading.harness.scratch import sweep as sweep_stale_folders
from grading.harness.catalogue import EXERCISES
from grading.harness.submission import class_names, entry_name, expand, printable, read_submission, submission_name
from grading.harness.target import TargetError
from reference.backend_names import AUTO, requested_backend

GRADING = Path(__file__).resolve().parents[1]
PROJECT_ROOT = GRADING.parent
SANDBOX_FAULT = 3  # the judge's exit status when the sandbox failed the submission (grade it again)


@dataclass
class GradeOptions:
    """How to grade: the same switches as everywhere (``backend``, ``capture``) plus limits."""

    backend: str | None = None          # None: $DECODELAB_BACKEND, else auto
    capture: str | None = None          # a Mistral capture file for the capture tests
    sandbox: str | None = None          # auto | bwrap | none ($DECODELAB_SANDBOX)
    limits: Limits = field(default_factory=Limits.from_env)
    exercises: tuple[str, ...] = ()     # only these exercise keys (default: all)
    judge_slack: float = 180.0          # extra seconds a judge may take beyond the learner's budget
    prime: bool | None = None           # compute expected values once per worker (None: when
                                        # a worker grades more than one submission)
    prime_from_peer: bool = False       # instead of priming, take the values the run's priming
                                        # worker writes to its file, once written (where no
                                        # file can be kept, prime as usual)

    def as_json(self) -> str:
        data = asdict(self)
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> "GradeOptions":
        data = json.loads(text)
        data["limits"] = Limits(**data.get("limits", {}))
        data["exercises"] = tuple(data.get("exercises", ()))
        return cls(**data)


class GraderError(RuntimeError):
    """The grader cannot start (a bad backend, no sandbox when one was required...)."""


def available_suites() -> list[str]:
    """``hidden`` when the hidden suites are installed, else ``public`` (then it is no grade)."""
    hidden = GRADING / "hidden"
    if any(hidden.glob("test_*.py")):
        return ["hidden"]
    return ["public"]


# ---------------------------------------------------------------------------------------------
# The judge server (one per worker)


def grade_plugin(set_aside: dict[str, str] | None = None) -> Any:
    """pytest plugin of a grading session: a failure's feedback never shows a test's code, and
    the tests in ``set_aside`` (node id -> why: their exercise is not started, see
    :meth:`Judge.set_aside`) are not run, for :meth:`Judge._fill` to record as not started."""
    import pytest

    set_aside = set_aside or {}

    from grading.harness.status import LEARNERS_FAULT

    def crash_line(longrepr: Any) -> str:
        crash = getattr(longrepr, "reprcrash", None)
        if crash is not None and getattr(crash, "message", None):
            return str(crash.message)
        text = str(longrepr or "").strip().splitlines()
        return next((line[2:].strip() for line in reversed(text) if line.startswith("E ")), text[-1] if text else "")

    class GradePlugin:
        @pytest.hookimpl(trylast=True)
        def pytest_collection_modifyitems(self, config: Any, items: list) -> None:
            # Run, a not-started exercise's tests cost 2-3 ms each (0.3 s for a submission
            # of stubs); set aside, nothing.
            kept = [item for item in items if item.nodeid not in set_aside]
            dropped = [item for item in items if item.nodeid in set_aside]
            if dropped:
                config.hook.pytest_deselected(items=dropped)
                items[:] = kept

        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_logreport(self, report: Any) -> None:
            if not report.failed:
                return
            status = dict(report.user_properties).get("status")
            if status in LEARNERS_FAULT and isinstance(report.longrepr, str):
                return
            line = keep_start(crash_line(report.longrepr))
            if report.when == "call":
                report.longrepr = f"the test failed: {line}"
            else:
                report.longrepr = f"the test could not run ({report.when}): {line}"

    return GradePlugin()


class Judge:
    """The state of one judge server: the backend, the learner worker, the plan."""

    def __init__(self, options: GradeOptions):
        self.options = options
        self.limits = options.limits
        self.backend_name = ""
        self.ready: dict = {}
        self.plan: list[dict] = []
        self.suites = available_suites()
        self.learner = None
        self.backend: Any = None
        self.awaited_memory: Path | None = None  # the file a peer is priming (prime_from_peer)

    def warm_up(self) -> dict:
        for key in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ.setdefault(key, "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        import torch

        torch.set_num_threads(1)
        from grading.sandbox.grader_side import LearnerServer
        from reference.backends import load_backend, resolve_backend

        self.backend_name, reason = resolve_backend(self.options.backend)
        learner = LearnerServer([self.backend_name], sandbox=self.options.sandbox, limits=self.limits)
        plan = learner.plan
        if plan.kind == "bwrap":
            learner.start()  # loads in parallel with us
        backend = load_backend(self.backend_name)
        if plan.kind != "bwrap":
            # Fork the worker now: it shares torch and the model with us, and has not seen the
            # hidden suites or the reference, which are imported only after this point.
            learner.start_forked({self.backend_name: backend})
        self.learner = learner
        self.backend = backend  # handed to every pytest session (grade_plugin), never loaded again
        # Hypothesis imported here, not first inside a pytest session: there pytest's assertion
        # rewriting recompiles every module of a package that ships a pytest plugin from source
        # (76 of hypothesis'; no .pyc is written or read for them, as the judge writes no
        # bytecode): about 0.7 CPU-s of each worker's start-up. Its own asserts need no rewritten
        # messages.
        from grading.harness.plugin import deterministic_hypothesis

        deterministic_hypothesis()
        self.plan = self._collect()
        priming = self._prime(backend)
        worker = learner.wait_ready()
        # Everything loaded so far lives as long as this server: keep the collector from
        # walking it again in every judge (pytest and hypothesis call gc.collect() per session).
        gc.collect()
        gc.freeze()
        self.ready = {
            "ready": True, "backend": self.backend_name, "backend_reason": reason, "model_id": backend.model_id,
            "sandbox": learner.description, "suites": self.suites, "tests": len(self.plan), "plan": self.plan,
            "worker_rss": worker.get("rss"), "judge_rss": _rss(), "priming": priming,
        }
        return self.ready

    def _given(self, sessions: dict | None = None) -> Any:
        """What each of this server's pytest sessions is handed: the backend loaded once, and
        for a submission's judge, the session of its sandboxed process."""
        from grading.harness.plugin import Given

        return Given(backends={self.backend_name: self.backend}, sessions=sessions or {})

    def pytest_args(self, target: str, results_file: Path, files_of: Sequence[str] | None = None) -> list[str]:
        from grading.harness.runner import pytest_command

        # --tb=native: pytest's own traceback format parses each test file's source for every
        # failure (a second per ten failures); the feedback never shows a traceback anyway.
        # no:logging: the judge reads no log record (the learner's code logs in its own process),
        # and the plugin's handlers are set up and torn down around every test phase.
        # no:anyio, no:xdist: no hidden test is async or spreads itself over workers, and loading
        # either plugin has pytest rewrite and compile its package (above) for nothing.
        extra = ["-p", "no:warnings", "-W", "ignore", "--tb=native", "-p", "no:randomly", "-p", "no:logging",
                 "-p", "no:anyio", "-p", "no:xdist"]
        if self.options.capture:
            extra += ["--mistral-capture", str(self.options.capture)]
        command = pytest_command(target, self.suites, self.options.exercises, self.backend_name, results_file, extra,
                                 files_of=files_of)
        return command[3:]  # without "python -m pytest"

    def _collect(self) -> list[dict]:
        import pytest

        with tempfile.TemporaryDirectory(prefix=scratch_prefix("plan")) as scratch:
            results = Path(scratch) / "plan.json"
            args = self.pytest_args(f"isolated:{scratch}", results) + ["--collect-only"]
            code = pytest.main(args, plugins=[grade_plugin(), self._given()])
            if not results.exists():
                raise GraderError(f"collecting the suites failed (pytest exit code {int(code)})")
            return json.loads(results.read_text())

    def _prime(self, backend: Any) -> dict:
        """Fill the memory of expected values (:mod:`grading.grader.expected`) before the judges are
        forked: from the file an earlier judge server with the same set-up wrote, else (when
        ``options.prime``) by running the suites once on ``solutions`` in this process, and
        then writing that file. Returns ``requested``, how many ``expected_values`` are
        remembered, ``from_disk``, and the ``error`` that made priming fall short (solutions/
        not installed, a suite failing on it, a crash) or None."""
        from grading.grader import expected
        memory_file = self._memory_file(backend)
        if memory_file is not None and expected.load(memory_file):
            return {"requested": bool(self.options.prime or self.options.prime_from_peer),
                    "expected_values": expected.remembered_calls(), "from_disk": True, "error": None}
        if self.options.prime_from_peer and memory_file is not None:
            self.awaited_memory = memory_file  # read before a later submission (_take_peer_priming)
            return {"requested": True, "expected_values": 0, "from_disk": False, "from_peer": True, "error": None}
        if not self.options.prime:
            return {"requested": False, "expected_values": 0, "from_disk": False, "error": None}
        problem = self._run_suites_on_solutions()
        if memory_file is not None and problem is None:
            try:
                expected.save(memory_file)
            except Exception as error:  # an unwritable cache only costs the next run the priming
                print(f"the expected values could not be kept in {memory_file} ({type(error).__name__}: {error})",
                      file=sys.stderr)
        return {"requested": True, "expected_values": expected.remembered_calls(), "from_disk": False, "error": problem}

    def _memory_file(self, backend: Any) -> Path | None:
        """Where the expected values of this set-up are kept; None where they are not. Only
        with the bubblewrap sandbox: without it, a learner's code runs as this user and could
        write the file that decides what the next run expects. Not with a capture file, whose
        numbers the key does not cover."""
        if self.learner is None or self.learner.plan.kind != "bwrap" or self.options.capture:
            return None
        from grading.grader.expected import disk_key
        from reference.cache import cache_root

        key = disk_key(self.backend_name, backend, self.suites, self.options.exercises)
        return None if key is None else cache_root() / "expected" / f"{key}.pt"

    def _run_suites_on_solutions(self) -> str | None:
        """Run the suites once on ``solutions`` in this process, so that every expected value a
        submission's tests need is computed; what fell short, or None."""
        import importlib.util

        import pytest

        if importlib.util.find_spec("solutions") is None:
            return "solutions/ is not installed here"
        problem = None
        try:
            with tempfile.TemporaryDirectory(prefix=scratch_prefix("prime")) as scratch:
                code = pytest.main(self.pytest_args("solutions", Path(scratch) / "prime.json"), plugins=[grade_plugin(), self._given()])
            if int(code) != 0:  # a suite failing on solutions/: its expected values were not all computed
                problem = f"the suites did not all pass on solutions/ (pytest exit code {int(code)})"
        except Exception as error:  # priming only saves time: grade without what it did not compute
            problem = f"{type(error).__name__}: {error}"
            print(f"priming the expected values stopped ({problem}); "
                  "grading goes on, computing them per submission", file=sys.stderr)
        return problem

    def _take_peer_priming(self) -> None:
        """Read the expected values a peer primed, once its file is there. Until then this
        server's judges compute what they need themselves, as an unprimed judge does: the same
        values, a little slower (the memory only saves time, see ``expected``)."""
        if self.awaited_memory is None or not self.awaited_memory.exists():
            return
        from grading.grader import expected

        if expected.load(self.awaited_memory):
            self.awaited_memory = None
            self.ready["priming"] = dict(self.ready.get("priming") or {}, expected_values=expected.remembered_calls())
            gc.collect()
            gc.freeze()

    def grade(self, request: dict) -> dict:
        """Grade one submission; graded again once when the grader (not the learner) failed.

        A grader failure that persists is reported as such (``grader_error``), never as the
        learner's score.
        """
        self._take_peer_priming()
        reply = self._grade_twice_at_most(request)
        reply["priming"] = self.ready.get("priming")  # what this submission's judge started from
        return reply

    def _grade_twice_at_most(self, request: dict) -> dict:
        first = self._grade_once(request)
        if not first.get("grader_error"):
            return first
        self._reset_learner()
        second = self._grade_once(request)
        if second.get("grader_error"):
            second["grader_error"] = f"{second['grader_error']} (graded twice; the first time: {first['grader_error']})"
        else:
            second["notes"] = [*second.get("notes", []),
                               f"graded a second time: the first attempt failed on the grader's side ({first['grader_error']})"]
        second["seconds"] = first.get("seconds", 0.0) + second.get("seconds", 0.0)
        peaks = [reply["judge_peak_rss_mb"] for reply in (first, second) if reply.get("judge_peak_rss_mb") is not None]
        second["judge_peak_rss_mb"] = max(peaks, default=None)
        return second

    def _grade_once(self, request: dict) -> dict:
        """Grade one submission in a forked judge; the scored tests and what happened."""
        started = time.monotonic()
        path = Path(request["path"])
        try:
            if path.is_symlink():  # a class entry linked to solutions/ (or anywhere) is not a submission
                raise TargetError(f"{path.name} is a symbolic link (to {os.readlink(path)}): refused — "
                                  "a submission must be the folder or .zip itself")
            submission = read_submission(path)
        except TargetError as error:
            return {"ok": True, "tests": self._fill([], f"the submission cannot be read: {error}"),
                    "notes": [str(error)], "seconds": 0.0, "judge_peak_rss_mb": None}
        with tempfile.TemporaryDirectory(prefix=scratch_prefix("judge")) as scratch:
            records_file = Path(scratch) / "records.json"
            extra_file = Path(scratch) / "extra.json"
            log_file = Path(scratch) / "log.txt"
            judge = fork_child(lambda: self._judge_child(path, submission, records_file, extra_file), log_file)
            limit = self.limits.submission_seconds + self.options.judge_slack
            status = wait_or_kill(judge, limit)
            peak = judge.peak_bytes
            problem = None
            if status is None:
                problem = f"the hidden tests did not finish within {limit:g} s"
            elif status == SANDBOX_FAULT:
                problem = "the sandbox failed to start the process for the submission's code"
            elif status != 0:
                problem = f"the test session ended abnormally (status {status})"
            if problem is not None:
                self._reset_learner()
            elif self.learner is not None and not self.learner.alive():
                self._reset_learner()
            records = []
            if records_file.exists():
                try:
                    records = json.loads(records_file.read_text())
                except ValueError:
                    problem = problem or "the test results could not be read"
            elif problem is None:
                problem = "the test session wrote no results"
            extra = {}
            if extra_file.exists():
                try:
                    extra = json.loads(extra_file.read_text())
                except ValueError:
                    pass
            log_tail = file_end(log_file)
        tests = self._fill(records, problem, extra.get("not_started", {}))
        return {
            "ok": True, "tests": tests, "notes": submission.notes, "output": keep_end("\n".join(extra.get("output", []))),
            "events": extra.get("events", []), "seconds": time.monotonic() - started,
            "grader_error": problem, "log": log_tail if problem else "",
            "judge_peak_rss_mb": round(peak / 2**20, 1) if peak else None,
        }

    def _judge_child(self, path: Path, submission: Any, records_file: Path, extra_file: Path) -> int:
        import pytest

        from grading.sandbox.grader_side import Session

        assert self.learner is not None
        # The judge works for one submission here (decoding its answers, describing them, serving
        # its calls into the model): that work has a memory budget of its own. Not with CUDA in
        # use: its mappings count as address space and are no measure of memory.
        import torch

        if not torch.cuda.is_initialized():
            cap_address_space(self.limits.judge_memory_mb)
        session = Session(self.learner, submission.sources, self.limits, label=submission.name)
        set_aside: dict[str, str] = {}
        try:
            set_aside = self.set_aside(self._not_started(submission, session))
            # pytest is given only the files holding a started exercise's tests (collecting all
            # nine suites cost a submission of one week's module more than its own tests did).
            started = sorted({record["exercise"] for record in self.plan if record["nodeid"] not in set_aside})
            if started:
                pytest.main(self.pytest_args(f"isolated:{path}", records_file, files_of=started),
                            plugins=[grade_plugin(set_aside), self._given({Path(path).resolve(): session})])
            else:
                records_file.write_text("[]")
        finally:
            session.close()
            extra_file.write_text(json.dumps({"output": session.output, "events": session.events,
                                              "spent": session.spent, "faults": session.faults,
                                              "not_started": set_aside}))
        return SANDBOX_FAULT if session.faults else 0

    def set_aside(self, not_started: dict[str, Callable[[], BaseException]]) -> dict[str, str]:
        """The planned tests not to run, each with why: those of an exercise in ``not_started``
        (exercise key -> the error that says why)."""
        return {record["nodeid"]: keep_end(str(not_started[record["exercise"]]())) for record in self.plan
                if record["exercise"] in not_started}

    def _not_started(self, submission: Any, session: Any) -> dict[str, Callable[[], BaseException]]:
        """Exercises whose tests need not run: no module, no function, or the untouched stub."""
        from functools import partial

        from grading.harness.catalogue import EXERCISES
        from grading.harness.submission import untouched_stub
        from grading.harness.target import MissingFunction, NotStarted

        planned = {record["exercise"] for record in self.plan}
        found: dict[str, Callable[[], BaseException]] = {}
        for exercise in EXERCISES:
            if exercise.key not in planned:
                continue
            source = submission.sources.get(exercise.module)
            if source is None:
                found[exercise.key] = partial(MissingFunction, exercise, f"the submission has no {exercise.module}.py")
            elif untouched_stub(source, exercise.function):
                found[exercise.key] = partial(NotStarted, exercise)
            else:
                lookup = session.lookup(exercise.module, exercise.function)
                if not lookup.found:
                    found[exercise.key] = partial(MissingFunction, exercise, lookup.why)
        return found

    def _reset_learner(self) -> None:
        """After a judge died mid-conversation the worker's channel may be out of step: restart it."""
        if self.learner is not None:
            self.learner.restart()
            self.learner.wait_ready()

    def _fill(self, records: list[dict], problem: str | None, not_started: dict[str, str] | None = None) -> list[dict]:
        """Scored tests: each planned test, with its outcome when there is one; a test set aside
        as not started (``not_started``: node id -> why) is not started."""
        from grading.harness.runner import score_records
        from grading.harness.status import Status

        done = {record["nodeid"]: record for record in records}
        not_started = not_started or {}
        merged = []
        for planned in self.plan:
            record = done.get(planned["nodeid"])
            if record is None and planned["nodeid"] in not_started:
                record = dict(planned, outcome="failed", status=Status.NOT_STARTED, message=not_started[planned["nodeid"]])
            if record is None:
                why = problem or "the test did not run"
                record = dict(planned, outcome="failed", status="error",
                              message=f"not graded: {why} (a grader problem, not yours)")
            merged.append(record)
        return [asdict(test) for test in score_records(merged)]

    def close(self) -> None:
        if self.learner is not None:
            self.learner.close()


def _rss() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def serve(options: GradeOptions) -> int:
    """The judge server's loop: JSON requests on stdin, one JSON reply per line."""
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever libraries print goes to the log, never into the replies

    def reply(message: dict) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    undumpable()  # no other process of this user may read this one's memory (the expected values)
    judge = Judge(options)
    try:
        reply(judge.warm_up())
    except BaseException as error:
        from reference.backends import BackendError

        from grading.sandbox.plan import SandboxError

        user = isinstance(error, (BackendError, SandboxError, TargetError, GraderError))
        reply({"ready": False, "error": str(error) if user else f"{type(error).__name__}: {error}",
               "user_error": user, "trace": keep_end(traceback.format_exc())})
        judge.close()
        return 1
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("op") == "stop":
            break
        try:
            reply(judge.grade(request))
        except BaseException as error:
            reply({"ok": False, "error": f"{type(error).__name__}: {error}", "trace": keep_end(traceback.format_exc())})
    judge.close()
    return 0


# ---------------------------------------------------------------------------------------------
# The driver


class Slot:
    """One judge server, driven over a pipe."""

    def __init__(self, options: GradeOptions, log_dir: Path, index: int):
        self.options = options
        self.log_path = log_dir / f"judge-{index}.log"
        self.process: subprocess.Popen | None = None
        self.ready: dict = {}
        self.restarted_here = False  # started again by a grading thread, after its judge died

    def start(self) -> "Slot":
        self.process = start_command(
            [sys.executable, "-m", "grading.grader.driver", "serve", self.options.as_json()], self.log_path,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
            cwd=os.getcwd(), env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        return self

    def _read(self, timeout: float | None) -> dict | None:
        assert self.process is not None and self.process.stdout is not None
        stream = self.process.stdout
        if timeout is not None:
            ready, _, _ = select.select([stream], [], [], timeout)
            if not ready:
                return None
        line = stream.readline()
        if not line:
            return None
        return json.loads(line)

    def wait_ready(self, timeout: float = 3600) -> dict:
        message = self._read(timeout)
        if message is None:
            raise GraderError(f"a grading worker did not start; its log ends:\n{self.log_tail()}")
        if not message.get("ready"):
            self.close()
            if message.get("user_error"):
                raise GraderError(str(message.get("error")))
            raise GraderError(f"a grading worker failed to start: {message.get('error')}\n{message.get('trace', '')}")
        self.ready = message
        return message

    def grade(self, path: Path) -> dict:
        assert self.process is not None and self.process.stdin is not None
        limit = self.options.limits.submission_seconds + 2 * self.options.judge_slack + 120
        try:
            self.process.stdin.write(json.dumps({"op": "grade", "path": str(path)}) + "\n")
            self.process.stdin.flush()
            message = self._read(limit)
        except (OSError, ValueError) as error:
            message = None
            why = f"{type(error).__name__}: {error}"
        else:
            why = "it stopped answering"
        if message is None:
            self.close()
            return {"ok": False, "error": f"the grading worker failed ({why}); its log ends: {self.log_tail()}"}
        return message

    def log_tail(self) -> str:
        return file_end(self.log_path)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """Stop the judge at once, with every process it started (its own session)."""
        if self.process is not None:
            stop(self.process)

    def close(self) -> None:
        if self.process is None:
            return
        try:
            if self.process.poll() is None and self.process.stdin is not None:
                self.process.stdin.write(json.dumps({"op": "stop"}) + "\n")
                self.process.stdin.flush()
                self.process.wait(timeout=30)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        stop(self.process)
        self.process = None


@dataclass
class ClassOutcome:
    """What :func:`grade_class` did."""

    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # graded again by --resume, which would have kept them but for a change: name -> what changed
    changed: dict[str, str] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)      # results.json says the grader broke
    # name given -> the path it was given to, where that name was taken (``alice~2``)
    renamed: dict[str, str] = field(default_factory=dict)
    results: dict[str, dict] = field(default_factory=dict)
    backend: str = ""
    sandbox: str = ""
    seconds: float = 0.0
    startup_seconds: float = 0.0
    priming: dict = field(default_factory=dict)  # the priming worker's: requested, expected_values, from_disk, error
    workers: int = 0
    # Where a submission could signal a classmate's processes (grading.sandbox.plan.classmates_kept_apart):
    # True when the driver therefore chose one worker, and whether several graded at once all the same.
    one_at_a_time: bool = False
    classmates_exposed: bool = False


Progress = Callable[[str, str], None]
"""(event, detail): ``total`` (detail: how many submissions), ``ready`` (the graders started),
``start`` / ``done`` / ``skip`` (detail: a submission's name)."""


# What grades a submission besides its own code: the grader and its suites, and the reference
# that computes their expected values (its code and the tiny model's weights). Only the kinds of
# file that can change a grade: an editor's swap file beside them changes none.
GRADING_FILES = {"grading": (".py", ".json"), "reference": (".py", ".json", ".safetensors")}


@lru_cache(maxsize=1)
def _grading_digest() -> str:
    """A SHA-256 of the files of :data:`GRADING_FILES` (paths and contents)."""
    digest = hashlib.sha256()
    for folder, suffixes in GRADING_FILES.items():
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            if path.suffix in suffixes and path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{path.relative_to(PROJECT_ROOT)}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def graded_from(path: Path) -> dict[str, str | None]:
    """What results graded now would come from: a SHA-256 of the submission (``submission``) and
    of the grading files (``grading``). ``--resume`` keeps results only while both are what they
    were. A folder's digest is of the exercise modules the grader reads in it; a zip's, of its
    bytes, which are not parsed here, outside the judge's limits. None for an entry that is a
    symbolic link (never graded) or cannot be read: it is always graded again."""
    digest = hashlib.sha256()
    try:
        if path.is_symlink():
            return {"submission": None, "grading": _grading_digest()}
        if path.is_dir():
            sources = read_submission(path).sources
            for module in sorted(sources):
                digest.update(f"{module}\0".encode() + hashlib.sha256(sources[module]).digest())
        else:
            with open(path, "rb") as upload:
                for block in iter(lambda: upload.read(1 << 20), b""):
                    digest.update(block)
    except Exception:  # noqa: BLE001 (whatever the entry is, the class goes on: it is graded again)
        return {"submission": None, "grading": _grading_digest()}
    return {"submission": digest.hexdigest(), "grading": _grading_digest()}


def _already_graded(data: dict | None, backend: str, exercises: set[str], source: dict | None = None) -> bool:
    """Whether ``--resume`` may keep these results: graded on ``backend``, not broken by the
    grader, holding every exercise this run grades and, where ``source`` (:func:`graded_from`)
    is given, graded from the same code by the same suites (a learner's fix after a regrade
    request, or suites updated by ``git pull``, is graded again)."""
    extra = (data or {}).get("extra_data", {})
    same_source = source is None or (source.get("submission") is not None and extra.get("graded_from") == source)
    return bool(data and extra.get("backend") == backend and not extra.get("grader_error")
                and exercises <= set(extra.get("exercises", {})) and same_source)


def _what_changed(data: dict, source: dict) -> str:
    """Why results ``--resume`` would otherwise keep are graded again, in words."""
    before = data.get("extra_data", {}).get("graded_from") or {}
    if not before:
        return "graded by a version of decodelab that did not record what it graded"
    if source.get("submission") is None:
        return "it cannot be read as it was"
    changes = [what for key, what in (("submission", "its code"), ("grading", "the grader, its suites or the reference"))
               if before.get(key) != source.get(key)]
    return " and ".join(changes) + " changed since"


def _backend_of_every(kept: list[dict | None], sources: list[dict] | None, options: GradeOptions,
                      exercises: set[str]) -> str | None:
    """With ``--resume`` (``sources``: what each submission would be graded from now), the backend
    that graded every one of ``kept`` (the results an earlier run left for each submission) when
    it is the one this run's judges would use, so that none is left to grade; else None. The
    backend is resolved only then: for ``auto`` that imports torch, seconds of a run that has
    work to do."""
    if sources is None or not kept:
        return None
    backends = {str((data or {}).get("extra_data", {}).get("backend")) for data in kept}
    if len(backends) != 1 or not all(_already_graded(data, next(iter(backends)), exercises, source)
                                     for data, source in zip(kept, sources)):
        return None
    backend = _judges_backend(options.backend)
    return backend if backend in backends else None


def _judges_backend(requested: str | None) -> str:
    """The backend each judge will grade on: ``auto`` resolved as a judge resolves it, which
    imports torch (seconds), so only where an answer depends on it."""
    backend = requested_backend(requested)
    if backend == AUTO:
        from reference.backends import resolve_backend

        backend = resolve_backend(backend)[0]
    return backend


def _check_nothing_replaced(earlier: dict[str, dict], names: dict[str, Path], exercises: set[str],
                            sources: dict[Path, dict] | None, backend: str) -> None:
    """A submission graded again gets results for this run's exercises only. Where its earlier
    results in ``--out`` hold others too (last week's, or the whole assignment when a regrade
    request names one exercise), say so before anything is graded, rather than replace them.
    ``sources`` (:func:`graded_from`, by path) with ``--resume``, which keeps results that hold
    every exercise of the run, from the same code and grader on ``backend`` (:func:`_already_graded`;
    ``auto`` is resolved as the judges will, only where results would otherwise be kept: an
    instructor who graded on a GPU and resumes on a laptop gets the tiny model, and the
    results, from another backend, are graded again); None without it."""
    lost = {}
    for name, path in names.items():
        extra = earlier.get(name, {}).get("extra_data", {})
        dropped = set(extra.get("exercises", {})) - exercises
        if not dropped:
            continue
        if sources is not None and backend == AUTO and _already_graded(earlier.get(name), extra.get("backend"),
                                                                       exercises, sources[path]):
            backend = _judges_backend(AUTO)
        if not (sources is not None and _already_graded(earlier.get(name), backend, exercises, sources[path])):
            lost[name] = sorted(dropped)
    if lost:
        keys = sorted({key for kept in lost.values() for key in kept})
        shown = ", ".join(list(lost)[:3]) + (f" and {len(lost) - 3} more" if len(lost) > 3 else "")
        why = "" if sources is None else (" (its code, the grader or the backend changed, or it lacks one of this run's "
                                         "exercises)")
        raise TargetError(
            f"grading {shown} again{why} for {' '.join(sorted(exercises))} only would drop their results in --out "
            f"for {' '.join(keys)}: add them to --exercises (grading them again too), or grade into another --out "
            "folder")


def _classmates_kept_apart(sandbox: str | None) -> bool:
    from grading.sandbox.plan import SandboxError, classmates_kept_apart, sandbox_plan

    try:
        return classmates_kept_apart(sandbox_plan(sandbox))
    except SandboxError:
        return True  # no worker can start: the first one to try says why


def grade_class(
    paths: Sequence[str | Path],
    out_dir: Path | str,
    options: GradeOptions | None = None,
    workers: int | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    as_submissions: bool = False,
) -> ClassOutcome:
    """Grade every submission in ``paths`` (submissions or class folders; with
    ``as_submissions``, each path one submission as it is, never a class) into ``out_dir``,
    ``workers`` at once: by default as many as the machine has cores, but one where a
    submission could signal the processes of a classmate graded beside it
    (:func:`grading.sandbox.plan.classmates_kept_apart`; ``outcome.one_at_a_time`` says so).

    Raises :class:`TargetError` for bad paths and :class:`GraderError` when grading cannot
    start; otherwise every submission gets ``out_dir/<name>/results.json`` and feedback, and
    ``out_dir/grades.csv`` lists every submission graded into ``out_dir``.
    """
    options = options or GradeOptions()
    out_dir = Path(out_dir)
    submissions = [Path(path) for path in paths] if as_submissions else expand(list(paths))
    if out_dir.exists() and not out_dir.is_dir():
        raise TargetError(f"--out {out_dir} exists and is not a folder")
    earlier = reports.graded_results(out_dir) if out_dir.is_dir() else {}
    names = class_names(submissions, {name: data["extra_data"].get("source") for name, data in earlier.items()})
    exercises = set(options.exercises) or {exercise.key for exercise in EXERCISES}
    # With --resume, what each submission would be graded from now; None without it.
    sources = {path: graded_from(path) for path in submissions} if resume else None
    _check_nothing_replaced(earlier, {names[path]: path for path in submissions}, exercises, sources,
                            requested_backend(options.backend))
    made_out_dir = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    outcome = ClassOutcome()
    outcome.renamed = {name: str(path) for path, name in names.items() if name != submission_name(path)}
    notify = progress or (lambda event, name: None)
    notify("total", str(len(submissions)))
    backend = _backend_of_every([earlier.get(names[path]) for path in submissions],
                                None if sources is None else [sources[path] for path in submissions], options, exercises)
    if backend is not None:  # nothing left to grade: no judge started (one takes seconds to load the model)
        outcome.backend = backend
        # The sandbox that graded them: one without bubblewrap, where any was, so that it is said.
        sandboxes = sorted({str(earlier[names[path]]["extra_data"].get("sandbox") or "") for path in submissions} - {""})
        outcome.sandbox = next((kind for kind in sandboxes if not kind.startswith("bubblewrap")),
                               sandboxes[0] if sandboxes else "")
        notify("ready", f"{backend} (every submission graded already)")
        for path in submissions:
            outcome.skipped.append(names[path])
            notify("skip", names[path])
        reports.write_gradebook(out_dir)
        outcome.seconds = time.monotonic() - started
        _read_skipped(outcome, out_dir)
        return outcome
    chosen = workers
    workers = max(1, min(workers or os.cpu_count() or 1, len(submissions)))
    if workers > 1 and not _classmates_kept_apart(options.sandbox):
        if chosen is None:
            workers, outcome.one_at_a_time = 1, True
        else:
            outcome.classmates_exposed = True
    outcome.workers = workers
    if options.prime is None:  # priming costs one run of the suites: worth it from two submissions a worker
        options = replace(options, prime=len(submissions) > workers)
    sweep_stale_folders()  # left by a grade run that was killed
    log_dir = Path(tempfile.mkdtemp(prefix=scratch_prefix("grade")))
    # Slot 0 primes; the others grade from the start and take its values once its file is written
    # (where a file can be kept: else each primes for itself). Priming is one worker's 6 s, and
    # an unprimed submission costs well under a second more: the others need not wait for it.
    peers = replace(options, prime_from_peer=True) if options.prime else options
    slots: list[Slot] = []
    try:
        for index in range(workers):
            slots.append(Slot(options if index == 0 else peers, log_dir, index).start())
        first = slots[-1].wait_ready()  # a worker that does not prime, when there are several
        outcome.backend, outcome.sandbox = first["backend"], first["sandbox"]
        todo = []
        for path in submissions:
            name = names[path]
            if sources is not None and _already_graded(earlier.get(name), outcome.backend, exercises, sources[path]):
                outcome.skipped.append(name)
                notify("skip", name)
            else:
                if sources is not None and _already_graded(earlier.get(name), outcome.backend, exercises):
                    outcome.changed[name] = _what_changed(earlier[name], sources[path])
                todo.append(path)
        primer = slots[0]
        while len(slots) > max(1, len(todo)):  # fewer submissions left than workers: the primer goes first
            unused = slots[0]  # never the one that answered first (slots[-1]) while two are left
            if not unused.ready:  # still priming: it would read "stop" only once done
                unused.kill()
            unused.close()
            slots.remove(unused)
        notify("ready", outcome.backend)
        outcome.startup_seconds = time.monotonic() - started
        queue = list(todo)
        lock = threading.Lock()
        stopping = threading.Event()

        def work(slot: Slot) -> None:
            # The one that primes takes work once it is done (and has written its file, which
            # the next run reads), also when the others have graded everything meanwhile.
            if not slot.ready:
                slot.wait_ready()
            try:
                grade_in_turn(slot)
            finally:
                # A judge started again here dies with this thread (start_command): stop it now,
                # tidily, rather than have the pool's end kill it.
                if slot.restarted_here and not stopping.is_set():
                    slot.close()

        def grade_in_turn(slot: Slot) -> None:
            while True:
                with lock:
                    if not queue or stopping.is_set():
                        return
                    path = queue.pop(0)
                name = names[path]
                notify("start", name)
                provenance = graded_from(path)  # before grading: a file changed meanwhile is graded again next time
                if not slot.alive():
                    slot.restarted_here = True
                    try:
                        slot.start().wait_ready()
                    except GraderError as error:
                        reply = {"ok": False, "error": str(error)}
                    else:
                        reply = slot.grade(path)
                else:
                    reply = slot.grade(path)
                if stopping.is_set():  # its judge was stopped mid-way: no verdict, so no results.json
                    return
                if name != submission_name(path):
                    reply.setdefault("notes", []).append(
                        f"graded as '{name}': another submission of the class, or one graded earlier into "
                        f"this folder, also becomes '{submission_name(path)}' once its name is made safe "
                        f"({printable(path.name)} here)")
                results = _results_for(name, reply, slot.ready or first, entry_name(path), provenance)
                reports.write_submission(out_dir, results)
                with lock:
                    outcome.results[name] = results
                    (outcome.failed if results["extra_data"].get("grader_error") else outcome.graded).append(name)
                notify("done", name)

        pool = ThreadPoolExecutor(max_workers=len(slots))
        try:
            for future in [pool.submit(work, slot) for slot in slots]:
                future.result()
        except BaseException:  # Ctrl-C or SIGTERM: stop the judges now, not after their submission
            stopping.set()
            for slot in slots:
                slot.kill()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    except BaseException:  # also before the pool: a judge still priming reads "stop" only once done
        for slot in slots:
            slot.kill()
        raise
    finally:
        for slot in slots:
            slot.close()
        shutil.rmtree(log_dir, ignore_errors=True)  # what a judge logged is in its results.json already
        sweep_stale_folders()  # what the judges made, when they had to be killed
        # Also when interrupted: what was graded is kept. Stopped before anything was graded, a
        # run leaves --out as it found it (no grades.csv of a header alone, no empty folder).
        if (out_dir / reports.GRADEBOOK).exists() or any(out_dir.glob(f"*/{reports.RESULTS}")):
            reports.write_gradebook(out_dir)
        elif made_out_dir:
            with contextlib.suppress(OSError):
                out_dir.rmdir()
    outcome.seconds = time.monotonic() - started
    # The priming worker's word (it was closed unused when fewer submissions than workers were left).
    outcome.priming = dict((primer.ready or first).get("priming") or {})
    _read_skipped(outcome, out_dir)
    return outcome


def _read_skipped(outcome: ClassOutcome, out_dir: Path) -> None:
    """The results that ``--resume`` kept, into ``outcome.results`` (the summary counts them)."""
    for name in outcome.skipped:
        data = reports.read_results(out_dir / name / reports.RESULTS)
        if data is not None:
            outcome.results[name] = data


@lru_cache(maxsize=1)
def _stack() -> dict:
    """The versions that graded this class, against the lock (judges run in this environment)."""
    from grading.harness.stack import stack_report

    return stack_report().as_dict()


def _results_for(name: str, reply: dict, ready: dict, source: str | None = None, graded: dict | None = None) -> dict:
    context = {"source": source, "graded_from": graded, "backend": ready.get("backend"), "model_id": ready.get("model_id"),
               "sandbox": ready.get("sandbox"), "suites": ready.get("suites", ["hidden"]), "stack": _stack(),
               "priming": reply.get("priming") or ready.get("priming")}
    if not reply.get("ok"):
        context["grader_error"] = reply.get("error", "unknown failure")
        document = reports.results_document(name, reply.get("tests") or _unrun(ready.get("plan", [])), context)
    else:
        context.update(seconds=reply.get("seconds", 0.0), notes=reply.get("notes", []), output=reply.get("output", ""),
                       events=reply.get("events", []), grader_error=reply.get("grader_error"))
        document = reports.results_document(name, reply["tests"], context)
    document["extra_data"]["judge_peak_rss_mb"] = reply.get("judge_peak_rss_mb")  # see the module's docstring
    return encodable(document)


def _unrun(plan: list[dict]) -> list[dict]:
    """Every planned test, scored 0 as not graded (the grader broke before it ran)."""
    from grading.harness.runner import score_records

    records = [dict(record, outcome="failed", status="error",
                    message="not graded: the grader failed on this submission (a grader problem, not yours)")
               for record in plan]
    return [asdict(test) for test in score_records(records)]


def grade_submission(path: Path | str, out_dir: Path | str, options: GradeOptions | None = None) -> dict:
    """Grade one submission into ``out_dir/<name>/`` and return its results (Gradescope format).

    ``path`` is one learner's upload, never a class: a folder with no exercise module at all (an
    empty upload, a README alone) is graded as it is, every exercise not started, not refused as
    an empty class (which, on Gradescope, read as the autograder's failure)."""
    path = Path(path)
    try:
        submissions = expand([path])
    except TargetError:
        if not path.is_dir():
            raise
        submissions = [path]
    outcome = grade_class(submissions, out_dir, options, workers=1, as_submissions=True)
    return next(iter(outcome.results.values()))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) == 2 and argv[0] == "serve":
        return serve(GradeOptions.from_json(argv[1]))
    print("usage: python -m grading.grader.driver serve OPTIONS_JSON (started by decodelab grade)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
