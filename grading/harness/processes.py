"""Child processes, started, waited for and stopped one way.

The grader and the tools around it run children of two kinds: a command (a judge server; the
learner's worker under bubblewrap) and a fork of the running process (one judge per submission;
the learner's worker when there is no sandbox, sharing the loaded model; ``check --watch``'s
test run). Each one must write its stdout and stderr to a log whose end can go into an error
message (:func:`~grading.harness.output.file_end`), be waited for with a deadline, and be
stopped with everything it started; and each dies with its parent, so a grader killed outright
(``timeout -k``, the out-of-memory killer) leaves nothing running. :func:`start_command` and
:func:`fork_child` start them; both hand back an object with ``pid``, ``poll()``,
``wait(timeout)`` and ``kill()`` (``subprocess.Popen``, or :class:`Forked`), which :func:`stop`
ends.
"""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
import traceback
from contextlib import suppress
from typing import Callable, Protocol


class Child(Protocol):
    """What :func:`stop` needs of a child: ``subprocess.Popen`` and :class:`Forked` are both one."""

    pid: int

    def poll(self) -> int | None: ...

    def wait(self, timeout: float | None = None) -> int | None: ...

    def kill(self) -> None: ...


def _load_prctl() -> Callable[..., int] | None:
    try:
        import ctypes

        return ctypes.CDLL(None).prctl
    except (OSError, AttributeError):  # not Linux
        return None


# Looked up once, here: a child forked from a process with threads must not dlopen (a lock that
# another thread held at the fork stays held in the child for good).
_PRCTL = _load_prctl()


