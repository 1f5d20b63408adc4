"""A control group for each worker's submissions: the kernel's own bound on what they use.

The worker's watcher (:mod:`grading.sandbox.learner_side`) adds up the memory it can see:
processes, memory files, System V segments, the sandbox's tmpfs. Kernel memory reached through a
descriptor shows in none of them — a socket pair's queues can be raised to 8 MiB a side, so 100
pairs in each of two processes held 3.1 GB past a 2 GB budget — and a submission's busy
processes, each in a scheduler group of its own (``setsid``), took the CPU from the submission
graded beside it on the other worker (25 times slower; with ``--time-limit 60`` it lost 64 of
111 points, told it had used up its time).

Where this process may make control groups (root, with the ``memory`` and ``cpu`` controllers of
cgroup v1, or of v2 where this process's group already hands them to its children), each worker
gets a group of its own, made inside this process's group, that each submission's process joins
before it runs anything of the learner's (the worker itself stays outside):

- memory: the submission's budget and a quarter more, kernel memory included (socket buffers,
  pipes, inodes). Past it the kernel's out-of-memory killer ends one of the submission's
  processes, and the worker's watcher, which reads the group's count of such kills, stops the
  submission as out of memory;
- cpu: the default share, as every other worker's group has: a submission with 60 busy
  processes shares one worker's part of the machine, not 60 parts.

Elsewhere (an instructor who is not root, no writable controller) :meth:`WorkerGroup.make`
returns None and nothing changes; docs/grading.md says what is then left unbounded.

A group is named as the grader's temporary folders are (:mod:`grading.harness.scratch`:
``decodelab-worker-<pid>-<random>``, the pid of the process that made it). Its maker removes it;
a maker that was killed, or a forked one that ended with ``os._exit``, cannot, so each
:meth:`WorkerGroup.make` first removes the empty groups beside its own whose maker has ended (a
full CI run had left five).
"""
from __future__ import annotations

import os
import secrets
import signal
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from grading.harness.scratch import prefix, stale

CONTROLLERS = ("memory", "cpu")


def _hierarchies() -> dict[str, Path]:
    """Controller -> the folder of this process's own group in that controller's hierarchy."""
    own: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        for name in names.split(",") if names else ["(v2)"]:
            own[name] = path.lstrip("/")
    found: dict[str, Path] = {}
    for line in Path("/proc/self/mounts").read_text().splitlines():
        _, point, kind, options = line.split()[:4]
        if kind == "cgroup":
            for name in set(CONTROLLERS) & set(options.split(",")):
                if name in own:
                    found[name] = Path(point) / own[name]
        elif kind == "cgroup2" and "(v2)" in own:
            folder = Path(point) / own["(v2)"]
            handed = (folder / "cgroup.subtree_control").read_text().split()
            for name in set(CONTROLLERS) & set(handed):
                found.setdefault(name, folder)
    return found


@dataclass
class WorkerGroup:
    """One worker's group: its folder in each hierarchy (one folder for both under v2)."""

    folders: dict[str, Path]
    # Removes the folders once: by remove(), when the group is garbage, or when this process exits
    # without either (a grader that never closed its worker), never from a forked child.
    _removal: weakref.finalize | None = field(default=None, init=False, repr=False)

    @classmethod
    def make(cls, memory_bytes: int) -> "WorkerGroup | None":
        """A new, empty group holding at most ``memory_bytes``, or None where none can be made."""
        if not hasattr(os, "geteuid") or os.geteuid() != 0:
            return None
        try:
            places = _hierarchies()
        except (OSError, ValueError):
            return None
        if set(places) != set(CONTROLLERS):
            return None
        for parent in dict.fromkeys(places.values()):
            _remove_abandoned(parent)
        name = prefix("worker") + secrets.token_hex(6)
        group = cls({controller: parent / name for controller, parent in places.items()})
        group._removal = weakref.finalize(group, _remove_folders, group._distinct(), os.getpid())
        try:
            for folder in group._distinct():
                folder.mkdir()
            group._memory_file("limit").write_text(str(memory_bytes))
        except OSError:
            group.remove()
            return None
        return group

    @classmethod
    def possible(cls) -> bool:
        """Whether :meth:`make` can make a group here (it makes one and removes it)."""
        group = cls.make(2**20)
        if group is not None:
            group.remove()
        return group is not None

    def _distinct(self) -> list[Path]:
        return list(dict.fromkeys(self.folders.values()))

    def _memory_file(self, what: str) -> Path:
        v2, v1 = {"limit": ("memory.max", "memory.limit_in_bytes"),
                  "events": ("memory.events", "memory.oom_control")}[what]
        folder = self.folders["memory"]
        return folder / v2 if (folder / v2).exists() else folder / v1

    def open_joining(self) -> list[int]:
        """Descriptors of the group's ``cgroup.procs`` files (one per hierarchy): a process that
        writes ``0`` into each joins the group, with all it starts later. The kernel checks the
        rights of whoever opened them (this process), so a sandboxed process may use them."""
        return [os.open(folder / "cgroup.procs", os.O_WRONLY | os.O_CLOEXEC) for folder in self._distinct()]

    def open_kill_count(self) -> int:
        """A read-only descriptor of the file whose ``oom_kill N`` line counts the kernel's kills."""
        return os.open(self._memory_file("events"), os.O_RDONLY | os.O_CLOEXEC)

    def remove(self) -> None:
        """Kill what is left in the group and remove it (once its worker has been stopped)."""
        if self._removal is not None:
            self._removal()


def _remove_folders(folders: list[Path], owner: int) -> None:
    if os.getpid() != owner:
        return
    for folder in folders:
        deadline = time.monotonic() + 5
        while folder.exists():
            try:
                folder.rmdir()
            except FileNotFoundError:
                break
            except OSError:
                if time.monotonic() > deadline:
                    break  # left behind (empty groups cost the kernel little); nothing else to do
                for pid in _members(folder):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                time.sleep(0.05)


def _remove_abandoned(parent: Path) -> None:
    """Remove the empty groups in ``parent`` whose maker has ended. Only ``rmdir``: the kernel
    refuses to remove a group that still has a process, and such a group is left as it is."""
    for folder in stale(parent):
        try:
            folder.rmdir()
        except OSError:
            pass


def _members(folder: Path) -> list[int]:
    try:
        return [int(pid) for pid in (folder / "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return []


def kill_count(fd: int) -> int:
    """The ``oom_kill`` count in an events file opened by :meth:`WorkerGroup.open_kill_count`."""
    for line in os.pread(fd, 4096, 0).decode().splitlines():
        name, _, value = line.partition(" ")
        if name == "oom_kill":
            return int(value)
    return 0
