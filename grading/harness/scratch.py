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
import contextlib
import os
import re
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
    """Remove ``folder`` and everything in it, files of the sandbox's own uid included, however
    deep and whatever modes its folders were left with; a link is removed, never followed.

    Not ``shutil.rmtree``: it recurses once per level, and a learner's chain of 1,500 nested
    folders made it raise ``RecursionError`` (which ``ignore_errors`` does not catch), so the
    folder, and every leftover after it, stayed for the next submission to read."""
    try:
        _remove_tree(Path(folder))
    except Exception:  # whatever the walk could not remove, rm may (it knows no pity as root)
        pass
    if os.path.lexists(folder):
        subprocess.run(["rm", "-rf", "--", str(folder)], check=False, capture_output=True)


_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _files_removed(fd: int) -> list[str]:
    """Unlink every entry of the folder ``fd`` that is not a folder; the names of its folders."""
    with os.scandir(fd) as listing:
        entries = [(entry.name, entry.is_dir(follow_symlinks=False)) for entry in listing]
    for name, folder in entries:
        if not folder:
            os.unlink(name, dir_fd=fd)
    return [name for name, folder in entries if folder]


def _remove_tree(top: Path) -> None:
    """Depth first with one open folder at a time and a list of names, not recursion: no
    depth makes it run out of stack, file descriptors or path length. Raises on the first
    entry it cannot remove."""
    if top.is_symlink() or not top.is_dir():
        top.unlink(missing_ok=True)
        return
    with contextlib.suppress(OSError):  # a folder the learner left without rights: ours to give back
        os.chmod(top, 0o700)
    fd = os.open(top, _FOLDER)
    try:
        pending = [_files_removed(fd)]  # per level, the folders still to empty
        path: list[str] = []  # the names from top down to fd's folder
        while pending:
            if pending[-1]:
                name = pending[-1].pop()
                with contextlib.suppress(OSError):
                    os.chmod(name, 0o700, dir_fd=fd)
                child = os.open(name, _FOLDER, dir_fd=fd)
                os.close(fd)
                fd = child
                path.append(name)
                pending.append(_files_removed(fd))
                continue
            pending.pop()
            if path:
                parent = os.open("..", _FOLDER, dir_fd=fd)
                os.close(fd)
                fd = parent
                os.rmdir(path.pop(), dir_fd=fd)
    finally:
        os.close(fd)
    os.rmdir(top)


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
