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
"""
from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

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
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # the child: run pytest here, never return into the caller's code
                code = 3
                try:
                    os.chdir(GRADING.parent)
                    log = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    os.dup2(log, 1)
                    os.dup2(log, 2)
                    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
                    sys.dont_write_bytecode = True
                    import pytest

                    code = int(pytest.main(arguments))
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            returncode = self._wait(pid, timeout)
            log = log_file.read_text(errors="replace") if log_file.exists() else ""
            if returncode == -9:
                log = f"the test run timed out after {timeout} s\n{log}"
            records = []
            if results_file.exists():
                import json

                records = json.loads(results_file.read_text())
        return SuiteRun(score_records(records), returncode, log)

    @staticmethod
    def _wait(pid: int, timeout: float | None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            if deadline is not None and time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return -9
            time.sleep(0.02)