def die_with_parent(parent: int | None = None) -> None:
    """Have the kernel kill this process (``SIGKILL``) when the thread that started it ends, and
    end it at once if ``parent`` (that process's id) is already gone (Linux; elsewhere a no-op).

    A fork does not inherit this: each child of a grader sets it for itself, or a judge whose
    server was killed (``timeout -k``, the out-of-memory killer) would live on, orphaned, and
    start a sandbox of its own.
    """
    if _PRCTL is None:
        return
    _PRCTL(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if parent is not None and os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _new_session_that_dies_with(parent: int) -> Callable[[], None]:
    """``preexec_fn`` of a grader's command: a session of its own (so it and all it starts can be
    killed together) that dies with ``parent``."""
    def preexec() -> None:
        os.setsid()
        die_with_parent(parent)

    return preexec


def undumpable() -> None:
    """Make this process's memory and environment (``/proc/<pid>/environ``, ``mem``) unreadable
    to other processes of its user, a learner's code among them where the grader is not root
    and no sandbox separates them (Linux; elsewhere a no-op)."""
    if _PRCTL is not None:
        _PRCTL(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE


def works_in_child(code: str, *arguments: str, timeout: float = 60) -> tuple[bool, str]:
    """Run ``code`` in a fresh Python (``python -c code arguments``, in the project's folder) to
    learn whether something works on this machine: ``(True, "")`` when it exits 0, else
    ``(False, its last line of stderr)``. What the code does to itself (a seccomp filter, a
    Landlock ruleset) cannot be undone, hence a process of its own."""
    try:
        done = subprocess.run([sys.executable, "-c", code, *arguments], capture_output=True, text=True,
                              timeout=timeout, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"could not be tried: {error}"
    if done.returncode == 0:
        return True, ""
    return False, (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]


def start_command(command: list[str], log_path: str | os.PathLike[str], **popen) -> subprocess.Popen:
    """Start ``command`` in a session of its own that dies with this process (with the
    thread that calls this: start it from one that outlives it).

    Its stderr, and its stdout unless ``stdout`` is given, are appended to ``log_path``; its stdin
    is ``/dev/null`` unless ``stdin`` is given. Other keywords go to ``subprocess.Popen``.
    """
    popen.setdefault("stdin", subprocess.DEVNULL)
    with open(log_path, "ab") as log:
        popen.setdefault("stdout", log)
        return subprocess.Popen(command, stderr=log, preexec_fn=_new_session_that_dies_with(os.getpid()), **popen)


def fork_child(run: Callable[[], int], log_path: str | os.PathLike[str], *, new_session: bool = False,
               keep_fds: set[int] | None = None) -> "Forked":
    """Fork; the child runs ``run()`` and exits with what it returns, never returning here.

    In the child, stdin is ``/dev/null`` and stdout and stderr are appended to ``log_path``; an
    exception ends it with code 1 and its trace in the log. It dies with the thread that forked
    it (:func:`die_with_parent`). ``new_session`` puts it in a session of its own (so
    :func:`stop` ends what it starts too); ``keep_fds`` closes every other descriptor above 2
    first (a child that must not hold the parent's sockets and files).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return Forked(pid)
    code = 1
    try:
        die_with_parent(parent)
        if new_session:
            os.setsid()
        log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log, 1)
        os.dup2(log, 2)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        # Python's own streams too: the parent's may have been replaced (pytest's capture, a
        # notebook kernel) and would not write to descriptors 1 and 2.
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, "w", buffering=1, closefd=False)
        sys.stderr = open(2, "w", buffering=1, closefd=False)
        if keep_fds is not None:
            close_other_fds(keep_fds)
        code = run()
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


class Forked:
    """The little of ``subprocess.Popen`` that a caller needs, for a child made by ``os.fork``."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self.peak_bytes = 0  # its peak resident memory, once reaped (``ru_maxrss``); 0 where unknown

    def poll(self) -> int | None:
        if self.returncode is None:
            self._reap(os.WNOHANG)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        """Its exit code; ``subprocess.TimeoutExpired`` if it has not ended within ``timeout`` s."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            handle = os.pidfd_open(self.pid)
        except (AttributeError, OSError):
            handle = None
        try:
            while self.poll() is None:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise subprocess.TimeoutExpired(f"process {self.pid}", timeout or 0)
                if handle is not None:
                    select.select([handle], [], [], left)
                else:
                    time.sleep(0.01 if left is None else min(left, 0.01))
        finally:
            if handle is not None:
                os.close(handle)
        return self.returncode

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def _reap(self, flags: int) -> None:
        try:
            done, status, usage = os.wait4(self.pid, flags)
        except ChildProcessError:  # reaped elsewhere: its code is lost
            self.returncode = -1
            return
        if done:
            self.returncode = os.waitstatus_to_exitcode(status)
            scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
            self.peak_bytes = usage.ru_maxrss * scale


def wait_or_kill(child: Child, limit: float | None) -> int | None:
    """Wait at most ``limit`` s for ``child``: its exit code, or None after killing it for being late."""
    try:
        return child.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        stop(child)
        return None


def stop(child: Child, timeout: float = 30) -> None:
    """End ``child`` at once, with its session when it leads one, and reap it."""
    if child.poll() is None:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except OSError:  # it leads no process group of its own (or it is already gone)
            pass
        try:
            child.kill()
        except OSError:
            pass
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and has not ended (a zombie has ended), also when it is not
    this process's child (``/proc``; where there is none, whether it can be signalled)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        if os.path.isdir("/proc/self"):
            return False
    except (OSError, IndexError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def process_tree(root: int) -> dict[int, str]:
    """``root`` and every process below it, each with its state letter (``/proc``: ``R``, ``S``,
    ``T`` for stopped...); empty where there is no ``/proc``."""
    parents: dict[int, int] = {}
    states: dict[int, str] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc/self") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(entry)], states[int(entry)] = int(fields[1]), fields[0]
    tree = {}
    for pid, state in states.items():
        ancestor: int | None = pid
        while ancestor not in (None, 0, 1, root):
            ancestor = parents.get(ancestor)
        if ancestor == root:
            tree[pid] = state
    return tree


def resume_stopped(root: int) -> list[int]:
    """Send ``SIGCONT`` to ``root`` and every process below it that is stopped; their ids. Where a
    sandbox runs everything as one user, learner code can ``SIGSTOP`` the grader's worker, which
    would then answer nothing until the judge's limits ran out, for that submission and the next."""
    resumed = []
    for pid, state in sorted(process_tree(root).items()):
        if state in ("T", "t"):
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGCONT)
                resumed.append(pid)
    return resumed


def close_other_fds(keep: set[int]) -> None:
    """Close every open descriptor above 2 that is not in ``keep``."""
    try:
        open_fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        open_fds = list(range(3, 1024))
    for fd in open_fds:
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
