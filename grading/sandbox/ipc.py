"""No System V IPC and no kernel keys for a submission's process, with bubblewrap or without it.

System V shared memory segments, semaphores and message queues belong to the machine (or to an
IPC namespace), not to a process: found by a key any process may guess, kept after their maker
ends, and owned by whichever user their maker names. Without bubblewrap, whose IPC namespace is
the worker's own, a fifteenth red team used them three ways: a classmate graded at the same
time on the other worker read a segment made for it (10/10 against 0/10 alone); a segment handed
to another user outlived the run, past the clean-up, and a later run's reader scored with it;
and segments handed to an honest classmate's user were counted against that classmate, who was
killed "for memory". Nothing a learner's code needs uses them (Python's multiprocessing and
torch use POSIX shared memory), so each submission's process refuses them all.

The kernel's keys (``add_key``, ``request_key``, ``keyctl``) are kept for a user too: its user
and persistent keyrings (the persistent one lives three days after its last use). With a user id
of its own, or bubblewrap's user namespace, the clean-up clears them; a non-root grader without
bubblewrap cannot, for they are the instructor's own. There an eighteenth red team stored the
solution's code in the instructor's keyrings, and a stub graded in a later run, into another
folder, read it and scored 10/10 (0/10 alone); a full key quota outlived the run too, and the
instructor's own ``add_key`` then failed. Nothing a learner's code needs uses keys either, so
they are refused as well, once the process has joined a session keyring of its own.

The learner's side (:mod:`grading.sandbox.learner_side`) installs the filter with the network's;
where no seccomp filter loads, its clean-up and memory watcher still find a segment by the user
that made it (``cuid``), which no later change of owner alters.
"""
from __future__ import annotations

import errno

SYSTEM_V_CALLS = ("shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semctl",
                  "msgget", "msgsnd", "msgrcv", "msgctl", "ipc")
KEY_CALLS = ("add_key", "request_key", "keyctl")


def refuse_system_v_ipc_and_keys() -> None:
    """From now on, in this process and all it starts, every System V IPC call and every call on
    the kernel's keys fails with ``PermissionError`` (EPERM). Raises ``OSError``,
    ``RuntimeError`` or ``ImportError`` where the seccomp filter cannot be loaded."""
    from grading.sandbox.network import load_library

    pyseccomp = load_library()
    rules = pyseccomp.SyscallFilter(defaction=pyseccomp.ALLOW)
    for call in SYSTEM_V_CALLS + KEY_CALLS:
        try:
            rules.add_rule(pyseccomp.ERRNO(errno.EPERM), call)
        except (RuntimeError, ValueError, OSError):  # a call this architecture does not have (ipc on x86-64)
            pass
    rules.load()
