"""A submission's process may set limits, priority and scheduling for itself only.

Linux lets a process change another's resource limits (``prlimit``), priority (``setpriority``),
I/O class (``ioprio_set``) and scheduling (``sched_setaffinity``, ``sched_setscheduler``...)
whenever the two share a user. They do wherever the grader is not root: the learner's code then
runs as the grader's own user, with bubblewrap (its user namespace maps one id) or without it. A
sixteenth red team, grading as an ordinary user, set the worker's process limit to 1: every
classmate graded after it on that worker was "not started" (0/10), with no grader error and exit
status 0. A CPU limit of 1 s on the worker ended it ("the learner's worker stopped answering"),
and without bubblewrap the same limit on every process of the user (found by ``prlimit``'s
"no such process" against "not allowed") ended the grader and the instructor's own programs.

So each submission's process refuses these calls for any process but itself (``pid`` 0, or
``PRIO_PROCESS`` 0 for priorities): they fail with ``PermissionError`` (EPERM), and what a
learner's code does to itself (``resource.setrlimit``, ``os.nice``) works as before.

Signals are Landlock's to scope (ABI 6, Linux 6.12: none leaves the submission's own processes),
but most kernels an instructor has are older (Ubuntu 24.04's 6.8 is ABI 4), and there, without
bubblewrap, ``kill(-1, SIGKILL)`` would end every process of the instructor's user, the desktop
session with them. So a signal to a process group or to every process (a negative ``pid``), and
any signal or process handle aimed at the grader's processes above the submission or one of
their threads (the worker, its judge server, the grade command, the instructor's shell: a
seventeenth red team killed the worker through its memory watcher's thread id), are refused too,
and so is ``pidfd_send_signal``, whose handle may come from opening ``/proc/<pid>``. A signal to
any other process by its number is not: a seccomp filter cannot tell a process of the submission
from a classmate's graded beside it, and only Landlock's scoping (or bubblewrap's process
namespace, or a user id of its own) stops that. Where none of them holds, the grader grades one
submission at a time (:func:`grading.sandbox.plan.classmates_kept_apart`).

The learner's side (:mod:`grading.sandbox.learner_side`) installs the filter with the others;
where no seccomp filter loads, a grader that is not root has no wall here, and
``docs/grading.md`` says so.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path

PRIO_PROCESS = 0
IOPRIO_WHO_PROCESS = 1
# Calls whose first argument names the process they act on (0: the caller).
BY_PROCESS = ("prlimit64", "sched_setaffinity", "sched_setscheduler", "sched_setparam", "sched_setattr")
# Calls whose first argument names the process (or thread group) a signal or a handle is for.
SIGNALS = ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_open")
# A pid_t is 32 bits, whatever the register's upper half holds: its sign bit, and all of it.
SIGN_BIT, PID_BITS = 0x8000_0000, 0xFFFF_FFFF
# Each refused thread costs the filter seven rules, and loading it about 0.1 ms: the nearest
# ancestors are named first, and no more than this many threads.
MOST_THREADS = 64


def grader_threads(own_user: bool) -> list[int]:
    """Thread ids of the processes above this one, its parent (the worker) first: only the
    worker's where ``own_user`` is false (the submission runs as a user of its own, which the
    kernel keeps from signalling the grader), else every ancestor's of this process's user
    (the judge server, the grade command, the shell that started it...), at most
    :data:`MOST_THREADS`. Read before the filter loads; threads started later are not named."""
    found: list[int] = []
    pid, user = os.getppid(), os.getuid()
    while pid > 0 and len(found) < MOST_THREADS:
        fields = _status(pid)
        if fields is None or (found and int(fields.get("Uid", "-1 ").split()[0]) != user):
            break
        found += sorted(int(task) for task in _listing(f"/proc/{pid}/task")) or [pid]
        if not own_user:
            break
        pid = int(fields.get("PPid", "0"))
    return found[:MOST_THREADS] or [os.getppid()]


def _status(pid: int) -> dict[str, str] | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)


def _listing(folder: str) -> list[str]:
    try:
        return [name for name in os.listdir(folder) if name.isdigit()]
    except OSError:
        return []


def leave_other_processes_alone(protected: list[int]) -> None:
    """From now on, in this process and all it starts, changing another process's limits,
    priority, I/O priority or scheduling, signalling a process group or every process,
    signalling (or opening a handle on) any of ``protected`` (thread ids of the grader's
    processes, each process's own id among them: :func:`grader_threads`), and
    ``pidfd_send_signal`` fail with ``PermissionError`` (EPERM). Raises
    ``OSError``, ``RuntimeError`` or ``ImportError`` where the seccomp filter cannot be loaded."""
    from grading.sandbox.network import load_library

    seccomp = load_library()
    refuse = seccomp.ERRNO(errno.EPERM)
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for call in BY_PROCESS:
        rules.add_rule(refuse, call, seccomp.Arg(0, seccomp.NE, 0))
    # (which, who): a rule per argument, as the arguments of one rule must all match
    for call, which in (("setpriority", PRIO_PROCESS), ("ioprio_set", IOPRIO_WHO_PROCESS)):
        rules.add_rule(refuse, call, seccomp.Arg(0, seccomp.NE, which))
        rules.add_rule(refuse, call, seccomp.Arg(1, seccomp.NE, 0))
    rules.add_rule(refuse, "kill", seccomp.Arg(0, seccomp.MASKED_EQ, SIGN_BIT, SIGN_BIT))
    rules.add_rule(refuse, "pidfd_send_signal")
    for thread in protected:
        for call in SIGNALS:
            rules.add_rule(refuse, call, seccomp.Arg(0, seccomp.MASKED_EQ, PID_BITS, thread))
        # tgkill(tgid, tid, sig): a thread of the grader named as the second argument too
        rules.add_rule(refuse, "tgkill", seccomp.Arg(1, seccomp.MASKED_EQ, PID_BITS, thread))
    rules.load()
