"""The grader's temporary folders: named after the process that made them, so none outlives it.

Every folder the grader makes in the machine's temporary folder is called
``decodelab-<kind>-<pid>-<random>``. A process that ends normally removes its own (a ``with``
block, ``finally`` or :mod:`atexit`); one that was killed (``SIGKILL``, a crash, the machine's
out-of-memory killer) cannot, so :func:`sweep` — run when ``decodelab grade`` starts — removes the
folders whose process is gone. A folder of a process still running is never touched, whoever
runs the sweep.
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from grading.harness.processes import alive

_NAME = re.compile(r"^decodelab-([a-z]+)-(\d+)-")


def prefix(kind: str) -> str:
    """``decodelab-<kind>-<pid>-``: the prefix for ``tempfile``'s functions."""
    return f"decodelab-{kind}-{os.getpid()}-"


def folder_for_this_process(kind: str) -> Path:
    """A new temporary folder, removed when this process exits (also after an exception)."""
    made = Path(tempfile.mkdtemp(prefix=prefix(kind)))
    owner = os.getpid()
    atexit.register(lambda: os.getpid() == owner and remove(made))
    return made


def remove(folder: Path) -> None:
    """Remove ``folder`` and everything in it, files of the sandbox's own uid included."""
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():  # read-only folders left by the learner's uid: rm knows no pity as root
        subprocess.run(["rm", "-rf", str(folder)], check=False, capture_output=True)


def stale(base: Path | None = None) -> list[Path]:
    """The grader's folders in ``base`` (the temporary folder) whose process has ended."""
    base = Path(base or tempfile.gettempdir())
    found = []
    try:
        entries = list(base.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = _NAME.match(entry.name)
        if match is None or entry.is_symlink() or not entry.is_dir():
            continue
        try:
            mine = entry.stat().st_uid == os.geteuid()
        except OSError:
            continue
        if mine and not alive(int(match.group(2))):
            found.append(entry)
    return sorted(found)


def sweep(base: Path | None = None) -> list[Path]:
    """Remove the folders :func:`stale` finds; returns them."""
    removed = stale(base)
    for folder in removed:
        remove(folder)
    return removed
