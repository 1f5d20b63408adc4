"""A warm way to run the same suites again and again, for ``decodelab check --watch``.

A cold child pytest spends most of its time importing torch and transformers before the first
test runs. :class:`WarmRunner` imports them once in the watching process (which never imports
the learner's code, and never computes with torch, so forking stays safe), then for every
check forks a child that runs exactly the pytest command line of
:func:`grading.harness.runner.pytest_command`, with the same results plugin, and scores the records
with :func:`grading.harness.runner.score_records`. Same command, same plugin, same scoring as
:func:`grading.harness.runner.run_suites`; only the process start is cheaper. A learner's crash still
takes down only the child.

Where ``os.fork`` does not exist (Windows), or ``DECODELAB_NO_FORK`` is set, it simply calls
:func:`grading.harness.runner.run_suites`.

A notebook's kernel cannot fork its checks: it has imported the learner's modules (and may
hold a model their code changed). :class:`HelperRunner` gives it the same speed through a
helper process (``python -m decodelab.watch --serve FD``) that keeps a :class:`WarmRunner`
and runs each request there, with the kernel's environment of the moment. Should the helper
be missing or die, a check is a cold :func:`~grading.harness.runner.run_suites`, as before.
"""
from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Sequence

from grading.harness.processes import fork_child, start_command, stop, wait_or_kill
from grading.harness.runner import GRADING, SuiteRun, pytest_command, run_suites, score_records
from grading.harness.scratch import prefix as scratch_prefix

NO_FORK_ENV = "DECODELAB_NO_FORK"


class WarmRunner:
    """``run_suites``-compatible, with the heavy imports paid once."""

    def __init__(self) -> None:
        self.forking = hasattr(os, "fork") and not os.environ.get(NO_FORK_ENV)
        if self.forking:
            self._preload()

    @staticmethod
    def _preload() -> None:
        """Import what every public suite imports (never the learner's code)."""
        import importlib
        import pkgutil

        import pytest  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
        from transformers.models.mistral import modeling_mistral  # noqa: F401

        import grading.harness.compare  # noqa: F401
        import grading.harness.plugin  # noqa: F401
        import grading.harness.results  # noqa: F401
        import reference

        try:
            import hypothesis  # noqa: F401  (pytest loads its plugin in every run)
        except ImportError:
            pass
        for module in pkgutil.iter_modules(reference.__path__):
            if module.name.startswith("train"):
                continue
            try:
                importlib.import_module(f"reference.{module.name}")
            except Exception:  # a module being edited: the child will import it and report
                pass

    def run(
        self,
        target: str,
        suites: Sequence[str] = ("hidden",),
        exercises: Sequence[str] = (),
        backends: str = "tiny",
        timeout: float | None = 900,
    ) -> SuiteRun:
        if not self.forking:
            return run_suites(target, suites=suites, exercises=exercises, backends=backends, timeout=timeout)
        with tempfile.TemporaryDirectory(prefix=scratch_prefix("watch")) as scratch:
            results_file = Path(scratch) / "results.json"
            log_file = Path(scratch) / "log.txt"
            command = pytest_command(target, suites, exercises, backends, results_file)
            arguments = command[command.index("pytest") + 1:]

            def run_pytest_here() -> int:  # the child: never returns into the caller's code
                os.chdir(GRADING.parent)
                os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
                sys.dont_write_bytecode = True
                import pytest

                return int(pytest.main(arguments))

            returncode = wait_or_kill(fork_child(run_pytest_here, log_file), timeout)
            log = log_file.read_text(errors="replace") if log_file.exists() else ""
            if returncode is None:
                returncode = -9
                log = f"the test run timed out after {timeout} s\n{log}"
            records = []
            if results_file.exists():
                import json

                records = json.loads(results_file.read_text())
        return SuiteRun(score_records(records), returncode, log)


def serve(connection: Connection) -> None:
    """Answer :class:`HelperRunner`'s requests on ``connection`` until it closes: each a
    :meth:`WarmRunner.run`, forked with the environment the request carries."""
    runner = WarmRunner()
    connection.send({"ready": True})
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        before = dict(os.environ)
        os.environ.clear()
        os.environ.update(request.pop("environment"))
        try:
            reply = {"run": runner.run(**request)}
        except Exception as error:  # the kernel then runs this check cold
            reply = {"error": f"{type(error).__name__}: {error}"}
        finally:
            os.environ.clear()
            os.environ.update(before)
        connection.send(reply)


class HelperRunner:
    """``run_suites``-shaped, for a process that has imported learner code (a notebook's
    kernel): each run is made by a helper process's :class:`WarmRunner`.

    :meth:`start` launches the helper (it imports torch and transformers meanwhile); the first
    :meth:`run` waits for it. Where forking is off, or the helper cannot start or dies, a run
    is a cold :func:`~grading.harness.runner.run_suites` (and the next one starts a new helper).
    """

    # Beyond the run's own time limit (the helper enforces it on its fork), how long to wait for
    # the helper's start-up and reply before running cold instead.
    SPARE_SECONDS = 120.0

    def __init__(self) -> None:
        self.forking = hasattr(os, "fork") and not os.environ.get(NO_FORK_ENV)
        self._process = None
        self._connection: Connection | None = None
        self._ready = False
        self._lock = threading.Lock()
        self.answered = 0  # runs the helper answered; the others ran cold

    def start(self) -> None:
        if not self.forking or (self._process is not None and self._process.poll() is None):
            return
        self.close()
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-m", "decodelab.watch", "--serve", str(theirs.fileno())]
        # Nothing to keep of its output: a helper that fails only makes the checks cold, and the
        # checks' own output comes back in each run's log.
        self._process = start_command(command, os.devnull, pass_fds=[theirs.fileno()], cwd=str(GRADING.parent))
        theirs.close()
        self._connection = Connection(ours.detach())

    def run(
        self,
        target: str,
        suites: Sequence[str] = ("hidden",),
        exercises: Sequence[str] = (),
        backends: str = "tiny",
        timeout: float | None = 900,
    ) -> SuiteRun:
        request = {"target": target, "suites": list(suites), "exercises": list(exercises), "backends": backends,
                   "timeout": timeout, "environment": dict(os.environ)}
        with self._lock:
            reply = self._ask(request, (timeout or 900) + self.SPARE_SECONDS)
        if reply is None or "run" not in reply:
            return run_suites(target, suites=suites, exercises=exercises, backends=backends, timeout=timeout)
        self.answered += 1
        return reply["run"]

    def _ask(self, request: dict, seconds: float) -> dict | None:
        """The helper's reply; None (the helper closed) where there is none within ``seconds``."""
        self.start()
        connection = self._connection
        if connection is None:
            return None
        try:
            if not self._ready:
                if not connection.poll(self.SPARE_SECONDS) or not connection.recv().get("ready"):
                    raise EOFError("the helper did not start")
                self._ready = True
            connection.send(request)
            if not connection.poll(seconds):
                raise EOFError("the helper did not answer")
            return connection.recv()
        except (EOFError, OSError):
            self.close()
            return None

    def close(self) -> None:
        """End the helper (it also ends with this process: ``start_command``'s parent-death signal)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._process is not None:
            stop(self._process)
            self._process = None
        self._ready = False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m decodelab.watch", description="the helper of HelperRunner")
    parser.add_argument("--serve", type=int, required=True, metavar="FD", help="the socket to answer on")
    serve(Connection(parser.parse_args(argv).serve))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
