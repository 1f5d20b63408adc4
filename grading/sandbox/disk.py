"""What a submission may put on the machine's disk where no sandbox keeps it off.

In bubblewrap a submission's process can write only to the sandbox's ``/tmp``, a tmpfs whose
bytes and files the worker counts as memory. Without bubblewrap (most Docker images, and so
Gradescope) it writes to the machine's own disk, and the output limit caps each file but not how
many it makes: an eleventh red team filled a container's disk during a call, and the grader,
which could then write nothing, reported its own error ("not a judgement of your code"). Two
learners graded side by side without a sandbox share one disk: one that fills it fails the
other's grading too.

So the worker charges each submission with what its processes write to files, as the kernel
counts it (:func:`written_bytes`): its live processes, those that have ended but not yet been
reaped, and through their reapers those that have. Past the ``disk_mb`` limit it stops the
submission (:meth:`grading.sandbox.learner_side.Server._watch_memory`). Two ways around that
count are refused in a submission's process (:func:`refuse_uncounted_writes`): ``fallocate``,
which takes disk space without writing it, and children the kernel reaps itself (``SIGCHLD``
ignored, or ``SA_NOCLDWAIT``), whose counts go to no process: a fourteenth red team wrote
1,000 MiB past a limit of 64 that way, and in a small disk shared with the other worker
left three classmates "not graded".
"""
from __future__ import annotations

import ctypes
import errno
import signal

PR_SET_DUMPABLE = 4
_libc = ctypes.CDLL(None, use_errno=True)


def written_bytes(pid: int | str = "self") -> int:
    """Bytes process ``pid`` has written towards storage, with those of every process it has
    reaped (the kernel adds a reaped child's counts to its reaper's), less those it truncated
    before they reached the disk: ``write_bytes - cancelled_write_bytes`` of ``/proc/<pid>/io``.

    The kernel counts a page when it is dirtied, so bytes still in the page cache count, and a
    file overwritten after it reached the disk counts again. Pages of a tmpfs never count (the
    worker counts those as memory). May be negative for a process that truncated pages another
    process wrote. 0 where the counts cannot be read: the process is gone, or is another user's
    and this one may not look inside it."""
    try:
        with open(f"/proc/{pid}/io") as counts:
            fields = dict(line.split(":", 1) for line in counts if ":" in line)
        return int(fields["write_bytes"]) - int(fields["cancelled_write_bytes"])
    except (OSError, KeyError, ValueError):
        return 0


def refuse_uncounted_writes(watchable: bool = False) -> None:
    """From now on, in this process and all it starts: ``fallocate`` fails with ``EOPNOTSUPP`` (the
    answer of a file system that cannot preallocate, on which ``posix_fallocate`` writes the zeros
    itself, and so they are counted by :func:`written_bytes`), setting any action for ``SIGCHLD``
    fails with ``PermissionError`` (its default lets no child be reaped unseen; asking what the
    action is still works), and so does ``prctl(PR_SET_DUMPABLE, ...)``.

    ``watchable``: first make this process dumpable again. A process of the worker's own user,
    forked from the worker (which makes itself undumpable, so that the learner's code cannot read
    its memory), is undumpable too, and a worker without ``CAP_SYS_PTRACE`` (a grader that is not
    root, without bubblewrap) could then read none of its counts: no disk limit held there. Only
    where Landlock confines it: another domain's processes may not trace a dumpable one.

    Raises ``OSError``, ``RuntimeError`` or ``ImportError`` where the seccomp filter cannot be
    loaded (no libseccomp, no seccomp)."""
    from grading.sandbox.network import load_library

    pyseccomp = load_library()
    if watchable and _libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 1) failed")
    rules = pyseccomp.SyscallFilter(defaction=pyseccomp.ALLOW)
    rules.add_rule(pyseccomp.ERRNO(errno.EPERM), "prctl", pyseccomp.Arg(0, pyseccomp.EQ, PR_SET_DUMPABLE))
    rules.add_rule(pyseccomp.ERRNO(errno.EOPNOTSUPP), "fallocate")
    rules.add_rule(pyseccomp.ERRNO(errno.EPERM), "rt_sigaction",
                   pyseccomp.Arg(0, pyseccomp.EQ, int(signal.SIGCHLD)), pyseccomp.Arg(1, pyseccomp.NE, 0))
    rules.load()
