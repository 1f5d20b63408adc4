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
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from grading.harness.processes import fork_child, wait_or_kill
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
